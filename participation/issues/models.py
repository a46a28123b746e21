"""Street issues: categories, departments' routing by area, reports, updates, "me too"."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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

from ..core import clock, geo
from ..core.errors import Conflict
from ..core.models import Department, Upload, User, UTCDateTime
from ..core.types import Translated, enum_column
from ..extensions import Model

# --- limits (forms and services both read these) ---------------------------------------------------
TITLE_MIN, TITLE_MAX = 2, 100
DETAILS_MAX = 3000
NOTE_MAX = 2000  # a public note, an update, a reopening reason, a response template's text
ADDRESS_MAX = 200
TEMPLATE_TITLE_MAX = 100


class Status(enum.StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    IN_PROGRESS = "in_progress"
    ACTION_SCHEDULED = "action_scheduled"
    FIXED = "fixed"
    FIXED_BY_REPORTER = "fixed_by_reporter"
    UNABLE_TO_FIX = "unable_to_fix"
    NOT_RESPONSIBLE = "not_responsible"
    DUPLICATE = "duplicate"
    INTERNAL_REFERRAL = "internal_referral"

    @property
    def group(self) -> str:
        return STATUS_GROUP[self]


OPEN_STATUSES = (Status.OPEN, Status.INVESTIGATING, Status.IN_PROGRESS, Status.ACTION_SCHEDULED)
FIXED_STATUSES = (Status.FIXED, Status.FIXED_BY_REPORTER)
CLOSED_STATUSES = (Status.UNABLE_TO_FIX, Status.NOT_RESPONSIBLE, Status.DUPLICATE,
                   Status.INTERNAL_REFERRAL)
STATUS_GROUP = {**{s: "open" for s in OPEN_STATUSES}, **{s: "fixed" for s in FIXED_STATUSES},
                **{s: "closed" for s in CLOSED_STATUSES}}
GROUPS = {"open": OPEN_STATUSES, "fixed": FIXED_STATUSES, "closed": CLOSED_STATUSES}

STATUS_LABELS = {
    Status.OPEN: _l("Open"),
    Status.INVESTIGATING: _l("Investigating"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.ACTION_SCHEDULED: _l("Action scheduled"),
    Status.FIXED: _l("Fixed"),
    Status.FIXED_BY_REPORTER: _l("Fixed (reported by a resident)"),
    Status.UNABLE_TO_FIX: _l("Unable to fix"),
    Status.NOT_RESPONSIBLE: _l("Not the city's responsibility"),
    Status.DUPLICATE: _l("Duplicate"),
    Status.INTERNAL_REFERRAL: _l("Referred to another body"),
}
GROUP_LABELS = {"open": _l("Open"), "fixed": _l("Fixed"), "closed": _l("Closed")}

# The status an official most likely sets next: preselected to save a step, never the current one.
NEXT_STATUS = {
    Status.OPEN: Status.INVESTIGATING, Status.INVESTIGATING: Status.IN_PROGRESS,
    Status.IN_PROGRESS: Status.FIXED, Status.ACTION_SCHEDULED: Status.FIXED, Status.FIXED: Status.OPEN,
    Status.FIXED_BY_REPORTER: Status.FIXED, Status.UNABLE_TO_FIX: Status.OPEN,
    Status.NOT_RESPONSIBLE: Status.OPEN, Status.DUPLICATE: Status.OPEN, Status.INTERNAL_REFERRAL: Status.OPEN,
}


class IllegalTransition(Conflict):
    pass


class Category(Model):
    __tablename__ = "issue_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[Translated] = mapped_column(JSON)
    group: Mapped[Translated] = mapped_column(JSON, default=dict)  # heading in the category list
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Calendar days within which a report should be fixed or closed (triage flags it overdue); None: no target.
    target_days: Mapped[int | None] = mapped_column(Integer)
    # Shown under the category in the report form; extra questions asked in step 2 (survey question
    # dicts, participation.surveys.answering), their answers stored in Issue.answers.
    help: Mapped[Translated | None] = mapped_column(JSON)
    questions: Mapped[list | None] = mapped_column(JSON)

    department: Mapped[Department] = relationship(lazy="joined")


class Area(Model):
    """A polygon of the city (a ward). The city boundary is the union of all areas."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[Translated] = mapped_column(JSON)
    geometry: Mapped[dict] = mapped_column(JSON)  # GeoJSON Polygon or MultiPolygon
    min_lat: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)


class CategoryOverride(Model):
    """In this area, this category goes to another department."""

    __tablename__ = "issue_category_overrides"
    __table_args__ = (UniqueConstraint("category_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("issue_categories.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))


def _geocell_default(context) -> int:
    params = context.get_current_parameters()
    return geo.cell_of(params["latitude"], params["longitude"])


