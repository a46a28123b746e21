"""What the benchmarks share: a fresh database through the migrations, timing and reporting."""
from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench_app(prefix: str, database_url: str | None):
    """(app, temporary folder, database URL): the app on a new database built by `flask db upgrade`."""
    from flask_migrate import upgrade

    from participation import create_app
    from participation.config import Config

    tmp = tempfile.mkdtemp(prefix=prefix)
    os.environ["PARTICIPATION_INSTANCE_PATH"] = tmp
    url = database_url or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app(type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}))
    with app.app_context():
        upgrade()
    return app, tmp, url


def cleanup(app, tmp: str) -> None:
    from participation.extensions import db

    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


def timed(fn: Callable[[], object], n: int) -> list[float]:
    """Milliseconds for n calls of fn, after one warm-up call."""
    fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    print(f"{name:<40} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   (n={len(samples)})")
