"""Reading the triage queue: its filters, overdue reports against each category's target, the
colleagues an issue may be assigned to, internal notes. Staff pages only."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import selectinload

from ..core import clock, workdays
from ..core.errors import InvalidInput
from ..core.models import Role, RoleAssignment, User
from ..core.permissions import is_signed_in
from ..core.services import parse_id
from ..core.types import Actor
from ..extensions import db
from . import permissions
from .models import OPEN_STATUSES, Category, Issue, IssueNote, Status

PER_PAGE = 100
NOTES_LIMIT = 200
AGES = (2, 7, 30, 90)  # "older than N days" choices
METOO_MINIMUMS = (1, 3, 10)
BAD_FILTER = _l("This filter value is not one of the choices.")


@dataclass
class TriageFilters:
    status: str | None = None
    category_id: int | None = None
    area_id: int | None = None
    older_than: int | None = None  # calendar days
    reopened: bool = False
    metoo_min: int | None = None
    overdue: bool = False
    assignee: str | None = None  # "me" or "none" (queue only: assignments are not public)
    page: int = 1

    def args(self, *, page: int | None = None) -> dict[str, Any]:
        """The filters as query-string arguments (for links and the map's GeoJSON URL)."""
        values = {"status": self.status, "category": self.category_id, "area": self.area_id,
                  "age": self.older_than, "reopened": "1" if self.reopened else None,
                  "metoo": self.metoo_min, "overdue": "1" if self.overdue else None,
                  "assignee": self.assignee, "page": page if page and page > 1 else None}
        return {k: v for k, v in values.items() if v}

    def map_args(self) -> dict[str, Any]:
        return {k: v for k, v in self.args().items() if k not in ("assignee", "page")}


def _choice(raw: str | None, allowed: tuple[int, ...]) -> int | None:
    if not raw:
        return None
    value = parse_id(raw)
    if value not in allowed:
        raise InvalidInput(BAD_FILTER)
    return value


def _id(raw: str | None) -> int | None:
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise InvalidInput(_l("The filter value must be a number."))
    return value


def parse_filters(args: Mapping[str, str]) -> TriageFilters:
    """Filters from a query string; a value that is not a choice is an input error (400)."""
    status = args.get("status") or None
    if status is not None and status not in {str(s) for s in OPEN_STATUSES}:
        raise InvalidInput(BAD_FILTER)
    assignee = args.get("assignee") or None
    if assignee not in (None, "me", "none"):
        raise InvalidInput(BAD_FILTER)
    page = _id(args.get("page")) or 1
    return TriageFilters(status=status, category_id=_id(args.get("category")), area_id=_id(args.get("area")),
                         assignee=assignee, page=min(page, 10_000), **_public_values(args))


def _public_values(args: Mapping[str, str]) -> dict[str, Any]:
    return dict(older_than=_choice(args.get("age"), AGES), reopened=args.get("reopened") == "1",
                metoo_min=_choice(args.get("metoo"), METOO_MINIMUMS), overdue=args.get("overdue") == "1")


def map_conditions(args: Mapping[str, str]) -> list[ColumnElement[bool]]:
    """The triage filters the public map endpoint (`/issues.geojson`) accepts beside its own."""
    return public_conditions(TriageFilters(**_public_values(args)))


# --- overdue: working days (Mon–Fri without Japanese public holidays) --------------------------

def _timezone() -> str:
    return current_app.config.get("CITY_TIMEZONE", "Asia/Tokyo")


def overdue_cutoff(target_days: int, now: datetime | None = None, tz: str | None = None) -> datetime:
    """Reports created before this moment (UTC) are overdue: more than `target_days` working days
    have passed since the day they were made (`core.workdays.working_days_between` > target)."""
    tz = tz or _timezone()
    now = now or clock.now()
    day = now.astimezone(ZoneInfo(tz)).date()
    counted = 0
    while True:
        if workdays.is_working_day(day):
            counted += 1
            if counted > target_days:
                break
        day -= timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def is_overdue(issue: Issue, now: datetime | None = None) -> bool:
    target = issue.category.target_days if issue.category else None
    if target is None or issue.status not in OPEN_STATUSES:
        return False
    return workdays.working_days_between(issue.created_at, now or clock.now(), _timezone()) > target


def overdue_condition(now: datetime | None = None) -> ColumnElement[bool]:
    """The SQL form of `is_overdue`: one cutoff per category with a target (categories are few)."""
    cutoffs = [and_(Issue.category_id == category_id, Issue.created_at < overdue_cutoff(days or 0, now))
               for category_id, days in db.session.execute(
                   select(Category.id, Category.target_days).where(Category.target_days.is_not(None)))]
    return and_(Issue.status.in_(OPEN_STATUSES), or_(*cutoffs) if cutoffs else false())


def public_conditions(filters: TriageFilters) -> list[ColumnElement[bool]]:
    """The filters the public map endpoint also understands (nothing there is staff-only)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.older_than:
        conditions.append(Issue.created_at < clock.now() - timedelta(days=filters.older_than))
    if filters.reopened:
        conditions.append(Issue.reopened_at.is_not(None))
    if filters.metoo_min:
        conditions.append(Issue.metoo_count >= filters.metoo_min)
    if filters.overdue:
        conditions.append(overdue_condition())
    return conditions


@dataclass
class Queue:
    items: list[Issue]
    overdue_ids: set[int]
    page: int
    has_next: bool


def triage_queue(official: Actor, department_id: int, filters: TriageFilters) -> Queue:
    """Open issues of the department: reopened first, then unacknowledged, then oldest; paged without
    counting the whole queue."""
    conditions = [Issue.department_id == department_id, Issue.status.in_(OPEN_STATUSES),
                  *public_conditions(filters)]
    if filters.status:
        conditions.append(Issue.status == Status(filters.status))
    if filters.category_id:
        conditions.append(Issue.category_id == filters.category_id)
    if filters.area_id:
        conditions.append(Issue.area_id == filters.area_id)
    if filters.assignee == "none":
        conditions.append(Issue.assignee_id.is_(None))
    elif filters.assignee == "me":
        conditions.append(Issue.assignee_id == (official.id if is_signed_in(official) else None))
    rows = list(db.session.scalars(
        select(Issue).where(*conditions).options(selectinload(Issue.assignee))
        .order_by(Issue.reopened_at.is_(None), Issue.acknowledged_at.is_not(None), Issue.created_at, Issue.id)
        .offset((filters.page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    now = clock.now()
    items = rows[:PER_PAGE]
    return Queue(items, {i.id for i in items if is_overdue(i, now)}, filters.page, len(rows) > PER_PAGE)


# --- colleagues and notes -----------------------------------------------------------------------

def colleagues(department_id: int) -> list[User]:
    """Who may be assigned the department's issues: its officials who are not blocked."""
    members = select(RoleAssignment.user_id).where(RoleAssignment.role == Role.OFFICIAL,
                                                   RoleAssignment.department_id == department_id)
    return list(db.session.scalars(select(User).where(User.id.in_(members), User.blocked_at.is_(None))
                                   .order_by(User.display_name, User.id)))


def notes(issue: Issue) -> list[IssueNote]:
    return list(db.session.scalars(select(IssueNote).where(IssueNote.issue_id == issue.id)
                                   .order_by(IssueNote.created_at.desc(), IssueNote.id.desc()).limit(NOTES_LIMIT)))


def staff_panel(user: Actor, issue: Issue) -> dict[str, Any] | None:
    """What the issue page shows staff only (None for everyone else)."""
    if not (permissions.can_read_issue_notes(user, issue) or permissions.can_see_reporter_contact(user, issue)):
        return None
    return {"notes": notes(issue) if permissions.can_read_issue_notes(user, issue) else [],
            "colleagues": colleagues(issue.department_id) if permissions.can_manage_issue(user, issue) else [],
            "contact": issue.reporter if permissions.can_see_reporter_contact(user, issue) else None,
            "overdue": is_overdue(issue)}
