"""Public response-time figures per category and per department (/issues/stats)."""
from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..core import clock
from ..core.models import Department
from ..core.types import Translated
from ..extensions import db
from .models import Category, Issue, Status

QUICK_FIX = timedelta(days=30)


@dataclass
class Figures:
    name: Translated
    reports: int
    median_hours_to_response: float | None
    median_hours_to_fixed: float | None
    fixed_within_30_days: float | None  # share of reports, 0..100


def _hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


def _figures(rows: Iterable[Any]) -> tuple[int, float | None, float | None, float | None]:
    rows = list(rows)
    responses = [_hours(r.created_at, r.acknowledged_at) for r in rows if r.acknowledged_at]
    fixes = [_hours(r.created_at, r.fixed_at) for r in rows if r.fixed_at]
    old_enough = [r for r in rows if clock.now() - r.created_at >= QUICK_FIX or r.fixed_at]
    quick = [r for r in old_enough if r.fixed_at and r.fixed_at - r.created_at <= QUICK_FIX]
    return (len(rows),
            round(statistics.median(responses), 1) if responses else None,
            round(statistics.median(fixes), 1) if fixes else None,
            round(100 * len(quick) / len(old_enough), 1) if old_enough else None)


def response_stats() -> dict[str, list[Figures]]:
    rows = db.session.execute(select(Issue.category_id, Issue.department_id, Issue.created_at,
                                     Issue.acknowledged_at, Issue.fixed_at)
                              .where(Issue.status != Status.DUPLICATE)).all()
    by_category: dict[int, list] = {}
    by_department: dict[int, list] = {}
    for row in rows:
        by_category.setdefault(row.category_id, []).append(row)
        by_department.setdefault(row.department_id, []).append(row)
    names_c = {c.id: c.name for c in db.session.scalars(select(Category))}
    names_d = {d.id: d.name for d in db.session.scalars(select(Department))}
    return {
        "categories": [Figures(names_c[k], *_figures(v)) for k, v in sorted(by_category.items())],
        "departments": [Figures(names_d[k], *_figures(v)) for k, v in sorted(by_department.items())],
    }
