"""Counter and aggregate tables of street issues, kept in the same transaction as every change.

- `issue_counts`: visible issues per status group x category x department x area x closing month
  (0 while open). Totals on /issues/, the home page and every count by department, area or category
  are sums over these few rows, never a count over the issues table.
- `issue_monthly`: per month of report (city time) x category x department: reports, open, fixed,
  closed, first responses and fixes with response-time histograms in hours (`EDGES_H`), minutes
  summed for means, "acknowledged within 2 working days" (Japanese calendar) and "fixed within the
  category's target". /issues/stats and the KPI pages read these (reports.py).

How they stay exact: each issue *contributes* one row key (+1) to each table, computed from its
columns by `count_key` and `month_values`. A flush listener computes, for every inserted, changed or
deleted issue, contribution(new) - contribution(old) and applies it with one atomic
`INSERT ... ON CONFLICT DO UPDATE SET n = n + delta` per touched row. The old values are read from
the database with `SELECT ... FOR UPDATE` just before the flush, so two transactions changing the
same issue at once still move the counts along what was really written. `rebuild()` recomputes both
tables from the rows with the same functions (`flask counters rebuild`): rebuild equals incremental.
Bulk statements (`insert(Issue)` with a list, `update(Issue)` on tracked columns) bypass the
listener: run `flask counters rebuild` afterwards.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Column, Integer, String, Table, delete, event, inspect, select
from sqlalchemy.orm import Session

from ..core import workdays
from ..core.models import Department
from ..extensions import db
from .models import STATUS_GROUP, Area, Category, Issue, Status

# Upper edges (hours) of the response-time histogram buckets; the last bucket is "8760 h or more".
EDGES_H = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 240, 336, 504, 720, 1440, 2160, 4320, 8760)
BUCKETS = len(EDGES_H) + 1
ACK_BUCKETS = tuple(f"ack_h{i:02d}" for i in range(BUCKETS))
FIX_BUCKETS = tuple(f"fix_h{i:02d}" for i in range(BUCKETS))
ACK_WORKING_DAYS = 2
DEFAULT_FIX_TARGET_DAYS = 20  # working days, when neither the category nor the department sets one
MONTH_FIELDS = ("reports", "open", "fixed", "closed", "acknowledged", "acknowledged_2wd", "fixed_in_target",
                "ack_minutes", "fix_minutes", *ACK_BUCKETS, *FIX_BUCKETS)
# Columns whose change moves an issue between rows of the tables.
TRACKED = ("status", "category_id", "department_id", "area_id", "hidden_at", "created_at", "acknowledged_at",
           "fixed_at", "closed_at")

counts = Table(
    "issue_counts", db.metadata,
    Column("status_group", String(10), primary_key=True),
    Column("category_id", Integer, primary_key=True),
    Column("department_id", Integer, primary_key=True),
    Column("area_id", Integer, primary_key=True),  # 0: outside every area
    Column("closed_month", Integer, primary_key=True),  # YYYYMM of closed_at in city time; 0: open
    Column("n", Integer, nullable=False, default=0),
)

monthly = Table(
    "issue_monthly", db.metadata,
    Column("month", Integer, primary_key=True),  # YYYYMM of created_at in city time
    Column("category_id", Integer, primary_key=True),
    Column("department_id", Integer, primary_key=True),
    *[Column(name, BigInteger if name.endswith("_minutes") else Integer, nullable=False, default=0)
      for name in MONTH_FIELDS],
)

COUNT_KEY = ("status_group", "category_id", "department_id", "area_id", "closed_month")
MONTH_KEY = ("month", "category_id", "department_id")


# --- contributions: what one issue adds to each table -------------------------------------------

def city_tz() -> ZoneInfo:
    from flask import current_app, has_app_context

    name = current_app.config.get("CITY_TIMEZONE", "Asia/Tokyo") if has_app_context() else "Asia/Tokyo"
    return ZoneInfo(name)


def month_of(moment: datetime, tz: ZoneInfo) -> int:
    local = moment.astimezone(tz)
    return local.year * 100 + local.month


def bucket_of(hours: float) -> int:
    for index, edge in enumerate(EDGES_H):
        if hours < edge:
            return index
    return len(EDGES_H)


def _status(row: Any) -> Status:
    return Status(row.status)


def count_key(row: Any, tz: ZoneInfo) -> tuple | None:
    """The `issue_counts` row a visible issue adds 1 to (None: hidden issues count nowhere)."""
    if row.hidden_at is not None:
        return None
    group = STATUS_GROUP[_status(row)]
    closed = month_of(row.closed_at, tz) if group != "open" and row.closed_at else 0
    return (group, row.category_id, row.department_id, row.area_id or 0, closed)


def _minutes(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def acknowledged_in_time(start: datetime, end: datetime, tz: ZoneInfo) -> bool:
    if end - start > timedelta(days=20):  # more than the longest Japanese holiday run plus 2 days
        return False
    return workdays.within_working_days(start, end, ACK_WORKING_DAYS, tz.key)


@dataclass(frozen=True)
class Targets:
    """Fix targets in working days: the category's, else the issue's department's, else the default."""

    categories: dict[int, int | None]
    departments: dict[int, int | None]
    default: int = DEFAULT_FIX_TARGET_DAYS

    def of(self, row: Any) -> int:
        return self.categories.get(row.category_id) or self.departments.get(row.department_id) or self.default


