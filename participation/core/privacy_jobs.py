"""Jobs of "download my data": build a zip; remove expired ones every hour."""
from __future__ import annotations

import logging

from ..extensions import db
from . import jobs

log = logging.getLogger(__name__)


@jobs.task(retries=2, retry_delay=60)
def build_data_export(export_id: int) -> None:
    from .privacy_export import build

    build(export_id)
    db.session.commit()


@jobs.periodic_task(jobs.crontab(minute="41"))
def remove_expired_data_exports() -> None:
    """Zips offered for 7 days are deleted afterwards (the link then answers 404)."""
    from .privacy_export import remove_expired

    removed = remove_expired()
    db.session.commit()
    if removed:
        log.info("removed %d expired data export(s)", removed)
