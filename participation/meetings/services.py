"""Meeting commands for organisers: create, edit, cancel, minutes, linked proposals, reminders.

Registration (register, cancel, the waiting list, check-in) lives in `registrations.py`.
Each command checks the predicate, changes state, writes the audit log, notifies and flushes; it
never commits (the request boundary, or the CLI command, does).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit, clock, geo, notifications, uploads
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.i18n import clean_translated, localized
from ..core.models import User
from ..core.sanitize import clean_text
from ..core.services import parse_id
from ..extensions import db
from ..processes.models import Process
from . import permissions
from .models import (
    ADDRESS_MAX,
    ATTENDANCE_MAX,
    CAPACITY_MAX,
    CHOICES_MAX,
    DESCRIPTION_MAX,
    MINUTES_MAX,
    NOTES_MAX,
    ORGANISER_MAX,
    PHOTOS_MAX,
    QUESTION_TEXT_MAX,
    REASON_MAX,
    TITLE_MAX,
    URL_MAX,
    Accessibility,
    Meeting,
    MeetingKind,
    MeetingPhoto,
    MeetingProposal,
    MeetingQuestion,
    MeetingType,
    QuestionKind,
    Registration,
    RegistrationStatus,
)

NOT_ORGANISER = _l("Only the organisers of this meeting can do this.")
MAX_LENGTH = _l("At most %(n)d characters.")


def require_can_manage(user: Any, meeting: Meeting) -> None:
    if not permissions.can_manage_meeting(user, meeting):
        raise PermissionDenied(NOT_ORGANISER)


def _text(value: Any, limit: int, field: str) -> str:
    text = clean_text(value if isinstance(value, str) else "").strip()
    if len(text) > limit:
        raise InvalidInput(MAX_LENGTH % {"n": limit}, field=field)
    return text


def _translated(data: dict[str, Any], name: str, limit: int, *, required: bool = False) -> dict[str, str]:
    value = clean_translated(data.get(name))
    for lang, text in list(value.items()):
        value[lang] = _text(text, limit, f"{name}_{lang}")
    if required and not value.get("ja"):
        raise InvalidInput(_l("Please enter it in Japanese."), field=f"{name}_ja")
    return {k: v for k, v in value.items() if v}


def _url(value: Any) -> str | None:
    url = _text(value, URL_MAX, "online_url")
    if not url:
        return None
    if not url.startswith(("https://", "http://")) or any(ch.isspace() for ch in url):
        raise InvalidInput(_l("Please enter a web address starting with https://."), field="online_url")
    return url


def _times(data: dict[str, Any]) -> tuple[datetime, datetime]:
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, datetime) or starts.tzinfo is None:
        raise InvalidInput(_l("Please enter the start date and time."), field="starts_at")
    if not isinstance(ends, datetime) or ends.tzinfo is None:
        raise InvalidInput(_l("Please enter the end date and time."), field="ends_at")
    if ends <= starts:
        raise InvalidInput(_l("The meeting must end after it starts."), field="ends_at")
    if ends - starts > timedelta(days=14):
        raise InvalidInput(_l("A meeting lasts at most 14 days."), field="ends_at")
    return starts, ends


def _optional_number(value: Any, limit: int, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise InvalidInput(_l("Please enter a whole number from 1 to %(n)d.", n=limit), field=field)
    return value


def _apply(meeting: Meeting, process: Process | None, data: dict[str, Any]) -> None:
    """Check every field and copy it onto the meeting (nothing is set when one is refused)."""
    title = _translated(data, "title", TITLE_MAX, required=True)
    description = _translated(data, "description", DESCRIPTION_MAX)
    organiser = _translated(data, "organiser", ORGANISER_MAX)
    venue_notes = _translated(data, "venue_notes", NOTES_MAX)
    try:
        mtype, kind = MeetingType(str(data.get("type"))), MeetingKind(str(data.get("kind")))
    except ValueError:
        raise InvalidInput(_l("Please choose one of the choices offered."), field="type") from None
    starts, ends = _times(data)
    address = " ".join(_text(data.get("address"), ADDRESS_MAX, "address").split()) or None
    lat, lon = geo.clean_location(data.get("latitude"), data.get("longitude"))
    online_url = _url(data.get("online_url"))
    if mtype != MeetingType.ONLINE and not address:
        raise InvalidInput(_l("Please enter the address of the venue."), field="address")
    if mtype != MeetingType.IN_PERSON and not online_url:
        raise InvalidInput(_l("Please enter the link of the online meeting."), field="online_url")
    raw_access = data.get("accessibility") or []
    if not isinstance(raw_access, list) or any(a not in set(Accessibility) for a in raw_access):
        raise InvalidInput(_l("Please choose one of the choices offered."), field="accessibility")
    phase_id = parse_id(data.get("phase_id")) if data.get("phase_id") not in (None, "", 0) else None
    if phase_id is not None and (process is None or phase_id not in {p.id for p in process.phases}):
        raise InvalidInput(_l("Please choose a phase of this process."), field="phase_id")
    capacity = _optional_number(data.get("capacity"), CAPACITY_MAX, "capacity")
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if opens is not None and closes is not None and closes <= opens:
        raise InvalidInput(_l("Registration must close after it opens."), field="registration_closes_at")
    if capacity is not None and meeting.id is not None and capacity < meeting.registered_count:
        raise InvalidInput(_l("%(n)d people are already registered: the capacity cannot be lower.",
                              n=meeting.registered_count), field="capacity")
    meeting.process_id = process.id if process is not None else None
    meeting.title, meeting.description, meeting.organiser = title, description, organiser
    meeting.venue_notes, meeting.type, meeting.kind = venue_notes, mtype, kind
    meeting.starts_at, meeting.ends_at, meeting.phase_id = starts, ends, phase_id
    meeting.address = address if mtype != MeetingType.ONLINE else None
    meeting.latitude, meeting.longitude = (lat, lon) if mtype != MeetingType.ONLINE else (None, None)
    meeting.online_url = online_url if mtype != MeetingType.IN_PERSON else None
    meeting.accessibility = [a.value for a in Accessibility if a.value in raw_access]
    meeting.registration_enabled = bool(data.get("registration_enabled"))
    meeting.capacity = capacity
    meeting.registration_opens_at, meeting.registration_closes_at = opens, closes


def create_meeting(actor: User, process: Process | None, data: dict[str, Any]) -> Meeting:
    if not permissions.can_create_meeting(actor, process):
        raise PermissionDenied(NOT_ORGANISER)
    meeting = Meeting(created_by_id=actor.id, registered_count=0, waiting_count=0)
    _apply(meeting, process, data)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting.create", meeting, after={"title": meeting.title,
                                                          "starts_at": meeting.starts_at.isoformat()})
    return meeting


# Changes that registered people must hear about.
_NOTIFIED_FIELDS = ("starts_at", "ends_at", "address", "type", "online_url")


def update_meeting(actor: User, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    require_can_manage(actor, meeting)
    if meeting.is_cancelled:
        raise Conflict(_l("A cancelled meeting cannot be changed."))
    before = {name: getattr(meeting, name) for name in _NOTIFIED_FIELDS}
    _apply(meeting, meeting.process, data)
    db.session.flush()
    changed = [name for name in _NOTIFIED_FIELDS if getattr(meeting, name) != before[name]]
    audit.record(actor, "meeting.update", meeting, before={k: str(before[k]) for k in changed},
                 after={k: str(getattr(meeting, k)) for k in changed})
    if changed:
        notify_registrants(meeting, "meeting.changed")
    return meeting


def cancel_meeting(actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel (never delete): everyone registered or waiting is told."""
    require_can_manage(actor, meeting)
    reason = _text(reason, REASON_MAX, "reason")
    if not reason:
        raise InvalidInput(_l("Please say why the meeting is cancelled."), field="reason")
    meeting.cancel(reason)
    db.session.flush()
    audit.record(actor, "meeting.cancel", meeting, after={"reason": reason})
    notify_registrants(meeting, "meeting.cancelled")
    return meeting