def fixed_in_time(start: datetime, end: datetime, target: int, tz: ZoneInfo) -> bool:
    if end - start <= timedelta(days=target):  # never more working days than calendar days
        return True
    if end - start > timedelta(days=2 * target + 30):  # far more working days than the target
        return False
    return workdays.within_working_days(start, end, target, tz.key)


def month_values(row: Any, tz: ZoneInfo, targets: Targets) -> tuple[tuple, dict[str, int]] | None:
    """The `issue_monthly` row an issue adds to, and what it adds (hidden and duplicate reports count
    nowhere, as on every public page)."""
    status = _status(row)
    if status is Status.DUPLICATE or row.hidden_at is not None:
        return None
    created = row.created_at
    values = {"reports": 1, STATUS_GROUP[status]: 1}
    if row.acknowledged_at is not None:
        minutes = _minutes(created, row.acknowledged_at)
        values.update({"acknowledged": 1, "ack_minutes": minutes, ACK_BUCKETS[bucket_of(minutes / 60)]: 1})
        if acknowledged_in_time(created, row.acknowledged_at, tz):
            values["acknowledged_2wd"] = 1
    if row.fixed_at is not None:
        minutes = _minutes(created, row.fixed_at)
        values.update({"fix_minutes": minutes, FIX_BUCKETS[bucket_of(minutes / 60)]: 1})
        if fixed_in_time(created, row.fixed_at, targets.of(row), tz):
            values["fixed_in_target"] = 1
    return (month_of(created, tz), row.category_id, row.department_id), values


def load_targets(connection: Any) -> Targets:
    from flask import current_app, has_app_context

    default = current_app.config.get("ISSUE_FIX_TARGET_DAYS", DEFAULT_FIX_TARGET_DAYS) if has_app_context() \
        else DEFAULT_FIX_TARGET_DAYS
    return Targets(dict(connection.execute(select(Category.id, Category.target_days)).all()),
                   dict(connection.execute(select(Department.id, Department.target_days)).all()), int(default))


class Deltas:
    """Net changes to both tables, applied in one go."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.monthly: defaultdict[tuple, Counter] = defaultdict(Counter)

    def add(self, row: Any, sign: int, tz: ZoneInfo, targets: Targets) -> None:
        key = count_key(row, tz)
        if key is not None:
            self.counts[key] += sign
        found = month_values(row, tz, targets)
        if found is not None:
            month_key, values = found
            for name, value in values.items():
                self.monthly[month_key][name] += sign * value


def _upsert(connection: Any, table: Table, key_names: tuple[str, ...], rows: list[dict]) -> None:
    """Add each row's values to the stored row of its key, creating it when missing, atomically."""
    if not rows:
        return
    from sqlalchemy.dialects import postgresql, sqlite

    insert: Any = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for row in rows:
        statement = insert(table).values(**row)
        updates = {name: table.c[name] + statement.excluded[name] for name in row if name not in key_names}
        connection.execute(statement.on_conflict_do_update(index_elements=list(key_names), set_=updates))


def apply(connection: Any, deltas: Deltas) -> None:
    count_rows = [dict(zip(COUNT_KEY, key, strict=True), n=n) for key, n in sorted(deltas.counts.items()) if n]
    _upsert(connection, counts, COUNT_KEY, count_rows)
    month_rows = []
    for key, values in sorted(deltas.monthly.items()):
        changed = {name: value for name, value in values.items() if value}
        if changed:
            month_rows.append({**dict(zip(MONTH_KEY, key, strict=True)),
                               **{name: changed.get(name, 0) for name in MONTH_FIELDS}})
    _upsert(connection, monthly, MONTH_KEY, month_rows)


# --- the flush listener -----------------------------------------------------------------------

