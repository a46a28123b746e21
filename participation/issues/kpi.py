"""Facts for the KPI roll-up (core.signals.kpi_facts): street reports and how the city responded.

- `issue_reports`: every visible report (a participant's act).
- `issue_acknowledged`: the first official response came within ACK_WORKING_DAYS working days.
- `issue_fixed`: fixed within the target of the category, else of the department, else
  ISSUE_FIX_TARGET_DAYS (working days).
A report counts for a target once it is met or its time has run out (before that `met` is None);
duplicates and reports closed without a fix (not the city's, referred elsewhere) don't count for
the fix target. Working days: weekends and Japanese national holidays excluded (core.workdays).
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..core import clock, site
from ..core.models import Department
from ..core.signals import Fact
from ..core.workdays import working_days_between
from ..extensions import db
from .models import CLOSED_STATUSES, Category, Issue

ACK_WORKING_DAYS = 2
DAY = 86400.0


def facts(app: Any, since: datetime | None = None, **_: Any) -> Iterator[Fact]:
    tz = site.get("CITY_TIMEZONE")
    default_target = int(app.config.get("ISSUE_FIX_TARGET_DAYS", 20))
    now = clock.now()
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    categories = {c.id: c for c in db.session.scalars(select(Category))}
    query = (select(Issue.reporter_id, Issue.created_at, Issue.category_id, Issue.department_id, Issue.status,
                    Issue.duplicate_of_id, Issue.acknowledged_at, Issue.fixed_at)
             .where(Issue.hidden_at.is_(None)))
    if since is not None:
        query = query.where(Issue.created_at >= since)
    for reporter_id, created_at, category_id, department_id, status, duplicate_of, acked, fixed in \
            db.session.execute(query.execution_options(yield_per=5000)):
        yield Fact("issue_reports", created_at, user_id=reporter_id)
        if duplicate_of is not None:
            continue
        department, category = departments.get(department_id), categories.get(category_id)
        groups = tuple(group for group in (
            ("department", department_id, department.name) if department else None,
            ("category", category_id, category.name) if category else None) if group)
        if acked is not None:
            taken = working_days_between(created_at, acked, tz)
            yield Fact("issue_acknowledged", created_at, participant=False, groups=groups,
                       met=taken <= ACK_WORKING_DAYS, days=(acked - created_at).total_seconds() / DAY)
        else:
            late = working_days_between(created_at, now, tz) > ACK_WORKING_DAYS
            yield Fact("issue_acknowledged", created_at, participant=False, groups=groups,
                       met=False if late else None)
        target = (category.target_days if category and category.target_days else None) \
            or (department.target_days if department and department.target_days else None) or default_target
        if fixed is not None:
            taken = working_days_between(created_at, fixed, tz)
            yield Fact("issue_fixed", created_at, participant=False, groups=groups, met=taken <= target,
                       days=(fixed - created_at).total_seconds() / DAY)
        elif status not in CLOSED_STATUSES:
            late = working_days_between(created_at, now, tz) > target
            yield Fact("issue_fixed", created_at, participant=False, groups=groups, met=False if late else None)