def notify_registrants(meeting: Meeting, kind: str) -> None:
    """Everyone registered or waiting (in-app; e-mail follows through notifications_created)."""
    user_ids = list(db.session.scalars(select(Registration.user_id).where(
        Registration.meeting_id == meeting.id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.id)))
    if user_ids:
        notifications.notify_users(user_ids, meeting, kind, {"title": localized(meeting.title, "ja"),
                                                             "title_i18n": meeting.title})


def save_minutes(actor: User, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Minutes (ja/en Markdown) and the attendance, after the meeting started."""
    require_can_manage(actor, meeting)
    if meeting.is_cancelled:
        raise Conflict(_l("A cancelled meeting has no minutes."))
    if meeting.starts_at > clock.now():
        raise Conflict(_l("Minutes can be written once the meeting has started."))
    minutes = _translated(data, "minutes", MINUTES_MAX, required=True)
    attendance = data.get("attendance_count")
    if attendance not in (None, "") and (isinstance(attendance, bool) or not isinstance(attendance, int)
                                         or not 0 <= attendance <= ATTENDANCE_MAX):
        raise InvalidInput(_l("Please enter a whole number from 0 to %(n)d.", n=ATTENDANCE_MAX),
                           field="attendance_count")
    meeting.minutes = minutes
    meeting.attendance_count = attendance if attendance not in (None, "") else None
    meeting.minutes_published_at = meeting.minutes_published_at or clock.now()
    db.session.flush()
    audit.record(actor, "meeting.minutes", meeting, after={"attendance_count": meeting.attendance_count})
    return meeting


def add_photos(actor: User, meeting: Meeting, files: list[Any]) -> int:
    """Photos of a meeting that has started (at most PHOTOS_MAX in all)."""
    require_can_manage(actor, meeting)
    if meeting.starts_at > clock.now():
        raise Conflict(_l("Photos can be added once the meeting has started."))
    room = PHOTOS_MAX - len(meeting.photos)
    files = [f for f in files if getattr(f, "filename", None)]
    if not files:
        raise InvalidInput(_l("Please choose at least one photo."), field="photos")
    if len(files) > room:
        raise InvalidInput(_l("A meeting has at most %(n)d photos.", n=PHOTOS_MAX), field="photos")
    position = max((p.position for p in meeting.photos), default=0)
    saved = uploads.save_images(files, actor, limit=room)
    for i, upload in enumerate(saved, 1):
        meeting.photos.append(MeetingPhoto(upload=upload, position=position + i))
    db.session.flush()
    audit.record(actor, "meeting.photos_add", meeting, after={"count": len(saved)})
    return len(saved)


def delete_photo(actor: User, meeting: Meeting, photo_id: int) -> None:
    require_can_manage(actor, meeting)
    photo = next((p for p in meeting.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFound(_l("This photo does not exist."))
    meeting.photos.remove(photo)
    db.session.flush()
    audit.record(actor, "meeting.photo_delete", meeting, before={"upload_id": photo.upload_id})


# --- registration questions ---------------------------------------------------------------------

def add_question(actor: User, meeting: Meeting, data: dict[str, Any]) -> MeetingQuestion:
    """A question residents answer when registering: short/long text, single or multiple choice."""
    require_can_manage(actor, meeting)
    try:
        kind = QuestionKind(str(data.get("kind")))
    except ValueError:
        raise InvalidInput(_l("Please choose one of the choices offered."), field="kind") from None
    text = _translated(data, "text", QUESTION_TEXT_MAX, required=True)
    choices = [_translated({"c": c}, "c", QUESTION_TEXT_MAX) for c in data.get("choices") or []]
    choices = [c for c in choices if c.get("ja")]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(choices) < 2:
        raise InvalidInput(_l("Please give at least two choices, one per line."), field="choices")
    if len(choices) > CHOICES_MAX:
        raise InvalidInput(_l("At most %(n)d choices.", n=CHOICES_MAX), field="choices")
    if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        choices = []
    max_choices = _optional_number(data.get("max_choices"), CHOICES_MAX, "max_choices") \
        if kind == QuestionKind.MULTIPLE else None
    position = max((q.position for q in meeting.questions), default=0) + 1
    question = MeetingQuestion(meeting_id=meeting.id, position=position, kind=kind, text=text,
                               required=bool(data.get("required")), max_choices=max_choices, choices=choices)
    meeting.questions.append(question)
    db.session.flush()
    audit.record(actor, "meeting.question_add", meeting, after={"question_id": question.id, "text": text})
    return question


def delete_question(actor: User, meeting: Meeting, question_id: int) -> None:
    """Answers already given stay stored with their registrations; the question is no longer asked."""
    require_can_manage(actor, meeting)
    question = next((q for q in meeting.questions if q.id == question_id), None)
    if question is None:
        raise NotFound(_l("This question does not exist."))
    meeting.questions.remove(question)
    db.session.flush()
    audit.record(actor, "meeting.question_delete", meeting, before={"question_id": question_id,
                                                                    "text": question.text})


# --- proposals raised at the meeting ------------------------------------------------------------

def _proposals_table() -> sa.Table:
    """The proposals table, read through the shared metadata (meetings do not import proposals)."""
    return db.metadata.tables["proposals"]


def link_proposal(actor: User, meeting: Meeting, raw_id: Any) -> MeetingProposal:
    require_can_manage(actor, meeting)
    proposal_id = parse_id(raw_id)
    proposals = _proposals_table()
    row = None if proposal_id is None else db.session.execute(
        select(proposals.c.id, proposals.c.process_id).where(proposals.c.id == proposal_id)).first()
    if row is None:
        raise NotFound(_l("There is no proposal with this number."))
    if meeting.process_id is not None and row.process_id != meeting.process_id:
        raise InvalidInput(_l("The proposal must belong to the meeting's process."), field="proposal_id")
    exists = db.session.scalar(select(MeetingProposal.id).where(
        MeetingProposal.meeting_id == meeting.id, MeetingProposal.proposal_id == proposal_id))
    if exists is not None:
        raise Conflict(_l("This proposal is already linked to the meeting."))
    link = MeetingProposal(meeting_id=meeting.id, proposal_id=proposal_id, linked_by_id=actor.id)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "meeting.link_proposal", meeting, after={"proposal_id": proposal_id})
    return link


def unlink_proposal(actor: User, meeting: Meeting, link_id: int) -> None:
    require_can_manage(actor, meeting)
    link = db.session.get(MeetingProposal, link_id)
    if link is None or link.meeting_id != meeting.id:
        raise NotFound(_l("This link does not exist."))
    db.session.delete(link)
    db.session.flush()
    audit.record(actor, "meeting.unlink_proposal", meeting, before={"proposal_id": link.proposal_id})


# --- reminders ----------------------------------------------------------------------------------

REMINDERS = (("reminded_days_at", timedelta(days=2)), ("reminded_hours_at", timedelta(hours=2)))


def send_reminders(now: datetime | None = None) -> int:
    """In-app reminders to registered people 2 days and 2 hours before; each sent once (idempotent)."""
    now = now or clock.now()
    sent = 0
    for column, ahead in REMINDERS:
        due = select(Meeting).where(Meeting.state == "scheduled", Meeting.starts_at > now,
                                    Meeting.starts_at <= now + ahead, getattr(Meeting, column).is_(None))
        for meeting in db.session.scalars(due.with_for_update(skip_locked=True)).all():
            setattr(meeting, column, now)
            if column == "reminded_days_at" and meeting.starts_at <= now + timedelta(hours=2):
                continue  # too late for "in 2 days": the 2-hour reminder says it
            user_ids = list(db.session.scalars(select(Registration.user_id).where(
                Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.REGISTERED)))
            if user_ids:
                notifications.notify_users(user_ids, meeting, "meeting.reminder",
                                           {"title": localized(meeting.title, "ja"), "title_i18n": meeting.title})
                sent += len(user_ids)
    db.session.flush()
    return sent