_COLUMNS = [Issue.__table__.c[name] for name in ("id", *TRACKED)]
_INFO = "issue_tallies_before"


def _state(obj: Any) -> Any:
    return inspect(obj)


def _changed(issue: Issue) -> dict[str, Any]:
    """The tracked columns this flush writes, with their new values."""
    state: Any = inspect(issue)
    return {name: getattr(issue, name) for name in TRACKED if state.attrs[name].history.has_changes()}


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    session.info.pop(_INFO, None)
    writes = {o.id: found for o in session.dirty
              if isinstance(o, Issue) and o.id is not None and (found := _changed(o))}
    changed = list(writes)
    deleted = [o.id for o in session.deleted if isinstance(o, Issue) and o.id is not None]
    targets = [(type(o), o.id) for o in session.dirty if isinstance(o, Category | Department)
               and _state(o).attrs["target_days"].history.has_changes()]
    areas = [o.id for o in session.deleted if isinstance(o, Area) and o.id is not None]
    if not (changed or deleted or targets or areas or any(isinstance(o, Issue) for o in session.new)):
        return
    old = {}
    if changed or deleted:
        # The rows as committed by anyone before us (locked until we commit): counts move from there.
        query = select(*_COLUMNS).where(Issue.__table__.c.id.in_(changed + deleted)).with_for_update()
        old = {row.id: row for row in session.connection().execute(query)}
    session.info[_INFO] = {"old": old, "writes": writes, "targets": targets, "areas": areas}


def _after_flush(session: Session, _context: Any) -> None:
    before = session.info.pop(_INFO, None)
    if before is None:
        return
    connection = session.connection()
    tz = city_tz()
    targets = load_targets(connection)
    deltas = Deltas()
    for obj in session.new:
        if isinstance(obj, Issue):
            deltas.add(obj, +1, tz, targets)
    for obj in session.dirty:
        if isinstance(obj, Issue) and obj.id in before["old"] and obj.id in before["writes"]:
            old = before["old"][obj.id]
            deltas.add(old, -1, tz, targets)
            # What the row holds now: the committed values, with what this flush wrote (another
            # transaction may have changed columns this session's copy still shows as before).
            deltas.add(SimpleNamespace(**{**old._asdict(), **before["writes"][obj.id]}), +1, tz, targets)
    for obj in session.deleted:
        if isinstance(obj, Issue) and obj.id in before["old"]:
            deltas.add(before["old"][obj.id], -1, tz, targets)
    apply(connection, deltas)
    for kind, key in before["targets"]:  # a new fix target: "fixed within target" of its reports again
        column = "category_id" if kind is Category else "department_id"
        _rebuild_monthly(connection, tz, targets, Issue.__table__.c[column] == key, monthly.c[column] == key)
    for area_id in before["areas"]:  # the database moved its issues outside every area
        _merge_area(connection, area_id)


def _merge_area(connection: Any, area_id: int) -> None:
    rows = connection.execute(select(counts).where(counts.c.area_id == area_id)).mappings().all()
    connection.execute(delete(counts).where(counts.c.area_id == area_id))
    _upsert(connection, counts, COUNT_KEY, [{**row, "area_id": 0} for row in rows])


def install() -> None:
    """Listen to every session's flushes (once per process, whatever the number of apps)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


# --- rebuild ------------------------------------------------------------------------------------

def _rows(connection: Any, *conditions: Any) -> Iterator[Any]:
    result = connection.execute(select(*_COLUMNS).where(*conditions).execution_options(yield_per=5000))
    yield from result


def _totals(rows: Iterable[Any], tz: ZoneInfo, targets: Targets) -> Deltas:
    deltas = Deltas()
    for row in rows:
        deltas.add(row, +1, tz, targets)
    return deltas


def _rebuild_monthly(connection: Any, tz: ZoneInfo, targets: Targets, issue_filter: Any,
                     month_filter: Any) -> None:
    deltas = _totals(_rows(connection, issue_filter), tz, targets)
    deltas.counts.clear()
    connection.execute(delete(monthly).where(month_filter))
    apply(connection, deltas)


def rebuild() -> str:
    """Recompute both tables from the issues (the caller commits)."""
    connection = db.session.connection()
    tz = city_tz()
    deltas = _totals(_rows(connection), tz, load_targets(connection))
    connection.execute(delete(counts))
    connection.execute(delete(monthly))
    apply(connection, deltas)
    return f"issues: {sum(deltas.counts.values())} visible issues in {len(deltas.counts)} counter rows, " \
           f"{len(deltas.monthly)} monthly rows"
