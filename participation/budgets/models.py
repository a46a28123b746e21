"""Budgets of a process, their projects, and residents' ballots; the voting rules and field limits."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.models import Upload, UTCDateTime
from ..core.types import enum_column
from ..extensions import Model

if TYPE_CHECKING:
    from ..processes.models import Process

# --- limits ------------------------------------------------------------------------------------
TITLE_MAX = 150
TEXT_MAX = 5000
AREA_MAX = 100
AMOUNT_MAX = 10**13  # yen
NOTE_MAX = 1000


class VoteRule(enum.StrEnum):
    """Decidim's set of ballot rules."""

    TOTAL = "total"  # choose projects until the money runs out
    MINIMUM = "minimum"  # ... and spend at least `min_percent` of the budget
    PROJECTS = "projects"  # choose between `min_projects` and `max_projects` projects (no money cap)
    BOTH = "both"  # the money cap and the number of projects


RULE_LABELS = {
    VoteRule.TOTAL: _l("Spend at most the budget"),
    VoteRule.MINIMUM: _l("Spend at most the budget and at least a share of it"),
    VoteRule.PROJECTS: _l("Choose a number of projects"),
    VoteRule.BOTH: _l("Spend at most the budget and choose a number of projects"),
}


class Budget(Model):
    __tablename__ = "budgets"
    __table_args__ = (
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("min_percent >= 0 AND min_percent <= 100", name="min_percent_range"),
        CheckConstraint("min_projects IS NULL OR max_projects IS NULL OR min_projects <= max_projects",
                        name="projects_ordered"),
        Index("ix_budgets_process_position", "process_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[int] = mapped_column(BigInteger)
    rule: Mapped[VoteRule] = mapped_column(enum_column(VoteRule, "rule_valid"), default=VoteRule.TOTAL)
    min_percent: Mapped[int] = mapped_column(Integer, default=0)
    min_projects: Mapped[int | None] = mapped_column(Integer)
    max_projects: Mapped[int | None] = mapped_column(Integer)
    # Residents may check out a ballot in only one of the process's exclusive budgets (e.g. wards).
    exclusive: Mapped[bool] = mapped_column(default=False)
    results_live: Mapped[bool] = mapped_column(default=False)
    # Binding votes: only verified residents (core.verification) may fill a ballot.
    requires_verification: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    ballots_count: Mapped[int] = mapped_column(Integer, default=0)  # checked-out ballots
    selected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    process: Mapped[Process] = relationship()
    projects: Mapped[list[Project]] = relationship(
        back_populates="budget", order_by="Project.position, Project.id", cascade="all, delete-orphan")

    # --- the rules: one place, used by the ballot page and by checkout ----------------------
    @property
    def caps_money(self) -> bool:
        return self.rule is not VoteRule.PROJECTS

    @property
    def minimum_amount(self) -> int:
        if self.rule is VoteRule.MINIMUM:
            return -(-self.total * self.min_percent // 100)  # ceiling: 70% of 999 yen is 700
        return 0

    @property
    def counts_projects(self) -> bool:
        return self.rule in (VoteRule.PROJECTS, VoteRule.BOTH)

    def fits(self, amount: int, count: int) -> bool:
        """Could a ballot grow to `amount` yen and `count` projects?"""
        if self.caps_money and amount > self.total:
            return False
        return not (self.counts_projects and self.max_projects is not None and count > self.max_projects)

    def checkout_problems(self, amount: int, count: int) -> list[str]:
        """Why a ballot of `amount` yen and `count` projects cannot be checked out (empty: it can)."""
        problems = []
        if count == 0:
            problems.append(str(_l("Your ballot is empty.")))
        if self.caps_money and amount > self.total:
            problems.append(str(_l("Your ballot is over the budget.")))
        if amount < self.minimum_amount:
            problems.append(str(_l("Your ballot must spend at least %(percent)s%% of the budget.",
                                   percent=self.min_percent)))
        if self.counts_projects:
            if self.min_projects is not None and count < self.min_projects:
                problems.append(str(_l("Choose at least %(n)s projects.", n=self.min_projects)))
            if self.max_projects is not None and count > self.max_projects:
                problems.append(str(_l("Choose at most %(n)s projects.", n=self.max_projects)))
        return problems


class Project(Model):
    __tablename__ = "budget_projects"
    __table_args__ = (
        CheckConstraint("cost > 0", name="cost_positive"),
        CheckConstraint("votes_count >= 0", name="votes_positive"),
        Index("ix_budget_projects_budget_position", "budget_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"))
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    cost: Mapped[int] = mapped_column(BigInteger)
    area: Mapped[str | None] = mapped_column(String(AREA_MAX))
    category: Mapped[str | None] = mapped_column(String(AREA_MAX))
    address: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    votes_count: Mapped[int] = mapped_column(Integer, default=0)  # checked-out ballots that hold it
    selected: Mapped[bool] = mapped_column(default=False)
    selection_note: Mapped[str | None] = mapped_column(Text)  # the reason a facilitator gave
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    budget: Mapped[Budget] = relationship(back_populates="projects")
    image: Mapped[Upload | None] = relationship(lazy="joined")
    proposal_links: Mapped[list[ProjectProposal]] = relationship(cascade="all, delete-orphan",
                                                                 lazy="selectin")

    @property
    def proposal_ids(self) -> list[int]:
        return [link.proposal_id for link in self.proposal_links]


class ProjectProposal(Model):
    """A proposal a project came from."""

    __tablename__ = "budget_project_proposals"
    __table_args__ = (UniqueConstraint("project_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)


class Ballot(Model):
    """One per resident per budget; only a checked-out ballot counts."""

    __tablename__ = "budget_ballots"
    __table_args__ = (UniqueConstraint("budget_id", "user_id"),
                      Index("ix_budget_ballots_user_checked_out", "user_id", "checked_out_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"))
    # NULL: the person deleted their account (still counted, no longer linked to anyone)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    budget: Mapped[Budget] = relationship()
    items: Mapped[list[BallotItem]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                   order_by="BallotItem.id")

    @property
    def is_checked_out(self) -> bool:
        return self.checked_out_at is not None


class BallotItem(Model):
    __tablename__ = "budget_ballot_items"
    __table_args__ = (UniqueConstraint("ballot_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("budget_ballots.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("budget_projects.id", ondelete="CASCADE"), index=True)

    project: Mapped[Project] = relationship(lazy="joined")
