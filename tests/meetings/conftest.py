"""Meeting factories: make_meeting(...) stores a meeting directly (the services are tested on their own)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from participation.core import clock
from participation.extensions import db


@pytest.fixture(autouse=True)
def _posting_allowed(app):
    """Tests move the clock days ahead; unconfirmed test accounts keep posting (mail has its own tests)."""
    app.config["UNCONFIRMED_POSTING_DAYS"] = 100_000


@pytest.fixture
def make_meeting(app):
    """make_meeting(process=None, starts_in=timedelta(days=7), hours=2, **fields) -> Meeting (detached)."""
    from participation.meetings.models import Meeting

    def factory(process=None, *, starts_in: timedelta = timedelta(days=7), hours: float = 2,
                starts_at: datetime | None = None, **fields):
        with app.app_context():
            start = starts_at or clock.now().replace(microsecond=0) + starts_in
            values = dict(title={"ja": "説明会", "en": "Information session"}, description={"ja": "説明"},
                          type="in_person", kind="info_session", address="みどり川市役所 3階",
                          latitude=35.66, longitude=139.70, registration_enabled=True,
                          registered_count=0, waiting_count=0)
            values.update(fields)
            meeting = Meeting(process_id=process.id if process is not None else None, starts_at=start,
                              ends_at=start + timedelta(hours=hours), **values)
            db.session.add(meeting)
            db.session.commit()
            db.session.refresh(meeting)
            db.session.expunge_all()
            return meeting

    return factory


def at(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
