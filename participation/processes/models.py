"""Participatory processes and their dated phases."""
from __future__ import annotations

import enum
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock, site
from ..core.errors import Conflict
from ..core.models import Upload, UTCDateTime
from ..core.types import enum_column
from ..extensions import Model


def city_today() -> date:
    """Today's date in the city's timezone, from the one clock."""
    tz = ZoneInfo(site.get("CITY_TIMEZONE"))
    return clock.now().astimezone(tz).date()


class ProcessStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class IllegalTransition(Conflict):
    """A state change that the current state does not allow."""


class Capability(enum.StrEnum):
    """What a phase can open to residents; the value is the Phase column that holds it."""

    PROPOSE = "allow_proposals"
    SUPPORT = "allow_supports"
    COMMENT = "allow_comments"
    ANSWER_SURVEY = "allow_survey_answers"
    VOTE_BUDGET = "allow_budget_votes"


class Process(Model):
    __tablename__ = "processes"
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="dates_ordered"),
        Index("ix_processes_status_dates", "status", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[dict] = mapped_column(JSON)
    subtitle: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)  # staff Markdown per language
    hero_image_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[ProcessStatus] = mapped_column(enum_column(ProcessStatus, "status_valid"),
                                                  default=ProcessStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Proposal rules: supports each resident may give in this process (None: no limit), and
    # supports a proposal needs to reach its goal (None: no threshold shown).
    support_limit: Mapped[int | None] = mapped_column(Integer)
    support_threshold: Mapped[int | None] = mapped_column(Integer)

    hero_image: Mapped[Upload | None] = relationship(lazy="joined")
    phases: Mapped[list[Phase]] = relationship(
        back_populates="process", order_by="Phase.start_date", lazy="selectin",
        cascade="all, delete-orphan",
    )

    # --- state transitions: refuse illegal moves ---------------------------------------------
    TRANSITIONS = {
        ProcessStatus.DRAFT: {ProcessStatus.PUBLISHED},
        ProcessStatus.PUBLISHED: {ProcessStatus.ARCHIVED, ProcessStatus.DRAFT},
        ProcessStatus.ARCHIVED: {ProcessStatus.PUBLISHED},
    }

    def _move(self, target: ProcessStatus) -> None:
        current = ProcessStatus(self.status)
        if target not in self.TRANSITIONS[current]:
            raise IllegalTransition(_l("A process that is %(current)s cannot become %(target)s.",
                                       current=STATUS_LABELS[current], target=STATUS_LABELS[target]))
        self.status = target

    def publish(self) -> None:
        if not self.phases:
            raise IllegalTransition(_l("Add at least one phase before publishing the process."))
        self._move(ProcessStatus.PUBLISHED)
        if self.published_at is None:
            self.published_at = clock.now()

    def archive(self) -> None:
        self._move(ProcessStatus.ARCHIVED)

    def unpublish(self) -> None:
        self._move(ProcessStatus.DRAFT)

    # --- time ----------------------------------------------------------------------------------
    @property
    def is_draft(self) -> bool:
        return self.status == ProcessStatus.DRAFT

    @property
    def is_archived(self) -> bool:
        return self.status == ProcessStatus.ARCHIVED

    def timing(self, today: date | None = None) -> str:
        """'upcoming', 'active' or 'past' by the city's date."""
        today = today or city_today()
        if today < self.start_date:
            return "upcoming"
        if today > self.end_date:
            return "past"
        return "active"

    def current_phase(self, today: date | None = None) -> Phase | None:
        """The pinned phase if a facilitator pinned one, else the phase whose dates hold today."""
        for phase in self.phases:
            if phase.pinned:
                return phase
        today = today or city_today()
        for phase in self.phases:
            if phase.start_date <= today <= phase.end_date:
                return phase
        return None


class Phase(Model):
    __tablename__ = "phases"
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="dates_ordered"),
        Index("ix_phases_process_dates", "process_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    pinned: Mapped[bool] = mapped_column(default=False)
    allow_proposals: Mapped[bool] = mapped_column(default=False)
    allow_supports: Mapped[bool] = mapped_column(default=False)
    allow_comments: Mapped[bool] = mapped_column(default=False)
    allow_survey_answers: Mapped[bool] = mapped_column(default=False)
    allow_budget_votes: Mapped[bool] = mapped_column(default=False)
    # Official answers to proposals: public at once, or held until a facilitator publishes them.
    publish_answers_immediately: Mapped[bool] = mapped_column(default=True)

    process: Mapped[Process] = relationship(back_populates="phases")

    def allows(self, capability: Capability) -> bool:
        return bool(getattr(self, capability.value))


STATUS_LABELS = {
    ProcessStatus.DRAFT: _l("draft"),
    ProcessStatus.PUBLISHED: _l("published"),
    ProcessStatus.ARCHIVED: _l("archived"),
}
