"""The KPI roll-up: facts from every feature (core.signals.kpi_facts) → rows of kpi_figures.

Runs in the background (hourly for the last two months, nightly for the last thirteen, in full
with `flask kpi rebuild` / `flask counters rebuild`). A month is a calendar month in the city's
timezone. Each run replaces the figures of the months it covers, so running it twice changes
nothing and a killed run leaves the previous figures (one transaction).
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, insert, select

from ..core import clock, signals, site
from ..core.models import User
from ..core.signals import Fact
from ..extensions import db
from .models import ALL, PROCESS, WHOLE_PERIOD, KpiFigure, KpiRun
from .population import demographics_of

PARTICIPANTS = "participants"
#: smallest group shown in inclusiveness figures (people); smaller groups are suppressed
MIN_GROUP = 10
#: roll-up runs remembered (when and from which month the figures were computed)
KEEP_RUNS = 50


@dataclass
class _Cell:
    count: int = 0
    decided: int = 0
    met: int = 0
    days: list[float] = field(default_factory=list)
    label: Any = None
    responsiveness: bool = False


def _tz() -> ZoneInfo:
    return ZoneInfo(site.get("CITY_TIMEZONE"))


def month_of(moment: datetime, tz: ZoneInfo) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).strftime("%Y-%m")


def month_start(month: str, tz: ZoneInfo) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=tz).astimezone(UTC)


def months_back(month: str, count: int) -> str:
    """The month `count` months before `month` ("2026-01", 1 → "2025-12")."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + (number - 1) - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def core_facts(app: Any, since: datetime | None = None, **_: Any) -> Iterable[Fact]:
    """New accounts (core's own table; registering alone does not make a participant)."""
    query = select(User.id, User.created_at)
    if since is not None:
        query = query.where(User.created_at >= since)
    for user_id, created_at in db.session.execute(query):
        yield Fact("accounts", created_at, user_id=user_id, participant=False)


def rollup(months: int | None) -> KpiRun:
    """Recompute the figures of the last `months` months (None: everything). The caller commits."""
    tz = _tz()
    current = month_of(clock.now(), tz)
    first = months_back(current, months - 1) if months else "0000-01"
    since = month_start(first, tz) if months else None
    year_start = months_back(current, 11)

    cells: dict[tuple[str, str, str, str], _Cell] = defaultdict(_Cell)
    people: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    facts = 0
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for _receiver, produced in signals.kpi_facts.send(app, since=since):
        for fact in produced or ():
            month = month_of(fact.at, tz)
            if month < first:
                continue
            facts += 1
            periods = [month, WHOLE_PERIOD] if month >= year_start else [month]
            scopes = [(ALL, "", None)]
            if fact.process_id is not None:
                scopes.append((PROCESS, str(fact.process_id), None))
            scopes.extend((kind, str(key), label) for kind, key, label in fact.groups)
            for period in periods:
                for scope, key, label in scopes:
                    cell = cells[(fact.metric, period, scope, key)]
                    cell.count += 1
                    cell.label = label if label is not None else cell.label
                    if fact.met is not None:
                        cell.decided += 1
                        cell.met += int(fact.met)
                    if fact.days is not None:
                        cell.days.append(fact.days)
                    cell.responsiveness = cell.responsiveness or fact.met is not None or fact.days is not None
                if fact.participant and fact.user_id is not None:
                    people[(period, ALL, "")].add(fact.user_id)
                    if fact.process_id is not None:
                        people[(period, PROCESS, str(fact.process_id))].add(fact.user_id)

    covers_year = months is None or months >= 12
    stale = delete(KpiFigure).where(KpiFigure.month >= first, KpiFigure.month != WHOLE_PERIOD)
    db.session.execute(stale)
    if covers_year:
        db.session.execute(delete(KpiFigure).where(KpiFigure.month == WHOLE_PERIOD))
    rows: list[dict[str, Any]] = []
    for (metric, period, scope, key), cell in cells.items():
        if period == WHOLE_PERIOD and not covers_year:
            continue
        rows.append({"metric": metric, "month": period, "scope": scope, "key": key, "label": cell.label,
                     "count": cell.count,
                     "decided": cell.decided if cell.responsiveness else None,
                     "met": cell.met if cell.responsiveness else None,
                     "median_days": round(statistics.median(cell.days), 2) if cell.days else None})
    for (period, scope, key), members in people.items():
        if period == WHOLE_PERIOD and not covers_year:
            continue
        rows.append({"metric": PARTICIPANTS, "month": period, "scope": scope, "key": key, "label": None,
                     "count": len(members), "decided": None, "met": None, "median_days": None})
    if covers_year:
        rows.extend(_inclusiveness(people.get((WHOLE_PERIOD, ALL, ""), set())))
    if rows:
        db.session.execute(insert(KpiFigure), rows)
    run = KpiRun(computed_at=clock.now(), from_month=first, facts=facts)
    db.session.add(run)
    db.session.flush()
    db.session.execute(delete(KpiRun).where(KpiRun.id <= run.id - KEEP_RUNS))
    return run


def _inclusiveness(participants: set[int]) -> list[dict[str, Any]]:
    """Participants of the last twelve months who consented to demographics, by age group and area.

    Exact counts are stored; the page suppresses groups under MIN_GROUP people (and a second group
    when exactly one is suppressed, so the total does not reveal it).
    """
    rows = []
    for dimension, counts in demographics_of(participants).items():
        for key, number in counts.items():
            rows.append({"metric": "participants_by_" + dimension, "month": WHOLE_PERIOD, "scope": dimension,
                         "key": str(key), "label": None, "count": number, "decided": None, "met": None,
                         "median_days": None})
    return rows
