"""Registration: register, cancel, the waiting list that moves up by itself, check-in by code.

Atomicity: every command that changes who holds a place first locks the meeting's row
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has a single writer) and re-reads its counters, so
50 residents registering at once for 10 places give exactly 10 registered and 40 waiting, and two
cancellations at once promote two different people. The counters are recomputed from the rows
inside the same transaction: they cannot drift.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..core import audit, clock, notifications
from ..core.errors import Conflict, NotFound, PermissionDenied
from ..core.i18n import localized
from ..core.models import User
from ..core.services import ensure_can_post
from ..extensions import db
from ..surveys.answering import check_answers
from . import permissions
from .models import Meeting, Registration, RegistrationStatus, new_code, normalise_code
from .services import require_can_manage

ALREADY = _l("You are already registered for this meeting.")
CLOSED = _l("Registration for this meeting is not open.")
UNKNOWN_CODE = _l("No registration for this meeting has this code.")


def _lock(meeting: Meeting) -> Meeting:
    """The meeting's row, locked for this transaction and freshly read.

    A no-op UPDATE takes the lock on both databases: PostgreSQL locks the row, SQLite takes its one
    write lock before anything is read (a plain SELECT there would read a snapshot that a concurrent
    writer could make stale). Then the row is read again, counters included.
    """
    db.session.execute(update(Meeting).where(Meeting.id == meeting.id)
                       .values(updated_at=Meeting.updated_at).execution_options(synchronize_session=False))
    return db.session.execute(select(Meeting).where(Meeting.id == meeting.id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()


def _recount(meeting: Meeting) -> None:
    counts = dict(db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.meeting_id == meeting.id).group_by(Registration.status)).all())
    meeting.registered_count = counts.get(RegistrationStatus.REGISTERED, 0)
    meeting.waiting_count = counts.get(RegistrationStatus.WAITING, 0)
    db.session.flush()


def _has_place(meeting: Meeting) -> bool:
    return meeting.capacity is None or meeting.registered_count < meeting.capacity


def _stored_answers(meeting: Meeting, answers: Mapping[int, Any] | None) -> dict[str, Any]:
    """The registration questions' answers checked by the survey rules, stored as {question id: answer}."""
    given = check_answers(meeting.questions, answers or {})  # AnswerErrors (InvalidInput) per question
    stored: dict[str, Any] = {}
    for g in given:
        entry = stored.setdefault(str(g.question_id), {})
        if g.text is not None:
            entry["text"] = g.text
        if g.option_id is not None:
            entry.setdefault("choices", []).append(g.option_id)
    return stored


def register(user: User, meeting: Meeting, answers: Mapping[int, Any] | None = None) -> Registration:
    """A place if one is free, else the waiting list. Re-registering after cancelling queues anew.

    `answers` are `{question_id: value}` for the meeting's registration questions (see surveys.answering).
    """
    ensure_can_post(user)
    meeting = _lock(meeting)
    if not permissions.can_register_meeting(user, meeting):
        raise PermissionDenied(CLOSED)
    stored = _stored_answers(meeting, answers)
    existing = db.session.execute(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.user_id == user.id)
        .execution_options(populate_existing=True)).scalar_one_or_none()  # the meeting's lock covers it
    if existing is not None and existing.is_active:
        raise Conflict(ALREADY)
    status = RegistrationStatus.REGISTERED if _has_place(meeting) else RegistrationStatus.WAITING
    now = clock.now()
    if existing is not None:
        existing.status, existing.queued_at, existing.cancelled_at = status, now, None
        existing.answers, existing.code = stored, new_code()
        registration = existing
    else:
        registration = Registration(meeting_id=meeting.id, user_id=user.id, status=status,
                                    answers=stored, queued_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        raise Conflict(ALREADY) from None
    _recount(meeting)
    return registration


def cancel(user: User, registration: Registration) -> Registration:
    """The resident gives up their place (or leaves the waiting list); the next one moves up."""
    meeting = _lock(registration.meeting)
    db.session.refresh(registration)
    if not permissions.can_cancel_registration(user, registration):
        raise Conflict(_l("This registration cannot be cancelled any more."))
    had_place = registration.status == RegistrationStatus.REGISTERED
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, clock.now()
    db.session.flush()
    _recount(meeting)
    if had_place:
        promote(meeting)
    return registration


def promote(meeting: Meeting) -> list[Registration]:
    """Move people up from the waiting list while places are free (the meeting row is locked)."""
    promoted: list[Registration] = []
    if meeting.is_cancelled or meeting.is_past:
        return promoted
    while _has_place(meeting):
        waiting = db.session.scalars(select(Registration).where(
            Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.WAITING)
            .order_by(Registration.queued_at, Registration.id).limit(1)).first()
        if waiting is None:
            break
        moved = db.session.execute(update(Registration).where(
            Registration.id == waiting.id, Registration.status == RegistrationStatus.WAITING)
            .values(status=RegistrationStatus.REGISTERED))
        db.session.refresh(waiting)
        _recount(meeting)
        if getattr(moved, "rowcount", 1):
            promoted.append(waiting)
    if promoted:
        notifications.notify_users([r.user_id for r in promoted], meeting, "meeting.promoted",
                                   {"title": localized(meeting.title, "ja"), "title_i18n": meeting.title})
    return promoted


def check_in(actor: User, meeting: Meeting, raw_code: str | None) -> Registration:
    """An organiser checks a registered person in by their code; each code works once."""
    require_can_manage(actor, meeting)
    code = normalise_code(raw_code)
    registration = None if not code else db.session.execute(
        select(Registration).where(Registration.code == code, Registration.meeting_id == meeting.id)
        .with_for_update(of=Registration).execution_options(populate_existing=True)).scalar_one_or_none()
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise NotFound(UNKNOWN_CODE)
    if registration.status == RegistrationStatus.WAITING:
        raise Conflict(_l("This person is on the waiting list, not registered."))
    if registration.checked_in_at is not None:
        raise Conflict(_l("This code has already been used to check in."))
    registration.checked_in_at = clock.now()
    db.session.flush()
    audit.record(actor, "meeting.check_in", meeting, after={"registration_id": registration.id})
    return registration


def get_registration_by_code(actor: User, meeting: Meeting, raw_code: str | None) -> Registration | None:
    """For the check-in page: whose code this is (organisers only)."""
    require_can_manage(actor, meeting)
    code = normalise_code(raw_code)
    if not code:
        return None
    return db.session.scalar(select(Registration).where(Registration.code == code,
                                                        Registration.meeting_id == meeting.id))


def own_registration(user: Any, meeting: Meeting) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    registration = db.session.scalar(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.user_id == user.id))
    return registration if registration is not None and registration.is_active else None


def waiting_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.meeting_id == registration.meeting_id, Registration.status == RegistrationStatus.WAITING,
        (Registration.queued_at < registration.queued_at)
        | ((Registration.queued_at == registration.queued_at) & (Registration.id < registration.id)))) or 0
    return ahead + 1


def registrations(actor: User, meeting: Meeting) -> list[Registration]:
    require_can_manage(actor, meeting)
    return list(db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)
                                   .order_by(Registration.status, Registration.queued_at, Registration.id)))


def require_not_found(registration: Registration | None) -> Registration:
    if registration is None:
        raise NotFound(_l("You are not registered for this meeting."))
    return registration
