"""Response-time figures from the monthly aggregates (tallies.monthly): /issues/stats and the KPIs.

Nothing here reads the issues table: each figure is a sum over the aggregate rows (months x
categories x departments), so a page costs the same at a thousand and at a million reports.
Medians and percentiles are read from the response-time histograms (bucket edges in hours,
`tallies.EDGES_H`) by linear interpolation inside the bucket: the same figure on SQLite and
PostgreSQL, exact to the bucket's width. Hidden and duplicate reports count nowhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import case, func, select

from ..core import clock
from ..core.models import Department
from ..core.types import Translated
from ..extensions import db
from .models import Category
from .tallies import ACK_BUCKETS, EDGES_H, FIX_BUCKETS, MONTH_FIELDS, city_tz, month_of, monthly

QUICK_FIX = timedelta(days=30)
QUICK_FIX_BUCKETS = EDGES_H.index(720) + 1  # buckets below 720 hours (30 days)
# Shares ("within 2 working days", "within 30 days", "within target") count the reports of months
# that ended at least this long ago, so that young reports do not count as late.
SETTLED = timedelta(days=30)


def percentile(histogram: list[int], fraction: float) -> float | None:
    """The value below which `fraction` of the counted durations lie, in hours (None: nothing counted)."""
    total = sum(histogram)
    if not total:
        return None
    rank, seen = fraction * total, 0
    for index, n in enumerate(histogram):
        if n and seen + n >= rank:
            low = EDGES_H[index - 1] if index else 0
            if index >= len(EDGES_H):
                return float(low)  # the open last bucket: "at least"
            return low + (EDGES_H[index] - low) * (rank - seen) / n
        seen += n
    return float(EDGES_H[-1])


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


@dataclass
class Figures:
    name: Translated
    reports: int
    median_hours_to_response: float | None
    median_hours_to_fixed: float | None
    acknowledged_within_2_working_days: float | None  # share of settled reports, 0..100
    fixed_within_30_days: float | None
    fixed_within_target: float | None


def settled_month() -> int:
    """The last month (YYYYMM, city time) that ended at least SETTLED ago."""
    local = (clock.now() - SETTLED).astimezone(city_tz())
    first = local.replace(day=1)
    return month_of(first - timedelta(days=1), city_tz())


def _sums(columns: list[Any], where: list[Any]) -> list[Any]:
    settled = monthly.c.month <= settled_month()
    sums = [func.sum(monthly.c[name]).label(name) for name in MONTH_FIELDS]
    extra = [func.sum(case((settled, monthly.c[name]), else_=0)).label(f"settled_{name}")
             for name in ("reports", "acknowledged_2wd", "fixed_in_target", *FIX_BUCKETS[:QUICK_FIX_BUCKETS])]
    return list(db.session.execute(select(*columns, *sums, *extra).where(*where).group_by(*columns)))


def _figures(name: Translated, row: Any) -> Figures:
    settled = int(row.settled_reports or 0)
    quick = sum(int(getattr(row, f"settled_{b}") or 0) for b in FIX_BUCKETS[:QUICK_FIX_BUCKETS])
    return Figures(
        name, int(row.reports or 0),
        _hours(percentile([int(getattr(row, b) or 0) for b in ACK_BUCKETS], 0.5)),
        _hours(percentile([int(getattr(row, b) or 0) for b in FIX_BUCKETS], 0.5)),
        _share(int(row.settled_acknowledged_2wd or 0), settled), _share(quick, settled),
        _share(int(row.settled_fixed_in_target or 0), settled))


def response_stats() -> dict[str, list[Figures]]:
    """Per category and per department, all months (the public /issues/stats page)."""
    names_c = {c.id: c.name for c in db.session.scalars(select(Category))}
    names_d = {d.id: d.name for d in db.session.scalars(select(Department))}
    by_category = _sums([monthly.c.category_id], [])
    by_department = _sums([monthly.c.department_id], [])
    return {
        "categories": [_figures(names_c.get(r.category_id, {}), r) for r in sorted(by_category, key=lambda r: r[0])
                       if r.reports],
        "departments": [_figures(names_d.get(r.department_id, {}), r)
                        for r in sorted(by_department, key=lambda r: r[0]) if r.reports],
    }


def monthly_response(*, by: tuple[str, ...] = ("department",), since: int | None = None,
                     until: int | None = None) -> list[dict[str, Any]]:
    """Responsiveness per month of report (city time) and per `by` ("department", "category" or both),
    for the KPI pages: plain dicts, oldest month first, with

    month ("YYYY-MM"), department_id and/or category_id, reports, open, fixed, closed, acknowledged,
    acknowledged_2wd (first official response within 2 Japanese working days), fixed_in_target
    (fixed within the category's, else the department's, else ISSUE_FIX_TARGET_DAYS working days),
    median_hours_to_response, p90_hours_to_response, median_hours_to_fixed, p90_hours_to_fixed,
    mean_hours_to_response, mean_hours_to_fixed, and the histograms ack_histogram / fix_histogram
    (counts per bucket of `tallies.EDGES_H`). `since`/`until`: months as YYYYMM, inclusive."""
    columns = [monthly.c.month, *(monthly.c[f"{name}_id"] for name in by)]
    where = [c for c in (monthly.c.month >= since if since else None,
                         monthly.c.month <= until if until else None) if c is not None]
    sums = [func.sum(monthly.c[name]).label(name) for name in MONTH_FIELDS]
    rows = db.session.execute(select(*columns, *sums).where(*where).group_by(*columns).order_by(*columns))
    found = []
    for row in rows:
        ack = [int(getattr(row, b) or 0) for b in ACK_BUCKETS]
        fix = [int(getattr(row, b) or 0) for b in FIX_BUCKETS]
        item: dict[str, Any] = {"month": f"{row.month // 100:04d}-{row.month % 100:02d}"}
        item.update({f"{name}_id": getattr(row, f"{name}_id") for name in by})
        item.update({name: int(getattr(row, name) or 0) for name in (
            "reports", "open", "fixed", "closed", "acknowledged", "acknowledged_2wd", "fixed_in_target")})
        item.update(
            median_hours_to_response=_hours(percentile(ack, 0.5)), p90_hours_to_response=_hours(percentile(ack, 0.9)),
            median_hours_to_fixed=_hours(percentile(fix, 0.5)), p90_hours_to_fixed=_hours(percentile(fix, 0.9)),
            mean_hours_to_response=_hours(int(row.ack_minutes or 0) / 60 / item["acknowledged"])
            if item["acknowledged"] else None,
            mean_hours_to_fixed=_hours(int(row.fix_minutes or 0) / 60 / sum(fix)) if sum(fix) else None,
            ack_histogram=ack, fix_histogram=fix)
        found.append(item)
    return found
