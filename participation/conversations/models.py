"""Conversations: statements residents vote on, participants, votes and the stored analysis.

Counts that users race on are kept exact by unique constraints (one participant per person or
browser, one vote per participant and statement) and recounted under a row lock. The analysis is
computed by the pure engine and stored here, so pages only read it.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.models import UTCDateTime
from ..core.types import Translated, enum_column
from ..extensions import Model

if TYPE_CHECKING:
    from ..processes.models import Phase, Process

# --- limits ----------------------------------------------------------------------------------------
STATEMENT_MAX = 140  # characters (Japanese counted by characters, as Pol.is counts them)
TOPIC_MAX = 200  # per language
DESCRIPTION_MAX = 5000  # per language (staff Markdown)
REJECT_REASON_MAX = 500
SIMILAR_SHOWN = 5
MIN_VOTES_FOR_MAP = 7  # "you are here" once a participant is in the conversation (the engine's rule)


class ModerationMode(enum.StrEnum):
    POST = "post"  # statements are shown at once; moderators may hide them later
    PRE = "pre"  # statements wait for a facilitator's acceptance


class StatementState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class VoteValue(enum.IntEnum):
    AGREE = 1
    DISAGREE = -1
    PASS = 0


VOTE_LABELS = {
    VoteValue.AGREE: _l("I agree"),
    VoteValue.DISAGREE: _l("I disagree"),
    VoteValue.PASS: _l("Pass / not sure"),
}
VOTE_BY_NAME = {"agree": VoteValue.AGREE, "disagree": VoteValue.DISAGREE, "pass": VoteValue.PASS}


class Conversation(Model):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phases.id", ondelete="SET NULL"))
    topic: Mapped[Translated] = mapped_column(JSON)
    description: Mapped[Translated] = mapped_column(JSON, default=dict)
    moderation: Mapped[ModerationMode] = mapped_column(enum_column(ModerationMode, "moderation_valid"),
                                                       default=ModerationMode.POST)
    allow_anonymous: Mapped[bool] = mapped_column(default=False)
    allow_statements: Mapped[bool] = mapped_column(default=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_published: Mapped[bool] = mapped_column(default=False)
    # Counters kept in the same transaction as the change.
    participants_count: Mapped[int] = mapped_column(Integer, default=0)
    votes_count: Mapped[int] = mapped_column(Integer, default=0)
    statements_count: Mapped[int] = mapped_column(Integer, default=0)  # accepted and not hidden
    votes_since_analysis: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    process: Mapped[Process] = relationship()
    phase: Mapped[Phase | None] = relationship()

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Participant(Model):
    """One per person (signed in) or per browser (anonymous, when the conversation allows it)."""

    __tablename__ = "conversation_participants"
    __table_args__ = (
        UniqueConstraint("conversation_id", "user_id"),
        UniqueConstraint("conversation_id", "browser_token"),
        CheckConstraint("user_id IS NOT NULL OR browser_token IS NOT NULL", name="has_identity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    browser_token: Mapped[str | None] = mapped_column(String(64))
    votes_count: Mapped[int] = mapped_column(Integer, default=0)
    # Position on the opinion map and group, written by the last analysis.
    x: Mapped[float | None] = mapped_column(Float)
    y: Mapped[float | None] = mapped_column(Float)
    group: Mapped[int | None] = mapped_column(Integer)  # display group (nearest centre)
    in_conversation: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Statement(Model):
    __tablename__ = "conversation_statements"
    __table_args__ = (
        Index("ix_conversation_statements_conversation_state", "conversation_id", "state"),
        CheckConstraint("agree_count >= 0 AND disagree_count >= 0 AND pass_count >= 0", name="counts_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_participants.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(STATEMENT_MAX))
    language: Mapped[str | None] = mapped_column(String(5))
    is_seed: Mapped[bool] = mapped_column(default=False)
    seed_order: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[StatementState] = mapped_column(enum_column(StatementState, "state_valid"),
                                                  default=StatementState.ACCEPTED)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agree_count: Mapped[int] = mapped_column(Integer, default=0)
    disagree_count: Mapped[int] = mapped_column(Integer, default=0)
    pass_count: Mapped[int] = mapped_column(Integer, default=0)
    extremity: Mapped[float] = mapped_column(Float, default=0.0)  # from the last analysis (routing)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    conversation: Mapped[Conversation] = relationship()

    @property
    def votes_total(self) -> int:
        return self.agree_count + self.disagree_count + self.pass_count

    @property
    def is_visible(self) -> bool:
        """Shown to participants and counted: accepted and not hidden by moderators."""
        return self.state is StatementState.ACCEPTED and self.hidden_at is None


class Vote(Model):
    """The latest vote of a participant on a statement (changing a vote updates this row)."""

    __tablename__ = "conversation_votes"
    __table_args__ = (
        UniqueConstraint("statement_id", "participant_id"),
        CheckConstraint("value IN (-1, 0, 1)", name="value_valid"),
        Index("ix_conversation_votes_participant", "participant_id"),
        Index("ix_conversation_votes_conversation", "conversation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("conversation_statements.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("conversation_participants.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class Analysis(Model):
    """The last recompute of a conversation: what the opinion map, the report and routing read."""

    __tablename__ = "conversation_analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 unique=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    k: Mapped[int] = mapped_column(Integer, default=0)
    participants: Mapped[int] = mapped_column(Integer, default=0)  # with at least one vote
    in_conversation: Mapped[int] = mapped_column(Integer, default=0)  # clustered
    votes: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the engine's State (hysteresis)
    # groups: [{"label": "A", "size": n, "centre": [x, y], "hull": [[x, y], ...],
    #           "representatives": [{"statement": id, "direction": "agree", "p": .., "ratio": .., ...}]}]
    groups: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # per statement: {"<id>": {"groups": [[agree, disagree, seen], ...], "gic_agree": .., "gic_disagree": ..}}
    statements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consensus: Mapped[list[int]] = mapped_column(JSON, default=list)  # agreed by every group (GIC)
    rejections: Mapped[list[int]] = mapped_column(JSON, default=list)  # rejected by every group
    divisive: Mapped[list[int]] = mapped_column(JSON, default=list)  # what separates the groups most
    bounds: Mapped[list[float]] = mapped_column(JSON, default=list)  # [minx, miny, maxx, maxy] of the map
