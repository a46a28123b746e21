"""Tables of mail and jobs: the outbox, per-person notification preferences, failed jobs."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from . import clock
from .models import UTCDateTime
from .types import enum_column

ADDRESS_MAX = 254


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # gave up after MAIL_MAX_ATTEMPTS; an admin can retry


class Frequency(enum.StrEnum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"


class OutgoingMail(Model):
    """A mail rendered (in the recipient's language) in the transaction that caused it and sent by a
    job after the commit: a mail server that is down loses nothing; a retry never sends twice."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the mail is about, unique: the same notification or digest is never queued twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    recipient: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus, "status_valid"), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(Model):
    """How one person wants one topic of notifications by e-mail (default: immediately)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(40))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "frequency_valid"))


class JobFailure(Model):
    """A background task that failed for the last time, for /admin/jobs."""

    __tablename__ = "job_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[str] = mapped_column(String(64))
    args: Mapped[str | None] = mapped_column(Text)  # JSON [args, kwargs]
    error: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    retried_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
