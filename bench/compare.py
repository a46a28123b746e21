"""Benchmark that compares: the app's pages against a bare Flask + raw-SQL baseline, at growing sizes.

One database grows through three sizes (1k -> 10k -> 100k proposals together with 10k -> 100k -> 1M
issues); at each size every page is timed in-process (test client, server time only), interleaved
request by request with the baseline (`baseline.py`, same database file) where one exists, and the
median, p95 and app/baseline ratio are printed; then each page's growth across the sizes
(largest median / smallest). The moderation queue (300 cases) also prints its query count.

    .venv/bin/python bench/compare.py --quick          # 1k/3k/10k proposals, 3k/10k/30k issues: minutes
    .venv/bin/python bench/compare.py                  # 1k/10k/100k and 10k/100k/1M
    .venv/bin/python bench/compare.py --postgresql     # the same on a throwaway PostgreSQL server (tests/pg.py)
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from _harness import bench_app, cleanup
from _seed import LAT0, LON0, SLUG, SPAN_LAT, SPAN_LON, World

SIZES = {"full": ([1_000, 10_000, 100_000], [10_000, 100_000, 1_000_000]),
         "quick": ([1_000, 3_000, 10_000], [3_000, 10_000, 30_000])}


def postgres_url() -> tuple[str, object]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.pg import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL binaries (initdb, pg_ctl) not found")
    server = PostgresServer(bindir).start()
    return server.create_database("bench"), server


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Page:
    """One page of the run: how to fetch it from the app (and from the baseline, when it has one)."""

    def __init__(self, name: str, app_fetch: Callable[[], object], base_fetch: Callable[[], object] | None = None,
                 relative_to: str | None = None):
        self.name, self.app_fetch, self.base_fetch, self.relative_to = name, app_fetch, base_fetch, relative_to
        self.app: list[float] = []
        self.base: list[float] = []


def _time(fetch: Callable[[], object]) -> float:
    start = time.perf_counter()
    fetch()
    return (time.perf_counter() - start) * 1000


def ok(client, path: str, expect: int = 200) -> Callable[[], object]:
    def fetch():
        response = client.get(path)
        assert response.status_code == expect, (path, response.status_code)
        response.get_data()
    return fetch


def pages_for(app, baseline, world: World, rng: random.Random, comments: int, cases: int) -> list[Page]:
    anonymous, signed_in, moderator = app.test_client(), app.test_client(), app.test_client()
    base = baseline.test_client()
    with app.app_context():
        from participation.core.models import User
        from participation.extensions import db

        for client, user_id in ((signed_in, world.resident_id), (moderator, world.moderator_id)):
            token = db.session.get(User, user_id).session_token
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = token, True

    def viewport() -> str:
        lat = LAT0 + rng.random() * (SPAN_LAT - 0.004)
        lon = LON0 + rng.random() * (SPAN_LON - 0.006)
        return f"{lon:.5f},{lat:.5f},{lon + 0.006:.5f},{lat + 0.004:.5f}"  # a phone screen at zoom 16

    def random_path(prefix: str, first: int, count: int) -> Callable[[], object]:
        return lambda: ok(anonymous, f"{prefix}{first + rng.randrange(count)}")()

    def geojson(client) -> Callable[[], object]:
        return lambda: ok(client, f"/issues.geojson?bbox={viewport()}")()

    listing = f"/processes/{SLUG}/proposals/"
    return [
        Page("home /", ok(anonymous, "/")),
        Page("proposal list (random, page 1)", ok(anonymous, listing), ok(base, listing)),
        Page("search 公園 (2 characters)", ok(anonymous, listing + "?q=公園"),
             relative_to="proposal list (random, page 1)"),
        Page("search 駐輪場 (3 characters)", ok(anonymous, listing + "?q=駐輪場"),
             relative_to="proposal list (random, page 1)"),
        Page("search 公園 駅前 (two 2-char terms)", ok(anonymous, listing + "?q=公園+駅前"),
             relative_to="proposal list (random, page 1)"),
        Page("proposal page", random_path("/proposals/", world.first_proposal, world.proposals // 2)),
        Page(f"proposal, {comments:,} comments, signed in", ok(signed_in, f"/proposals/{world.discussed_proposal}")),
        Page("/issues/", ok(anonymous, "/issues/")),
        Page("issues.geojson zoom 16", geojson(anonymous), geojson(base)),
        Page("issue page", random_path("/issues/", world.first_issue, world.issues)),
        Page("/issues/stats", ok(anonymous, "/issues/stats")),
        Page(f"moderation queue ({cases} cases)", ok(moderator, "/moderation/")),
    ]


def check_same_data(app, baseline, rng: random.Random) -> str:
    """The baseline answers the same question: same GeoJSON features, same number of list items."""
    import json
    import re

    client, base = app.test_client(), baseline.test_client()
    mismatches = 0
    features = 0
    for _ in range(10):
        lat = LAT0 + rng.random() * (SPAN_LAT - 0.004)
        lon = LON0 + rng.random() * (SPAN_LON - 0.006)
        path = f"/issues.geojson?bbox={lon:.5f},{lat:.5f},{lon + 0.006:.5f},{lat + 0.004:.5f}"
        ours = sorted(f["properties"]["id"] for f in json.loads(client.get(path).data)["features"])
        theirs = sorted(f["properties"]["id"] for f in json.loads(base.get(path).data)["features"])
        mismatches += ours != theirs
        features += len(ours)
    listing = f"/processes/{SLUG}/proposals/"
    cards = [len(re.findall(rb'class="card proposal-card"', c.get(listing).data)) for c in (client, base)]
    sizes = [len(c.get(listing).data) for c in (client, base)]
    return (f"same data: GeoJSON {10 - mismatches}/10 viewports identical ({features / 10:.0f} features each); "
            f"list cards app {cards[0]} / baseline {cards[1]}; list HTML {sizes[0]:,} / {sizes[1]:,} bytes")


def count_queries(app, client_fetch: Callable[[], object]) -> int:
    from sqlalchemy import event

    from participation.extensions import db

    count = 0

    def counter(*_args, **_kwargs):
        nonlocal count
        count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        client_fetch()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count


def measure(pages: list[Page], requests: int) -> None:
    """`requests` samples of each page (a page slower than a second: a sixth of them, at least 3)."""
    wanted = {}
    for page in pages:  # warm-up: templates compiled, caches filled
        wanted[page.name] = requests if _time(page.app_fetch) < 1000 else max(3, requests // 6)
        if page.base_fetch:
            page.base_fetch()
    for round_ in range(requests):  # interleaved: app, baseline, next page...
        for page in pages:
            if round_ < wanted[page.name]:
                page.app.append(_time(page.app_fetch))
            if page.base_fetch:
                page.base.append(_time(page.base_fetch))


def print_size(label: str, pages: list[Page], queue_queries: int) -> dict[str, float]:
    print(f"\n== {label} (load average {os.getloadavg()[0]:.1f})")
    print(f"{'page':<40}{'app median':>11}{'p95':>9}{'baseline':>10}{'p95':>9}{'ratio':>7}")
    medians = {p.name: statistics.median(p.app) for p in pages}
    for page in pages:
        line = f"{page.name:<40}{medians[page.name]:>9.1f}ms{percentile(page.app, 0.95):>7.1f}ms"
        if page.base:
            base = statistics.median(page.base)
            line += f"{base:>8.1f}ms{percentile(page.base, 0.95):>7.1f}ms{medians[page.name] / base:>6.1f}x"
        elif page.relative_to:
            line += f"{'':>26}{medians[page.name] / medians[page.relative_to]:>6.1f}x of the list"
        if page.name.startswith("moderation queue"):
            line += f"   {queue_queries} queries"
        print(line)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--quick", action="store_true", help="small sizes, fewer requests (a few minutes)")
    parser.add_argument("--postgresql", action="store_true", help="a throwaway PostgreSQL server instead of SQLite")
    parser.add_argument("--requests", type=int, default=None, help="requests per page and size")
    parser.add_argument("--proposals", help="comma-separated sizes instead of the defaults, e.g. 1000,2000,4000")
    parser.add_argument("--issues", help="comma-separated sizes, as many as --proposals")
    parser.add_argument("--keep", action="store_true",
                        help="keep the SQLite database of the largest size (for load.py --database-url)")
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    proposal_sizes, issue_sizes = SIZES["quick" if args.quick else "full"]
    if args.proposals and args.issues:
        proposal_sizes = [int(v) for v in args.proposals.split(",")]
        issue_sizes = [int(v) for v in args.issues.split(",")]
    requests = args.requests or (15 if args.quick else 20)

    server = None
    database_url = None
    if args.postgresql:
        database_url, server = postgres_url()
    app, tmp, url = bench_app("bench-compare-", database_url)
    from _seed import grow_issues, grow_proposals, rebuild_counters, seed_base, seed_cases, seed_comments
    from baseline import create_app as create_baseline

    from participation.extensions import db

    print(f"database: {url.split(':')[0]}; {requests} requests per page and size; cpus {os.cpu_count()}")
    rng = random.Random(42)
    world = seed_base(app)
    baseline = create_baseline(url)
    growth: dict[str, list[float]] = {}
    labels = []
    for step, (n_proposals, n_issues) in enumerate(zip(proposal_sizes, issue_sizes, strict=True)):
        started = time.perf_counter()
        grow_proposals(app, world, n_proposals, rng)
        grow_issues(app, world, n_issues, rng)
        if step == 0:
            seed_comments(app, world, args.comments, rng)
            seed_cases(app, world, args.cases)
        inserted = time.perf_counter()
        rebuild_counters(app)
        with app.app_context(), db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        label = f"{n_proposals:,} proposals, {n_issues:,} issues"
        print(f"\nseeded {label}: rows in {inserted - started:.0f} s, counters rebuilt and ANALYZE in "
              f"{time.perf_counter() - inserted:.0f} s")
        print(check_same_data(app, baseline, random.Random(step)))
        pages = pages_for(app, baseline, world, random.Random(step), args.comments, args.cases)
        queue = next(p for p in pages if p.name.startswith("moderation queue"))
        queue_queries = count_queries(app, queue.app_fetch)
        measure(pages, requests)
        labels.append(label)
        for name, median in print_size(label, pages, queue_queries).items():
            growth.setdefault(name, []).append(median)
        for page in pages:
            if page.base:
                growth.setdefault(f"  baseline: {page.name}", []).append(statistics.median(page.base))

    print(f"\n== growth across sizes (median at each size; max/min) (load average {os.getloadavg()[0]:.1f})")
    for name, medians in growth.items():
        cells = " / ".join(f"{m:.1f}" for m in medians)
        print(f"{name:<42}{cells:>28} ms   {max(medians) / min(medians):.2f}x")
    if args.keep and server is None:
        print(f"\nkept: {url}")
    else:
        cleanup(app, tmp)
    if server is not None:
        server.stop()


if __name__ == "__main__":
    main()
