"""KPI reads: only kpi_figures rows (a few per metric and month), never the rows they summarise."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from ..core import clock
from ..core.i18n import localized
from ..core.types import Actor
from ..extensions import db
from . import population as pop
from .metrics import ACTIVITY, RESPONSIVENESS, Metric
from .models import ALL, PROCESS, WHOLE_PERIOD, KpiFigure, KpiRun
from .permissions import can_view_kpi_detail
from .rollup import MIN_GROUP, _tz, month_of, months_back

MONTHS = 12


def months() -> list[str]:
    """The last twelve months, oldest first, the current one last."""
    current = month_of(clock.now(), _tz())
    return [months_back(current, back) for back in range(MONTHS - 1, -1, -1)]


def last_run() -> KpiRun | None:
    return db.session.scalars(select(KpiRun).order_by(KpiRun.id.desc()).limit(1)).first()


def _figures(scope: str, key: str, metrics: list[str]) -> dict[tuple[str, str], KpiFigure]:
    window = months()
    rows = db.session.scalars(select(KpiFigure).where(
        KpiFigure.scope == scope, KpiFigure.key == key, KpiFigure.metric.in_(metrics),
        KpiFigure.month.in_([*window, WHOLE_PERIOD])))
    return {(row.metric, row.month): row for row in rows}


def activity(process_id: int | None = None) -> list[dict[str, Any]]:
    """Per metric: the monthly counts of the last twelve months, their total and the peak."""
    scope, key = (PROCESS, str(process_id)) if process_id else (ALL, "")
    metrics = [m for m in ACTIVITY if not (process_id and m.city_only)]
    figures = _figures(scope, key, [m.code for m in metrics])
    window = months()
    result = []
    for metric in metrics:
        values = [figures[(metric.code, month)].count if (metric.code, month) in figures else 0 for month in window]
        period = figures.get((metric.code, WHOLE_PERIOD))
        total = period.count if period is not None else sum(values)
        result.append({"metric": metric, "months": list(zip(window, values, strict=True)), "total": total,
                       "peak": max(values) if values else 0, "latest": values[-1] if values else 0})
    return result


def _share(row: KpiFigure | None) -> dict[str, Any]:
    if row is None or not row.decided:
        return {"share": None, "decided": (row.decided or 0) if row is not None else 0, "median": None,
                "count": row.count if row is not None else 0}
    return {"share": round(100.0 * (row.met or 0) / row.decided, 1), "decided": row.decided,
            "median": row.median_days, "count": row.count}


def responsiveness(user: Actor, process_id: int | None = None) -> list[dict[str, Any]]:
    """Per responsiveness metric: the last twelve months overall and by department (and, for staff,
    by category), plus the monthly share."""
    scope, key = (PROCESS, str(process_id)) if process_id else (ALL, "")
    metrics: list[Metric] = [m for m in RESPONSIVENESS if not (process_id and m.code.startswith("issue_"))]
    figures = _figures(scope, key, [m.code for m in metrics])
    kinds = ["department"] + (["category"] if can_view_kpi_detail(user) and not process_id else [])
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    if not process_id:
        for row in db.session.scalars(select(KpiFigure).where(
                KpiFigure.month == WHOLE_PERIOD, KpiFigure.scope.in_(kinds),
                KpiFigure.metric.in_([m.code for m in metrics]))):
            groups[(row.metric, row.scope)].append({"label": localized(row.label) or "—", **_share(row)})
    result = []
    for metric in metrics:
        monthly = [(month, _share(figures.get((metric.code, month)))) for month in months()]
        result.append({"metric": metric, "period": _share(figures.get((metric.code, WHOLE_PERIOD))),
                       "months": monthly,
                       "groups": [(kind, sorted(groups[(metric.code, kind)], key=lambda g: g["label"]))
                                  for kind in kinds if groups[(metric.code, kind)]]})
    return result


def suppress(counts: dict[str, int]) -> dict[str, int | None]:
    """Counts with groups under MIN_GROUP hidden (None); when exactly one would be hidden, the next
    smallest is hidden too, so the total does not give it away."""
    shown: dict[str, int | None] = {key: (n if n >= MIN_GROUP else None) for key, n in counts.items()}
    hidden = [key for key, n in shown.items() if n is None]
    if len(hidden) == 1:
        rest = sorted((n, key) for key, n in shown.items() if n is not None)
        if rest:
            shown[rest[0][1]] = None
    return shown


def inclusiveness() -> list[dict[str, Any]]:
    """By age group and by area: participants' share (consented, last twelve months) next to the
    population's share."""
    population = pop.population()
    rows = db.session.scalars(select(KpiFigure).where(
        KpiFigure.month == WHOLE_PERIOD, KpiFigure.metric.in_(["participants_by_age_group", "participants_by_area"])))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row.scope][row.key] = row.count
    tables = []
    for dimension in pop.DIMENSIONS:
        groups = pop.choices(dimension)
        raw = {code: counts[dimension].get(code, 0) for code, _label in groups}
        total = sum(raw.values())
        shown = suppress(raw)
        people = population.get(dimension, {})
        people_total = sum(people.values())
        lines = []
        for code, label in groups:
            number = shown.get(code)
            lines.append({"label": label, "participants": number,
                          "share": round(100.0 * number / total, 1) if number is not None and total else None,
                          "population_share": (round(100.0 * people[code] / people_total, 1)
                                               if people_total and code in people else None)})
        tables.append({"dimension": dimension, "total": total if total >= MIN_GROUP else None,
                       "lines": lines, "has_population": bool(people_total)})
    return tables


def csv_rows(user: Actor, process_id: int | None = None) -> tuple[list[str], list[list[Any]]]:
    """The figures a user may see, one row per metric, month and scope."""
    header = ["metric", "month", "scope", "key", "label", "count", "decided", "met", "share_percent",
              "median_days"]
    scopes = [ALL, PROCESS, "department"] + (["category"] if can_view_kpi_detail(user) else [])
    query = select(KpiFigure).where(KpiFigure.scope.in_(scopes)).order_by(
        KpiFigure.metric, KpiFigure.month, KpiFigure.scope, KpiFigure.key)
    if process_id:
        query = query.where(KpiFigure.scope == PROCESS, KpiFigure.key == str(process_id))
    rows = []
    for row in db.session.scalars(query):
        share = round(100.0 * (row.met or 0) / row.decided, 1) if row.decided else None
        rows.append([row.metric, row.month, row.scope, row.key, localized(row.label) if row.label else "",
                     row.count, row.decided, row.met, share, row.median_days])
    for table in inclusiveness():
        for line in table["lines"]:
            if line["participants"] is not None:
                rows.append(["participants_by_" + table["dimension"], WHOLE_PERIOD, table["dimension"], "",
                             line["label"], line["participants"], None, None, line["share"], None])
    return header, rows
