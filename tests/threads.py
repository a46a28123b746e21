"""Concurrency helpers for the tests that commit from several threads."""
from __future__ import annotations

import threading
from collections.abc import Callable

from participation.extensions import db


def run_at_once(app, jobs: list[Callable[[], object]]) -> list[BaseException]:
    """Start every job at once (a barrier), each in its own thread, session and transaction; the
    exceptions they raised (their transactions rolled back)."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job):
        with app.app_context():
            try:
                barrier.wait()
                job()
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - returned to the test
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
