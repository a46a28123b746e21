"""Results (what the city will do), their statuses, timelines and links to what they answer."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.models import Upload, UTCDateTime
from ..extensions import Model

TITLE_MAX = 200
TEXT_MAX = 5000
AREA_MAX = 100

#: What a result can answer: the linked table and how a page names it.
LINK_TYPES = {
    "proposals": _l("Proposal"),
    "budget_projects": _l("Budget project"),
    "issues": _l("Street issue"),
}

#: The statuses a process starts with (facilitators can change them).
DEFAULT_STATUSES = [
    ({"ja": "未着手", "en": "Not started"}, 0),
    ({"ja": "設計中", "en": "In design"}, 30),
    ({"ja": "工事中", "en": "Under construction"}, 60),
    ({"ja": "完了", "en": "Completed"}, 100),
]


class ResultStatus(Model):
    __tablename__ = "result_statuses"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
                      Index("ix_result_statuses_process_position", "process_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    name: Mapped[dict] = mapped_column(JSON)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Result(Model):
    __tablename__ = "results"
    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
                      CheckConstraint("start_date IS NULL OR end_date IS NULL OR start_date <= end_date",
                                      name="dates_ordered"),
                      Index("ix_results_process_parent", "process_id", "parent_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"))
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    area: Mapped[str | None] = mapped_column(String(AREA_MAX))
    category: Mapped[str | None] = mapped_column(String(AREA_MAX))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status_id: Mapped[int | None] = mapped_column(ForeignKey("result_statuses.id", ondelete="SET NULL"))
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent; a parent's is its children's mean
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    status: Mapped[ResultStatus | None] = relationship(lazy="joined")
    children: Mapped[list[Result]] = relationship(order_by="Result.id", lazy="selectin")
    entries: Mapped[list[TimelineEntry]] = relationship(
        order_by="(TimelineEntry.date.desc(), TimelineEntry.id.desc())", cascade="all, delete-orphan")
    links: Mapped[list[ResultLink]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                   order_by="ResultLink.id")


class TimelineEntry(Model):
    __tablename__ = "result_timeline_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    text: Mapped[dict] = mapped_column(JSON)
    image_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    image: Mapped[Upload | None] = relationship(lazy="joined")


class ResultLink(Model):
    """What a result answers: a proposal, a budget project, a meeting, a street issue (by table and id)."""

    __tablename__ = "result_links"
    __table_args__ = (UniqueConstraint("result_id", "target_type", "target_id"),
                      Index("ix_result_links_target", "target_type", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int] = mapped_column(Integer)
