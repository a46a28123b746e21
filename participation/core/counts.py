"""Row counts kept in the same transaction as the rows: totals without counting a table per request.

A feature registers a `RowCount` in its init_app (`register_row_count`): which model's rows it counts,
the columns it reads and the key each row counts toward (`key(row) -> int | None`; None: nowhere;
0 for a single total). A flush listener adds key(new) and removes key(old) for every inserted,
changed or deleted row, reading the old values with `SELECT ... FOR UPDATE` (so two transactions
changing one row still count what was really written), and applies the net change with one atomic
`INSERT ... ON CONFLICT DO UPDATE SET n = n + delta` per key into `row_counts(name, key, n)`.
`flask counters rebuild` (signals.rebuild_counters) recomputes every registered count from the rows.
Bulk statements that bypass the ORM's unit of work (`insert(Model)` with a list, `update(Model)`
of a counted column) need a rebuild afterwards.

Registered here: "users" (people's accounts, without the API keys' service accounts).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import Column, Integer, String, Table, delete, event, func, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from . import registry as registries

row_counts = Table(
    "row_counts", db.metadata,
    Column("name", String(40), primary_key=True),
    Column("key", Integer, primary_key=True),
    Column("n", Integer, nullable=False, default=0),
)


@dataclass(frozen=True)
class RowCount:
    name: str
    model: Any
    columns: tuple[str, ...]  # the columns `key` reads (changes to others never move a row)
    key: Callable[[Any], int | None]


def register_row_count(app: Flask, count: RowCount) -> None:
    registries.registry(app).row_counts[count.name] = count


def total(name: str, keys: Any = None) -> int:
    """The rows counted under `name` (for `keys` only, when given: an iterable or a subquery)."""
    query = select(func.coalesce(func.sum(row_counts.c.n), 0)).where(row_counts.c.name == name)
    if keys is not None:
        query = query.where(row_counts.c.key.in_(keys))
    return int(db.session.scalar(query) or 0)


def _registered() -> list[RowCount]:
    if not has_app_context():
        return []
    return list(registries.registry(current_app).row_counts.values())


def _upsert(connection: Any, deltas: Counter) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    insert: Any = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for (name, key), n in sorted(deltas.items()):  # one order everywhere: no deadlock between writers
        if n:
            statement = insert(row_counts).values(name=name, key=key, n=n)
            connection.execute(statement.on_conflict_do_update(
                index_elements=["name", "key"], set_={"n": row_counts.c.n + statement.excluded.n}))


_INFO = "row_counts_before"


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    session.info.pop(_INFO, None)
    found = {}
    for count in _registered():
        def touched(obj: Any, count: RowCount = count) -> bool:
            return isinstance(obj, count.model) and obj.id is not None
        writes = {o.id: found for o in session.dirty if touched(o) and (found := {
            c: getattr(o, c) for c in count.columns if _state(o).attrs[c].history.has_changes()})}
        changed = list(writes)
        deleted = [o.id for o in session.deleted if touched(o)]
        old = {}
        if changed or deleted:
            table = count.model.__table__
            query = select(table.c.id, *(table.c[c] for c in count.columns)).where(
                table.c.id.in_(changed + deleted)).with_for_update()
            old = {row.id: row for row in session.connection().execute(query)}
        if old or any(isinstance(o, count.model) for o in session.new):
            found[count.name] = (old, writes)
    if found:
        session.info[_INFO] = found


def _state(obj: Any) -> Any:
    return inspect(obj)


def _after_flush(session: Session, _context: Any) -> None:
    before = session.info.pop(_INFO, None)
    if not before:
        return
    deltas: Counter = Counter()
    for count in _registered():
        if count.name not in before:
            continue
        old, writes = before[count.name]

        def add(row: Any, sign: int, count: RowCount = count) -> None:
            key = count.key(row)
            if key is not None:
                deltas[(count.name, key)] += sign
        for obj in session.new:
            if isinstance(obj, count.model):
                add(obj, +1)
        for obj in session.deleted:
            if isinstance(obj, count.model) and obj.id in old:
                add(old[obj.id], -1)
        for obj in session.dirty:
            if isinstance(obj, count.model) and obj.id in old and obj.id in writes:
                add(old[obj.id], -1)  # the committed row, then with what this flush wrote
                add(SimpleNamespace(**{**old[obj.id]._asdict(), **writes[obj.id]}), +1)
    _upsert(session.connection(), deltas)


def rebuild(app: Any = None, **_: Any) -> str:
    """Every registered count from the rows (a `signals.rebuild_counters` receiver)."""
    connection = db.session.connection()
    lines = []
    for count in _registered():
        table = count.model.__table__
        deltas: Counter = Counter()
        rows = connection.execute(select(table.c.id, *(table.c[c] for c in count.columns))
                                  .execution_options(yield_per=5000))
        for row in rows:
            key = count.key(row)
            if key is not None:
                deltas[(count.name, key)] += 1
        connection.execute(delete(row_counts).where(row_counts.c.name == count.name))
        _upsert(connection, deltas)
        lines.append(f"{count.name}: {sum(deltas.values())}")
    return "row counts: " + ", ".join(lines)


def init_app(app: Flask) -> None:
    from . import signals
    from .models import User
    from .services import SERVICE_ACCOUNT_DOMAIN

    register_row_count(app, RowCount("users", User, ("email",),
                                     lambda row: None if row.email.endswith(SERVICE_ACCOUNT_DOMAIN) else 0))
    signals.rebuild_counters.connect(rebuild, sender=app, weak=False)
    if not event.contains(Session, "before_flush", _before_flush):  # once per process, for every app
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
