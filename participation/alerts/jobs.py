"""Alert jobs: mail what an event concerns, after the transaction that recorded it committed."""
from __future__ import annotations

from ..core import jobs
from ..extensions import db


@jobs.task(retries=3, retry_delay=60)
def send_alerts(event_id: int) -> None:
    """Idempotent: every mail has a dedupe key (event, subscription)."""
    from . import services
    from .models import AlertEvent

    event = db.session.get(AlertEvent, event_id)
    if event is None:
        return
    services.mail_event(event)
    db.session.commit()
