"""Proposals, their versions, images, supports, comments and official answers."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.errors import Conflict
from ..core.models import Department, Upload, User, UTCDateTime
from ..core.types import enum_column
from ..extensions import Model

if TYPE_CHECKING:
    from ..processes.models import Process

# --- limits: what the forms show and the services enforce -------------------------------------

TITLE_MIN, TITLE_MAX = 5, 150  # characters, after spaces are collapsed
BODY_MAX = 2000
ADDRESS_MAX = 200
COMMENT_MAX = 1000
COMMENT_EDIT_MINUTES = 15  # a comment's author may correct it for this long
MAX_COMMENT_DEPTH = 3  # a comment, a reply, a reply to the reply
ANSWER_TEXT_MAX = 5000
ANSWER_COST_MAX = 10**13  # yen
PLANNED_PERIOD_MAX = 100


class State(enum.StrEnum):
    PUBLISHED = "published"  # no published answer yet
    EVALUATING = "evaluating"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {
    State.PUBLISHED: _l("Not answered yet"),
    State.EVALUATING: _l("Being evaluated"),
    State.ACCEPTED: _l("Accepted"),
    State.REJECTED: _l("Rejected"),
    State.WITHDRAWN: _l("Withdrawn"),
}


class AnswerState(enum.StrEnum):
    """What an official answer decides; once published it becomes the proposal's `State`."""

    EVALUATING = "evaluating"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


ANSWER_STATES = (State.EVALUATING, State.ACCEPTED, State.REJECTED)
#: Proposals in these states take no more supports.
UNSUPPORTABLE_STATES = (State.REJECTED, State.WITHDRAWN)


class IllegalTransition(Conflict):
    pass


class Proposal(Model):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("supports_count >= 0 AND comments_count >= 0", name="counts_positive"),
        Index("ix_proposals_process_state_created", "process_id", "state", "created_at"),
        Index("ix_proposals_process_supports", "process_id", "supports_count"),
        Index("ix_proposals_process_comments", "process_id", "comments_count"),
        Index("ix_proposals_process_created", "process_id", "created_at"),
        Index("ix_proposals_location", "latitude", "longitude"),
        Index("ix_proposals_process_random", "process_id", "random_key", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="ja")
    address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    state: Mapped[State] = mapped_column(enum_column(State, "state_valid"), default=State.PUBLISHED)
    # A fixed random position; each visitor reads the shuffle from their own starting point.
    random_key: Mapped[int] = mapped_column(Integer, default=lambda: secrets.randbelow(2**31))
    supports_count: Mapped[int] = mapped_column(Integer, default=0)
    comments_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation: hidden content is kept, shown as a placeholder with the reason category.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    # What the process's counters (ProposalCounter) hold for this proposal right now (state None:
    # not counted), moved together with the counters under the row lock (counters.py), so no change
    # is ever counted twice or lost, whatever the session had loaded.
    counted_state: Mapped[str | None] = mapped_column(String(20))
    counted_supports: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    counted_comments: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    author: Mapped[User | None] = relationship(lazy="joined", innerjoin=False)
    process: Mapped[Process] = relationship()
    images: Mapped[list[ProposalImage]] = relationship(
        order_by="ProposalImage.position", lazy="selectin", cascade="all, delete-orphan")
    versions: Mapped[list[ProposalVersion]] = relationship(
        order_by="ProposalVersion.number", cascade="all, delete-orphan", back_populates="proposal")
    answers: Mapped[list[ProposalAnswer]] = relationship(
        order_by="ProposalAnswer.id", cascade="all, delete-orphan", back_populates="proposal")

    @property
    def is_withdrawn(self) -> bool:
        return self.state == State.WITHDRAWN

    @property
    def takes_supports(self) -> bool:
        """Rejected and withdrawn proposals take no more supports."""
        return self.state not in UNSUPPORTABLE_STATES

    @property
    def is_withdrawable(self) -> bool:
        """Only a proposal without an answer and without supports can be withdrawn."""
        return self.state == State.PUBLISHED and self.supports_count == 0

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    # --- transitions ---------------------------------------------------------------------------
    def withdraw(self) -> None:
        if self.state != State.PUBLISHED:
            raise IllegalTransition(_l("Only proposals that have not been answered can be withdrawn."))
        if self.supports_count > 0:
            raise IllegalTransition(_l("A proposal that people already support cannot be withdrawn."))
        self.state = State.WITHDRAWN
        self.withdrawn_at = clock.now()

    def apply_answer(self, answer_state: State | AnswerState) -> None:
        """Make a published answer's state the public state."""
        if self.is_withdrawn:
            raise IllegalTransition(_l("A withdrawn proposal cannot be answered."))
        if answer_state not in ANSWER_STATES:
            raise IllegalTransition(_l("Unknown answer state."))
        self.state = State(answer_state)


