"""Benchmark: the JSON API, Open311 and the open data build on a large table of street issues.

Seeds reports like bench/issues.py (spread over two years), then prints the median and 95th
percentile time of the first and a deep page of /api/v1/issues (keyset), the default Open311
request list (the last 90 days, at most 1,000) in JSON and XML, and the time of one open data build
(the daily job; every download afterwards is a file).

    .venv/bin/python bench/api.py --count 200000
"""
from __future__ import annotations

import argparse
import time

from _harness import bench_app, cleanup, report, timed
from issues import seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    app, tmp, url = bench_app("bench-api-", args.database_url)
    started = time.perf_counter()
    seed(app, args.count)
    print(f"seeded {args.count:,} issues in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    client = app.test_client()
    deep = client.get("/api/v1/issues?limit=1").get_json()["items"][0]["id"] // 2

    def fetch(path: str):
        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            response.get_data()
        return run

    report("/api/v1/issues (first page of 50)", timed(fetch("/api/v1/issues"), args.requests))
    report("/api/v1/issues (page deep in the table)", timed(fetch(f"/api/v1/issues?after={deep}"), args.requests))
    report("/api/v1/issues?group=open&limit=100", timed(fetch("/api/v1/issues?group=open&limit=100"), args.requests))
    report("/open311/v2/requests.json (90 days)", timed(fetch("/open311/v2/requests.json"), args.requests))
    report("/open311/v2/requests.xml (90 days)", timed(fetch("/open311/v2/requests.xml"), args.requests))
    started = time.perf_counter()
    with app.app_context():
        from participation.api.opendata import build

        build(app, "http://localhost")
    print(f"open data build (daily job): {time.perf_counter() - started:.1f} s")
    report("/opendata/issues.csv (built file)", timed(fetch("/opendata/issues.csv"), 5))
    cleanup(app, tmp)


if __name__ == "__main__":
    main()
