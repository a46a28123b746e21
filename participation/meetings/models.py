"""Meetings (説明会, workshops, open houses, online seminars), their registrations and minutes."""
from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.errors import Conflict
from ..core.models import Upload, User, UTCDateTime
from ..core.types import Translated, enum_column
from ..extensions import Model
from ..surveys.answering import QuestionType  # the survey question types (documented interface)

if TYPE_CHECKING:
    from ..processes.models import Phase, Process

# --- limits: what the forms show and the services enforce -------------------------------------

TITLE_MAX = 200  # per language
DESCRIPTION_MAX = 5000  # staff Markdown, per language
ADDRESS_MAX = 200
NOTES_MAX = 1000  # venue notes, per language
ORGANISER_MAX = 200  # per language
URL_MAX = 500
MINUTES_MAX = 20000  # staff Markdown, per language
REASON_MAX = 1000
PHOTOS_MAX = 12  # per meeting
COMMENT_MAX = 1000
CAPACITY_MAX = 100_000
ATTENDANCE_MAX = 1_000_000
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: easy to read aloud and type
CODE_LENGTH = 12  # 30**12 ≈ 2**59 codes


class MeetingType(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class MeetingKind(enum.StrEnum):
    INFO_SESSION = "info_session"  # 説明会
    WORKSHOP = "workshop"  # ワークショップ
    OPEN_HOUSE = "open_house"  # オープンハウス
    ONLINE_SEMINAR = "online_seminar"  # オンラインセミナー
    OTHER = "other"


class Accessibility(enum.StrEnum):
    WHEELCHAIR = "wheelchair"  # 車いす可
    SIGN_LANGUAGE = "sign_language"  # 手話通訳
    CAPTIONS = "captions"  # 要約筆記
    CHILDCARE = "childcare"  # 託児
    PARKING = "parking"  # 駐車場
    MULTILINGUAL = "multilingual"  # 多言語


class MeetingState(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    CANCELLED = "cancelled"


TYPE_LABELS = {
    MeetingType.IN_PERSON: _l("In person"),
    MeetingType.ONLINE: _l("Online"),
    MeetingType.HYBRID: _l("In person and online"),
}
KIND_LABELS = {
    MeetingKind.INFO_SESSION: _l("Information session"),
    MeetingKind.WORKSHOP: _l("Workshop"),
    MeetingKind.OPEN_HOUSE: _l("Open house"),
    MeetingKind.ONLINE_SEMINAR: _l("Online seminar"),
    MeetingKind.OTHER: _l("Other meeting"),
}
ACCESSIBILITY_LABELS = {
    Accessibility.WHEELCHAIR: _l("Wheelchair accessible"),
    Accessibility.SIGN_LANGUAGE: _l("Sign language interpretation"),
    Accessibility.CAPTIONS: _l("Live captioning (summary writing)"),
    Accessibility.CHILDCARE: _l("Childcare"),
    Accessibility.PARKING: _l("Parking"),
    Accessibility.MULTILINGUAL: _l("Several languages"),
}
STATUS_LABELS = {
    RegistrationStatus.REGISTERED: _l("Registered"),
    RegistrationStatus.WAITING: _l("On the waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}


class IllegalTransition(Conflict):
    pass


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str | None) -> str:
    """What a person typed (spaces, dashes, lower case) as a stored code."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:CODE_LENGTH * 2]


class Meeting(Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="times_ordered"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint("registered_count >= 0 AND waiting_count >= 0", name="counts_positive"),
        Index("ix_meetings_starts_at", "starts_at"),
        Index("ix_meetings_process_starts_at", "process_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phases.id", ondelete="SET NULL"), index=True)
    title: Mapped[Translated] = mapped_column(JSON)
    description: Mapped[Translated] = mapped_column(JSON, default=dict)
    type: Mapped[MeetingType] = mapped_column(enum_column(MeetingType, "type_valid"))
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, "kind_valid"))
    state: Mapped[MeetingState] = mapped_column(enum_column(MeetingState, "state_valid"),
                                                default=MeetingState.SCHEDULED)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    venue_notes: Mapped[Translated] = mapped_column(JSON, default=dict)
    # Private: shown only to registered people shortly before the start (see permissions).
    online_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    organiser: Mapped[Translated] = mapped_column(JSON, default=dict)
    accessibility: Mapped[list[str]] = mapped_column(JSON, default=list)
    registration_enabled: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comments_count: Mapped[int] = mapped_column(Integer, default=0)
    registered_count: Mapped[int] = mapped_column(Integer, default=0)
    waiting_count: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    minutes: Mapped[Translated] = mapped_column(JSON, default=dict)
    attendance_count: Mapped[int | None] = mapped_column(Integer)
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_days_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_hours_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    process: Mapped[Process | None] = relationship("Process")
    phase: Mapped[Phase | None] = relationship("Phase")
    photos: Mapped[list[MeetingPhoto]] = relationship(
        order_by="MeetingPhoto.position", lazy="selectin", cascade="all, delete-orphan")
    questions: Mapped[list[MeetingQuestion]] = relationship(
        order_by="MeetingQuestion.position", lazy="selectin", cascade="all, delete-orphan")

    @property
    def is_cancelled(self) -> bool:
        return self.state == MeetingState.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at <= clock.now()

    @property
    def has_place(self) -> bool:
        return self.type != MeetingType.ONLINE

    @property
    def is_online(self) -> bool:
        return self.type != MeetingType.IN_PERSON

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.registered_count)

    def registration_window_open(self, now: datetime | None = None) -> bool:
        now = now or clock.now()
        return (self.registration_enabled and not self.is_cancelled and now < self.starts_at
                and (self.registration_opens_at is None or self.registration_opens_at <= now)
                and (self.registration_closes_at is None or now < self.registration_closes_at))

    def link_opens_at(self, minutes: int) -> datetime:
        return self.starts_at - timedelta(minutes=minutes)

    def cancel(self, reason: str) -> None:
        if self.is_cancelled:
            raise IllegalTransition(_l("This meeting is already cancelled."))
        if self.is_past:
            raise IllegalTransition(_l("A meeting that has taken place cannot be cancelled."))
        self.state = MeetingState.CANCELLED
        self.cancelled_reason = reason


class Registration(Model):
    """One per resident and meeting; cancelling keeps the row (and its code) as cancelled."""

    __tablename__ = "meeting_registrations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        Index("ix_meeting_registrations_meeting_status", "meeting_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # NULL: the person deleted their account (still counted, no longer linked to anyone)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "status_valid"))
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True, default=new_code)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When the resident took their current place (registered or waiting): the waiting list order.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
    meeting: Mapped[Meeting] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))


class QuestionKind(enum.StrEnum):
    """The survey question types a registration form offers (validated by surveys.answering)."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE = "single_choice"
    MULTIPLE = "multiple_choice"


QUESTION_KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE: _l("Single choice"),
    QuestionKind.MULTIPLE: _l("Multiple choice"),
}
QUESTION_TEXT_MAX = 500  # per language
CHOICES_MAX = 20


@dataclass(frozen=True)
class Choice:
    """One choice of a registration question; its id is its position (1, 2, ...)."""

    id: int
    label: Translated


class MeetingQuestion(Model):
    """A question residents answer when they register (e.g. 参加人数, 必要な配慮)."""

    __tablename__ = "meeting_questions"
    __table_args__ = (CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "kind_valid"))
    text: Mapped[Translated] = mapped_column(JSON)
    required: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None] = mapped_column(Integer)
    choices: Mapped[list[Translated]] = mapped_column(JSON, default=list)

    # --- the shape surveys.answering.check_answers reads (AnswerableQuestion) ---
    @property
    def type(self) -> QuestionType:
        return QuestionType(self.kind.value)

    @property
    def options(self) -> list[Choice]:
        return [Choice(i, label) for i, label in enumerate(self.choices or [], 1)]

    @property
    def rows(self) -> list[Choice]:
        return []


class MeetingPhoto(Model):
    """A photo of a meeting that took place (resized and stripped of metadata by core.uploads)."""

    __tablename__ = "meeting_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    upload: Mapped[Upload] = relationship(lazy="joined")


class MeetingComment(Model):
    """A resident's comment on a meeting (questions before, impressions after). Flat, like a guestbook;
    moderators hide (never delete) it; the author's own deletion keeps a placeholder."""

    __tablename__ = "meeting_comments"
    __table_args__ = (Index("ix_meeting_comments_meeting_created", "meeting_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="ja")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(20))

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MeetingProposal(Model):
    """A proposal raised at a meeting (created from it, or linked to it afterwards)."""

    __tablename__ = "meeting_proposals"
    __table_args__ = (UniqueConstraint("meeting_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
