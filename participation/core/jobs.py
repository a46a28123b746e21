"""Background jobs on Huey: how a feature defines a task and a periodic task.

The one Huey instance lives in `extensions.huey`; `init_app` gives it the storage `TASK_QUEUE` names:
`sqlite` (instance/huey.sqlite3, the embedded default), `redis` (`REDIS_URL`, several machines) or
`immediate` (unit tests: a task runs as soon as it is enqueued).

A feature writes its tasks in its `jobs.py` with the decorators below (never `huey.task` directly):

    from ..core import jobs

    @jobs.task(retries=5, retry_delay=60)
    def recompute(conversation_id: int) -> None:   # arguments: ids, never ORM objects
        ...                                          # runs in an app context; commit yourself

    @jobs.periodic_task(jobs.crontab(minute="*/10"))
    def refresh_statistics() -> None:
        ...

and enqueues from a service with `jobs.after_commit(recompute, conversation.id)`: the task is
handed to the queue only once the transaction commits (a rolled-back request enqueues nothing, and
the worker always sees the rows). Tasks must be idempotent: they may run again after a failure.
A task whose last retry fails is recorded in `job_failures` and shown on /admin/jobs with a retry
button. The feature's `jobs.py` must be imported by its `init_app` so the consumer knows the tasks.
"""
from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab  # noqa: F401 - crontab re-exported for features
from huey import signals as huey_signals
from sqlalchemy import event

from ..extensions import db, huey

log = logging.getLogger(__name__)
_state: dict[str, Any] = {"app": None}
PENDING_KEY = "participation.pending_jobs"
QUEUE_NAME = "participation"


def init_app(app: Flask) -> None:
    kind = app.config.get("TASK_QUEUE", "sqlite")
    if kind == "immediate":
        huey.immediate = True
    elif kind == "redis":
        url = app.config.get("REDIS_URL") or "redis://localhost:6379/0"
        huey.storage = RedisHuey(QUEUE_NAME, url=url).storage
        huey._immediate = False
    elif kind == "sqlite":
        path = os.path.join(app.instance_path, "huey.sqlite3")
        huey.storage = SqliteHuey(QUEUE_NAME, filename=path).storage
        huey._immediate = False
    else:
        raise RuntimeError(f"TASK_QUEUE must be sqlite, redis or immediate, not {kind!r}")
    _state["app"] = app
    if not _state.get("wired"):
        _state["wired"] = True
        event.listen(_session_class(), "after_commit", _run_pending)
        event.listen(_session_class(), "after_soft_rollback", _drop_pending)
        huey.signal(huey_signals.SIGNAL_ERROR)(_record_failure)
    from . import jobs_cli

    app.cli.add_command(jobs_cli.jobs_cli)


def _session_class() -> Any:
    from flask_sqlalchemy.session import Session

    return Session


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    app = _state["app"]
    if app is None:
        raise RuntimeError("core.jobs.init_app was never called")
    return app


def _in_app(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run the task in an app context of its own, with a session of its own."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _app().app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def task(**options: Any) -> Any:
    """`@jobs.task(retries=3, retry_delay=30)`: a Huey task that runs in an app context."""
    options.setdefault("retries", 3)
    options.setdefault("retry_delay", 30)

    def decorate(func: Callable[..., Any]) -> Any:
        return huey.task(name=func.__name__, **options)(_in_app(func))

    return decorate


def periodic_task(schedule: Callable[..., bool], **options: Any) -> Any:
    """`@jobs.periodic_task(jobs.crontab(minute="0"))`: crontab in UTC; check the city's local time
    inside the task (core.clock) when the hour matters, e.g. digests at 07:00 city time."""

    def decorate(func: Callable[..., Any]) -> Any:
        return huey.periodic_task(schedule, name=func.__name__, **options)(_in_app(func))

    return decorate


def after_commit(job: Any, *args: Any) -> None:
    """Enqueue `job(*args)` once the current transaction commits (nothing if it rolls back)."""
    db.session.info.setdefault(PENDING_KEY, []).append((job, args))


def _run_pending(session: Any) -> None:
    pending = session.info.pop(PENDING_KEY, [])
    for job, args in pending:
        try:
            job(*args)  # huey: enqueue (immediate mode: runs it now, in an app context of its own)
        except Exception:  # noqa: BLE001 - the queue being down must not undo what was committed
            log.exception("could not enqueue %s%r; the periodic sweep will pick it up", job, args)


def _drop_pending(session: Any, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING_KEY, None)


def _record_failure(signal: str, task_obj: Any, exc: BaseException | None = None) -> None:
    """A task that failed for the last time (no retries left) is kept for /admin/jobs."""
    if task_obj.retries:
        return
    from .mail_models import JobFailure

    try:
        args = json.dumps([list(task_obj.args or ()), dict(task_obj.kwargs or {})])
    except TypeError:
        args = None
    with _app().app_context():
        db.session.add(JobFailure(task_name=task_obj.name, task_id=str(task_obj.id), args=args,
                                  error=f"{type(exc).__name__}: {exc}"[:2000]))
        db.session.commit()
        db.session.remove()


def retry_failure(failure_id: int) -> bool:
    """Enqueue a recorded failed task again (with the arguments it had). The caller commits."""
    from . import clock
    from .mail_models import JobFailure

    failure = db.session.get(JobFailure, failure_id)
    if failure is None or failure.retried_at is not None or failure.args is None:
        return False
    job = next((cls for cls in huey._registry._registry.values()  # noqa: SLF001 - by name
                if cls.__name__ == failure.task_name), None)
    if job is None:
        return False
    args, kwargs = json.loads(failure.args)
    failure.retried_at = clock.now()
    db.session.flush()
    after_commit(lambda: huey.enqueue(job(tuple(args), kwargs)))
    return True


def queue_figures() -> dict[str, int]:
    try:
        return {"pending": huey.pending_count(), "scheduled": huey.scheduled_count()}
    except Exception:  # noqa: BLE001 - a queue that cannot be reached is shown as such
        return {"pending": -1, "scheduled": -1}