class Issue(Model):
    __tablename__ = "issues"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180",
                        name="location_valid"),
        Index("ix_issues_category_cell", "category_id", "geocell"),
        Index("ix_issues_cell_created", "geocell", "created_at"),
        Index("ix_issues_department_status_created", "department_id", "status", "created_at"),
        Index("ix_issues_created", "created_at"),
        Index("ix_issues_closed_at", "closed_at"),
        # the list filtered by category, department or area, newest first, without sorting them all
        Index("ix_issues_category_created", "category_id", "created_at"),
        Index("ix_issues_department_created", "department_id", "created_at"),
        Index("ix_issues_area_created", "area_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("issue_categories.id", ondelete="RESTRICT"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    details: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="ja")
    address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    # The ~270 m grid cell of the location (core.geo.cell_of): nearby and map queries use it.
    geocell: Mapped[int] = mapped_column(BigInteger, default=_geocell_default)
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    answers: Mapped[dict | None] = mapped_column(JSON)  # the category's extra questions: {question_id: value}
    status: Mapped[Status] = mapped_column(enum_column(Status, "status_valid"), default=Status.OPEN)
    metoo_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first official update
    fixed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # fixed or closed
    # Reopened by the reporter and not yet looked at by an official: first in triage.
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation: hidden content is kept, shown as a placeholder with the reason category.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(20))

    category: Mapped[Category] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    area: Mapped[Area | None] = relationship(lazy="joined")
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id], lazy="joined")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    photos: Mapped[list[IssuePhoto]] = relationship(
        primaryjoin="and_(IssuePhoto.issue_id == Issue.id, IssuePhoto.update_id.is_(None))",
        order_by="IssuePhoto.position", lazy="selectin", viewonly=True)

    @property
    def group(self) -> str:
        return STATUS_GROUP[self.status]

    # --- transitions: refuse illegal moves ------------------------------------------------------
    def move_to(self, target: Status, *, duplicate_of: Issue | None = None) -> None:
        current = self.status
        if target == current:
            raise IllegalTransition(_l("The issue already has this status."))
        if target is Status.FIXED_BY_REPORTER and current.group != "open":
            raise IllegalTransition(_l("Only an open issue can be reported as fixed."))
        if target is Status.DUPLICATE:
            if duplicate_of is None or duplicate_of.id == self.id:
                raise IllegalTransition(_l("Choose the original issue this one duplicates."))
            if duplicate_of.duplicate_of_id == self.id:
                raise IllegalTransition(_l("Two issues cannot be duplicates of each other."))
            self.duplicate_of_id = duplicate_of.id
        elif current is Status.DUPLICATE:
            self.duplicate_of_id = None
        now = clock.now()
        self.status = target
        self.updated_at = now
        if target.group == "open":
            self.fixed_at = self.closed_at = None
        elif target.group == "fixed":
            self.fixed_at = self.fixed_at or now
            self.closed_at = now
        else:
            self.closed_at = now

    def reopen(self) -> None:
        if self.group == "open":
            raise IllegalTransition(_l("The issue is still open."))
        self.move_to(Status.OPEN)


class IssuePhoto(Model):
    __tablename__ = "issue_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("issue_updates.id", ondelete="CASCADE"))
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    upload: Mapped[Upload] = relationship(lazy="joined")


class IssueUpdate(Model):
    """A public entry in an issue's timeline: a note, a status change, a reassignment."""

    __tablename__ = "issue_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_role: Mapped[str] = mapped_column(String(20))  # resident / reporter / official / admin
    author_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    new_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    # "I think it is fixed" from someone who may not close the report (the department checks).
    suggests_fixed: Mapped[bool] = mapped_column(default=False)
    # Moderation: hidden content is kept, shown as a placeholder with the reason category.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    author: Mapped[User | None] = relationship(lazy="joined")
    author_department: Mapped[Department | None] = relationship(foreign_keys=[author_department_id], lazy="joined")
    new_department: Mapped[Department | None] = relationship(foreign_keys=[new_department_id], lazy="joined")
    photos: Mapped[list[IssuePhoto]] = relationship(order_by="IssuePhoto.position", lazy="selectin")


class MeToo(Model):
    __tablename__ = "issue_metoos"
    __table_args__ = (UniqueConstraint("issue_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    # NULL: the person deleted their account (still counted, no longer linked to anyone)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ResponseTemplate(Model):
    __tablename__ = "issue_response_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # a Status value
    title: Mapped[Translated] = mapped_column(JSON)
    text: Mapped[Translated] = mapped_column(JSON)


class IssueNote(Model):
    """An internal note of the city's staff: never on a public page, export, feed or API."""

    __tablename__ = "issue_notes"
    __table_args__ = (Index("ix_issue_notes_issue_created", "issue_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    author: Mapped[User | None] = relationship(lazy="joined")
