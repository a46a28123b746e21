"""Load test: locust (headless, bounded) against gunicorn with 2 workers, next to the bare baseline.

Seeds one database (SQLite file, or a throwaway PostgreSQL server with --postgresql), serves it with
`gunicorn -w 2 "participation:create_app()"` on 127.0.0.1, warms every main page up, then runs
locust for at most --seconds (<= 60) with --users simulated residents (no think time):
1. the eight main pages equally often: requests/s and p50/p95/p99 per page;
2. the proposal list and issues.geojson only, on the app and then on the baseline (`baseline.py`
   under gunicorn with 2 workers, same database): requests/s side by side;
and prints each gunicorn worker's memory (RSS and PSS) after the run.

    .venv/bin/python bench/load.py --quick              # 10k proposals, 30k issues, 20 s runs
    .venv/bin/python bench/load.py                      # 100k proposals, 1M issues, 30 s runs
    .venv/bin/python bench/load.py --postgresql
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from _harness import bench_app, cleanup
from _seed import SLUG

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = ["home", "proposal list", "search", "proposal page", "/issues/", "issues.geojson", "issue page",
         "/issues/stats"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def gunicorn(app_spec: str, env: dict[str, str], port: int, chdir: Path | None = None) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    if chdir:
        command += ["--chdir", str(chdir)]
    return subprocess.Popen([*command, app_spec], env=env)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def worker_memory(master: subprocess.Popen) -> list[tuple[float, float]]:
    """(RSS, PSS) in MB of each worker of a gunicorn master."""
    import psutil

    figures = []
    for child in psutil.Process(master.pid).children():
        rss = child.memory_info().rss / 2**20
        pss = 0.0
        try:
            with open(f"/proc/{child.pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss = int(line.split()[1]) / 1024
        except OSError:
            pass
        figures.append((rss, pss))
    return figures


def run_locust(host: str, user_class: str, users: int, seconds: int, env: dict[str, str], prefix: str) -> dict:
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), user_class, "--headless",
                    "-u", str(users), "-r", str(users), "--run-time", f"{seconds}s", "--host", host,
                    "--csv", prefix, "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "5"],
                   env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(f"{prefix}_failures.csv", newline="") as fh:
        for failure in csv.DictReader(fh):
            print(f"  failures ({user_class}): {failure['Occurrences']} x {failure['Name']}: {failure['Error'][:200]}")
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            rows[row["Name"]] = row
    return rows


def warm_up(base: str, paths: list[str], rounds: int = 6) -> None:
    for _ in range(rounds):  # both workers see every page
        for path in paths:
            try:
                quoted = urllib.parse.quote(path, safe="/?=&,.+")
                with urllib.request.urlopen(base + quoted, timeout=60) as response:
                    response.read()
            except OSError as exc:
                print(f"warm-up {path}: {exc}")


def fmt(row: dict | None) -> str:
    if not row:
        return "-"
    failures = int(row["Failure Count"])
    return (f"{float(row['Requests/s']):>8.1f}/s {row['50%']:>6} {row['95%']:>6} {row['99%']:>6} ms"
            + (f"  ({failures} failed)" if failures else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--quick", action="store_true", help="10k proposals, 30k issues, 20 s runs")
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--database-url", help="an already seeded database (compare.py --keep) instead of seeding")
    parser.add_argument("--proposals", type=int, default=None)
    parser.add_argument("--issues", type=int, default=None)
    parser.add_argument("--users", type=int, default=8, help="simulated users (bounded: at most 50)")
    parser.add_argument("--seconds", type=int, default=None, help="length of each locust run (at most 60)")
    parser.add_argument("--accept-encoding", default="gzip, deflate, br",
                        help="what the simulated browsers accept ('identity': no compression)")
    args = parser.parse_args()
    users = max(1, min(args.users, 50))
    seconds = max(5, min(args.seconds or (20 if args.quick else 30), 60))
    n_proposals = args.proposals or (10_000 if args.quick else 100_000)
    n_issues = args.issues or (30_000 if args.quick else 1_000_000)

    server = None
    database_url = args.database_url
    if args.postgresql and not database_url:
        from compare import postgres_url

        database_url, server = postgres_url()
    app, tmp, url = bench_app("bench-load-", database_url)
    from _seed import grow_issues, grow_proposals, rebuild_counters, seed_base, world_of

    from participation.extensions import db

    started = time.perf_counter()
    if args.database_url:
        world = world_of(app)
        n_proposals, n_issues = world.proposals, world.issues
    else:
        rng = random.Random(42)
        world = seed_base(app)
        grow_proposals(app, world, n_proposals, rng)
        grow_issues(app, world, n_issues, rng)
        rebuild_counters(app)
        with app.app_context(), db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    with app.app_context():
        db.engine.dispose()
    print(f"{n_proposals:,} proposals and {n_issues:,} issues ready in {time.perf_counter() - started:.0f} s "
          f"({url.split(':')[0]}); locust: {users} users, {seconds} s per run, Accept-Encoding: {args.accept_encoding}")

    env = dict(os.environ, DATABASE_URL=url, BASELINE_DATABASE_URL=url, SECRET_KEY="bench",
               PARTICIPATION_INSTANCE_PATH=tmp, RATELIMIT_ENABLED="0", PYTHONPATH=str(ROOT),
               BENCH_SLUG=SLUG, BENCH_PROPOSALS=f"{world.first_proposal}:{n_proposals // 2}",
               BENCH_ISSUES=f"{world.first_issue}:{n_issues}", BENCH_ACCEPT_ENCODING=args.accept_encoding)
    out = tempfile.mkdtemp(prefix="bench-locust-")
    listing = f"/processes/{SLUG}/proposals/"
    warm = ["/", listing, listing + "?q=公園", f"/proposals/{world.first_proposal}", "/issues/",
            "/issues.geojson?bbox=139.70000,35.60000,139.70600,35.60400", f"/issues/{world.first_issue}",
            "/issues/stats", "/processes/", f"/processes/{SLUG}/", "/meetings/", "/auth/login", "/healthz"]

    port = free_port()
    app_server = gunicorn("participation:create_app()", env, port)
    try:
        host = f"http://127.0.0.1:{port}"
        wait_for(host + "/healthz")
        warm_up(host, warm)
        memory_warm = worker_memory(app_server)
        load = os.getloadavg()[0]
        pages = run_locust(host, "Resident", users, seconds, env, f"{out}/app-pages")
        pair_app = run_locust(host, "ListAndMap", users, seconds, env, f"{out}/app-pair")
        memory_after = worker_memory(app_server)
    finally:
        stop(app_server)
    port = free_port()
    base_server = gunicorn("baseline:create_app()", env, port, chdir=ROOT / "bench")
    try:
        host = f"http://127.0.0.1:{port}"
        wait_for(host + listing)
        warm_up(host, [listing, warm[5]])
        pair_base = run_locust(host, "ListAndMap", users, seconds, env, f"{out}/base-pair")
        memory_base = worker_memory(base_server)
    finally:
        stop(base_server)

    print(f"\n== gunicorn, 2 workers, {url.split(':')[0]}: the eight main pages, equally often "
          f"(load average {load:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print(f"{'page':<20}{'requests/s':>12}{'p50':>7}{'p95':>7}{'p99':>7}")
    for name in [*PAGES, "Aggregated"]:
        print(f"{name:<20}{fmt(pages.get(name))}")
    print("\n== proposal list + issues.geojson only: app vs bare baseline (gunicorn, 2 workers each)")
    for name in ["proposal list", "issues.geojson", "Aggregated"]:
        a, b = pair_app.get(name), pair_base.get(name)
        share = (f"{100 * float(a['Requests/s']) / float(b['Requests/s']):.0f}% of the baseline"
                 if a and b and float(b["Requests/s"]) else "")
        print(f"{name:<16} app {fmt(a)}   baseline {fmt(b)}   {share}")
    print("\n== worker memory, MB (RSS / PSS)")
    for label, figures in (("app after warm-up", memory_warm), ("app after the runs", memory_after),
                           ("baseline after its run", memory_base)):
        print(f"{label:<24}" + "   ".join(f"{rss:.0f} / {pss:.0f}" for rss, pss in figures))
    shutil.rmtree(out, ignore_errors=True)
    cleanup(app, tmp)  # the instance folder of this run (a --database-url file lives elsewhere)
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
