"""Totals of street issues read from the counter table (tallies.counts), never by counting issues.

A sum runs over a few counter rows (status group x category x department x area x closing month),
whatever the number of reports. The default list leaves out reports closed before the start of the
month six months ago (queries.closed_cutoff): a whole month, so the counters count it exactly.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from ..extensions import db
from .models import GROUPS
from .tallies import city_tz, counts, month_of


def _conditions(table: Any, *, group: str | None, category_id: int | None, department_id: int | None,
                area_id: int | None) -> list[Any]:
    conditions = []
    if group in GROUPS:
        conditions.append(table.c.status_group == group)
    if category_id:
        conditions.append(table.c.category_id == category_id)
    if department_id:
        conditions.append(table.c.department_id == department_id)
    if area_id:
        conditions.append(table.c.area_id == area_id)
    return conditions


def month_start(moment: datetime) -> datetime:
    """The start of the city-time month of `moment`, as an aware datetime."""
    local = moment.astimezone(city_tz())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def count_issues(*, closed_after: datetime | None = None, group: str | None = None, status: str | None = None,
                 category_id: int | None = None, department_id: int | None = None,
                 area_id: int | None = None) -> int | None:
    """Visible issues matching the list's filters; `closed_after` (the start of a month, city time):
    leave out those closed earlier. None when a filter has no counter (a single status): the caller
    pages without a total."""
    if status:
        return None
    conditions = _conditions(counts, group=group, category_id=category_id, department_id=department_id,
                             area_id=area_id)
    if closed_after is not None:
        if month_start(closed_after) != closed_after:
            raise ValueError("counters count whole months of closing: give the start of a month")
        conditions.append(or_(counts.c.closed_month == 0,
                              counts.c.closed_month >= month_of(closed_after, city_tz())))
    total = db.session.scalar(select(func.coalesce(func.sum(counts.c.n), 0)).where(*conditions)) or 0
    return int(total)


def counts_by(dimension: str, *, group: str | None = None) -> dict[int, int]:
    """Visible issues per category, department or area ({id: n}; area 0: outside every area)."""
    column = counts.c[f"{dimension}_id"]
    conditions = _conditions(counts, group=group, category_id=None, department_id=None, area_id=None)
    rows = db.session.execute(select(column, func.sum(counts.c.n)).where(*conditions).group_by(column))
    return {key: int(n) for key, n in rows if n}


def by_group() -> dict[str, int]:
    """{"open": ..., "fixed": ..., "closed": ...}: visible issues per status group, all time."""
    rows = dict(db.session.execute(select(counts.c.status_group, func.sum(counts.c.n))
                                   .group_by(counts.c.status_group)).all())
    return {group: int(rows.get(group) or 0) for group in GROUPS}
