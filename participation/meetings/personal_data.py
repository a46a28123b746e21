"""What meetings hold about a person: export, erase (a place in a coming meeting is given up so the
next person moves up; past registrations and attendance stay counted, linked to no one; comments stay
under 「退会したユーザー」)."""
from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import select, update

from ..core.errors import ServiceError
from ..core.models import User
from ..extensions import db
from .models import MeetingComment, Registration, RegistrationStatus


def export(app: Any, user: User) -> dict[str, list[dict]]:
    return {
        "meeting_registrations": [{"meeting_id": r.meeting_id, "status": r.status.value, "code": r.code,
                                   "answers": r.answers, "created_at": r.created_at, "cancelled_at": r.cancelled_at,
                                   "checked_in_at": r.checked_in_at}
                                  for r in db.session.scalars(select(Registration)
                                                              .where(Registration.user_id == user.id)
                                                              .order_by(Registration.id))],
        "meeting_comments": [{"id": c.id, "meeting_id": c.meeting_id, "body": c.body, "created_at": c.created_at,
                              "deleted_at": c.deleted_at, "hidden_at": c.hidden_at}
                             for c in db.session.scalars(select(MeetingComment)
                                                         .where(MeetingComment.author_id == user.id)
                                                         .order_by(MeetingComment.id))],
    }


def erase(app: Any, user: User) -> None:
    from . import registrations

    for registration in db.session.scalars(select(Registration).where(Registration.user_id == user.id)).all():
        meeting = registration.meeting
        if registration.status != RegistrationStatus.CANCELLED and not meeting.is_past:
            with contextlib.suppress(ServiceError):  # no longer cancellable: it simply stays counted
                registrations.cancel(user, registration)
        registration.user_id, registration.answers = None, {}
    db.session.execute(update(MeetingComment).where(MeetingComment.author_id == user.id).values(author_id=None))
    db.session.flush()


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