class ProposalVersion(Model):
    """Every published text of a proposal; version 1 is the original."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    proposal: Mapped[Proposal] = relationship(back_populates="versions")


class ProposalImage(Model):
    __tablename__ = "proposal_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    upload: Mapped[Upload] = relationship(lazy="joined")


class Support(Model):
    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),
                      Index("ix_proposal_supports_user_process", "user_id", "process_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    # NULL: the person deleted their account (still counted, no longer linked to anyone)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ProposalAnswer(Model):
    """An official answer. Public once `published_at` is set; held until then."""

    __tablename__ = "proposal_answers"
    __table_args__ = (Index("ix_proposal_answers_held", "proposal_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    state: Mapped[AnswerState] = mapped_column(enum_column(AnswerState, "state_valid"))
    text: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int | None] = mapped_column(Numeric(14, 0))
    planned_period: Mapped[str | None] = mapped_column(String(PLANNED_PERIOD_MAX))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    answered_as: Mapped[str] = mapped_column(String(20))  # official / facilitator / admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship(back_populates="answers")
    department: Mapped[Department | None] = relationship(lazy="joined")
    answered_by: Mapped[User | None] = relationship(lazy="joined")


class Alignment(enum.IntEnum):
    AGAINST = -1
    NEUTRAL = 0
    FOR = 1


ALIGNMENT_LABELS = {
    Alignment.FOR: _l("In favour"),
    Alignment.NEUTRAL: _l("Neutral"),
    Alignment.AGAINST: _l("Against"),
}


class Comment(Model):
    __tablename__ = "proposal_comments"
    __table_args__ = (
        CheckConstraint("alignment IN (-1, 0, 1)", name="alignment_valid"),
        CheckConstraint("depth >= 1 AND depth <= 3", name="depth_valid"),
        Index("ix_proposal_comments_proposal_created", "proposal_id", "created_at"),
        Index("ix_proposal_comments_top", "proposal_id", "parent_id", "created_at", "id"),
        Index("ix_proposal_comments_root", "root_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_comments.id", ondelete="CASCADE"))
    # The top-level comment of the thread (None for a top-level comment) and, on a top-level
    # comment, how many replies its thread has: threads are collapsed without counting rows.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_comments.id", ondelete="CASCADE"))
    replies_count: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    depth: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[str] = mapped_column(Text)
    # `body` as safe HTML, rendered once when written (core.sanitize.resident_html), not per view.
    body_html: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="ja")
    alignment: Mapped[int] = mapped_column(Integer, default=0)
    upvotes: Mapped[int] = mapped_column(Integer, default=0)
    downvotes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation: hidden content is kept, shown as a placeholder with the reason category.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(20))

    author: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def score(self) -> int:
        return self.upvotes - self.downvotes


class CommentVote(Model):
    __tablename__ = "proposal_comment_votes"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),
                      CheckConstraint("value IN (-1, 1)", name="value_valid"))

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("proposal_comments.id", ondelete="CASCADE"))
    # NULL: the person deleted their account (still counted, no longer linked to anyone)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)


class ProposalCounter(Model):
    """What the public sees of a process's proposals, per state: visible (not hidden) proposals,
    the supports they have and their visible comments. Changed by `counters.py` in the same
    transaction as every change it counts; `flask counters rebuild` recomputes it from the rows."""

    __tablename__ = "proposal_counters"
    __table_args__ = (CheckConstraint("proposals >= 0 AND supports >= 0 AND comments >= 0",
                                      name="counts_positive"),)

    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[State] = mapped_column(enum_column(State, "state_valid"), primary_key=True)
    proposals: Mapped[int] = mapped_column(Integer, default=0)
    supports: Mapped[int] = mapped_column(Integer, default=0)
    comments: Mapped[int] = mapped_column(Integer, default=0)


class ProposalSearchText(Model):
    """A proposal's title and body as character bigrams for full-text search (`search.py` writes
    it whenever the text changes; SQLite indexes it with FTS5, PostgreSQL with a GIN index)."""

    __tablename__ = "proposal_search"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    # SQLite: the tokens separated by spaces (FTS5 indexes them); PostgreSQL: a tsvector with positions.
    grams: Mapped[str] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"), default="")
