"""Flags and moderation cases."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.models import User, UTCDateTime
from ..core.types import enum_column
from ..extensions import Model


class Reason(enum.StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    PERSONAL_INFO = "personal_info"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


REASON_LABELS = {
    Reason.SPAM: _l("Spam or advertising"),
    Reason.OFFENSIVE: _l("Offensive or abusive"),
    Reason.PERSONAL_INFO: _l("Personal information"),
    Reason.OFF_TOPIC: _l("Does not belong here"),
    Reason.OTHER: _l("Other"),
}

class Flag(Model):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[Reason] = mapped_column(enum_column(Reason, "reason_valid"))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship(lazy="joined")


class CaseState(enum.StrEnum):
    PENDING = "pending"  # flagged, still visible
    HIDDEN = "hidden"  # hidden (automatically pending review, or by a moderator)
    RESTORED = "restored"
    DISMISSED = "dismissed"


class Case(Model):
    """One per flagged or hidden item: what moderators work through."""

    __tablename__ = "moderation_cases"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id"),
        Index("ix_moderation_cases_state", "state", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState, "state_valid"), default=CaseState.PENDING)
    flag_count: Mapped[int] = mapped_column(Integer, default=0)
    reviewed: Mapped[bool] = mapped_column(default=False)
    # the reason category shown publicly
    reason: Mapped[Reason | None] = mapped_column(enum_column(Reason, "reason_valid"))
    note: Mapped[str | None] = mapped_column(Text)  # moderator's note (staff only)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Loaded only where asked (the queue joins it): never a query per case.
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")


class Block(Model):
    """A history of blocks (the current state is on User.blocked_at)."""

    __tablename__ = "user_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    justification: Mapped[str] = mapped_column(Text)
    hid_content: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BlockedAddress(Model):
    """The e-mail address a blocked account had when it was blocked, kept as a keyed digest (never the
    address): an account registered with it starts blocked, also after the blocked account changed its
    address or was deleted, until a moderator lifts the block."""

    __tablename__ = "blocked_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    # the blocked account while it exists (lifting its block forgets its digests)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
