"""Facts for the KPI roll-up (core.signals.kpi_facts): street reports and how the city responded.

- `issue_reports`: every visible report (a participant's act).
- `issue_acknowledged`: the first official response came within ACK_WORKING_DAYS working days.
- `issue_fixed`: fixed within the target of the category, else of the department, else
  ISSUE_FIX_TARGET_DAYS (working days), as issues.tallies decides for /issues/stats.
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
from ..extensions import db
from .models import CLOSED_STATUSES, Category, Issue
from .tallies import acknowledged_in_time, fixed_in_time, load_targets

DAY = 86400.0


def facts(app: Any, since: datetime | None = None, **_: Any) -> Iterator[Fact]:
    """The same rules as /issues/stats (issues.tallies): one definition of "in time"."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(site.get("CITY_TIMEZONE"))
    now = clock.now()
    targets = load_targets(db.session.connection())
    departments = {d.id: d.name for d in db.session.scalars(select(Department))}
    categories = {c.id: c.name for c in db.session.scalars(select(Category))}
    query = (select(Issue.reporter_id, Issue.created_at, Issue.category_id, Issue.department_id, Issue.status,
                    Issue.duplicate_of_id, Issue.acknowledged_at, Issue.fixed_at)
             .where(Issue.hidden_at.is_(None)))
    if since is not None:
        query = query.where(Issue.created_at >= since)
    for row in db.session.execute(query.execution_options(yield_per=5000)):
        yield Fact("issue_reports", row.created_at, user_id=row.reporter_id)
        if row.duplicate_of_id is not None:
            continue
        groups = tuple(group for group in (
            ("department", row.department_id, departments[row.department_id])
            if row.department_id in departments else None,
            ("category", row.category_id, categories[row.category_id]) if row.category_id in categories else None)
            if group)
        created = row.created_at
        if row.acknowledged_at is not None:
            yield Fact("issue_acknowledged", created, participant=False, groups=groups,
                       met=acknowledged_in_time(created, row.acknowledged_at, tz),
                       days=(row.acknowledged_at - created).total_seconds() / DAY)
        else:
            # not answered yet: a failure once the time has run out, undecided before
            late = not acknowledged_in_time(created, now, tz)
            yield Fact("issue_acknowledged", created, participant=False, groups=groups, met=False if late else None)
        target = targets.of(row)
        if row.fixed_at is not None:
            yield Fact("issue_fixed", created, participant=False, groups=groups,
                       met=fixed_in_time(created, row.fixed_at, target, tz),
                       days=(row.fixed_at - created).total_seconds() / DAY)
        elif row.status not in CLOSED_STATUSES:
            late = not fixed_in_time(created, now, target, tz)
            yield Fact("issue_fixed", created, participant=False, groups=groups, met=False if late else None)
