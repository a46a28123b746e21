"""`/account/activity`: my meeting registrations, with their status."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.activity import LIMIT
from ..core.i18n import localized
from ..core.models import User
from ..extensions import db
from .models import STATUS_LABELS, Meeting, MeetingState, Registration


def items(app: Any, user: User, limit: int = LIMIT, **_: Any) -> list[dict]:
    rows = db.session.execute(
        select(Registration.created_at, Registration.status, Meeting.id, Meeting.title, Meeting.state)
        .join(Meeting, Meeting.id == Registration.meeting_id)
        .where(Registration.user_id == user.id)
        .order_by(Registration.created_at.desc(), Registration.id.desc()).limit(limit))
    return [{"kind": str(_l("Meeting registration")), "title": localized(title),
             "state": str(_l("Meeting cancelled")) if state == MeetingState.CANCELLED else str(STATUS_LABELS[status]),
             "url": url_for("meetings.detail", meeting_id=meeting_id), "created_at": at}
            for at, status, meeting_id, title, state in rows]


def init_app(app: Any) -> None:
    from ..core import signals

    signals.account_activity.connect(items, sender=app, weak=False)
