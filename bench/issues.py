"""Benchmark: street issues with 1,000,000 reports.

The reports are spread over a 30 km x 30 km city (the size of a large Japanese city) and two
years, as a real million reports would be. Seeds a fresh database (a temporary SQLite file by
default, or --database-url for PostgreSQL) through the migrations, then prints the median and
95th percentile time of the bbox GeoJSON request, the nearby-duplicate query and the issue page.

    .venv/bin/python bench/issues.py
    .venv/bin/python bench/issues.py --count 200000 --requests 50
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from _harness import bench_app, cleanup, report, timed

LAT0, LON0, SPAN_LAT, SPAN_LON = 35.52, 139.55, 0.27, 0.33  # about 30 km x 30 km
STATUSES = ["open"] * 5 + ["investigating", "in_progress", "action_scheduled", "fixed", "fixed",
                           "fixed_by_reporter", "unable_to_fix", "not_responsible", "duplicate"]


def seed(app, count: int) -> int:
    from sqlalchemy import insert

    from participation.core.models import Department, User
    from participation.extensions import db
    from participation.issues.models import Category, Issue

    rng = random.Random(7)
    with app.app_context():
        department = Department(code="roads", name={"ja": "道路課", "en": "Roads"})
        db.session.add(department)
        db.session.flush()
        categories = [Category(code=f"c{i}", name={"ja": f"分類{i}"}, department_id=department.id) for i in range(6)]
        users = [User(email=f"bench{i}@example.jp", display_name=f"住民{i}", password_hash="x") for i in range(100)]
        db.session.add_all(categories + users)
        db.session.commit()
        category_ids, user_ids = [c.id for c in categories], [u.id for u in users]
        now = datetime.now(UTC)
        batch = []
        for n in range(count):
            status = rng.choice(STATUSES)
            created = now - timedelta(seconds=n * 63)  # about two years
            closed = created + timedelta(days=3) if status not in ("open", "investigating", "in_progress",
                                                                   "action_scheduled") else None
            batch.append({
                "category_id": rng.choice(category_ids), "department_id": department.id,
                "reporter_id": rng.choice(user_ids), "title": f"報告{n}", "details": "",
                "latitude": LAT0 + rng.random() * SPAN_LAT, "longitude": LON0 + rng.random() * SPAN_LON,
                "status": status, "created_at": created, "updated_at": created, "closed_at": closed,
                "fixed_at": closed if status.startswith("fixed") else None, "language": "ja",
                "show_name": False, "metoo_count": 0,
            })
            if len(batch) == 20000:
                db.session.execute(insert(Issue), batch)
                batch = []
        if batch:
            db.session.execute(insert(Issue), batch)
        db.session.commit()
        return category_ids[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    app, tmp, url = bench_app("bench-issues-", args.database_url)
    started = time.perf_counter()
    category_id = seed(app, args.count)
    print(f"seeded {args.count:,} issues in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")

    from participation.extensions import db
    from participation.issues import services

    client = app.test_client()
    rng = random.Random(1)

    def bbox_request():
        lat, lon = LAT0 + rng.random() * (SPAN_LAT - 0.004), LON0 + rng.random() * (SPAN_LON - 0.006)
        bbox = f"{lon:.5f},{lat:.5f},{lon + 0.006:.5f},{lat + 0.004:.5f}"  # a phone screen at zoom 16
        assert client.get(f"/issues.geojson?bbox={bbox}").status_code == 200

    def city_request():
        bbox = f"{LON0},{LAT0},{LON0 + SPAN_LON},{LAT0 + SPAN_LAT}"
        assert client.get(f"/issues.geojson?bbox={bbox}").status_code == 200

    def nearby_query():
        services.nearby_open_issues(category_id, LAT0 + rng.random() * SPAN_LAT,
                                    LON0 + rng.random() * SPAN_LON)

    def issue_page():
        assert client.get(f"/issues/{rng.randint(1, args.count)}").status_code == 200

    report("bbox GeoJSON (zoom 16 viewport)", timed(bbox_request, args.requests))
    report("bbox GeoJSON (whole city, 500 newest)", timed(city_request, args.requests))
    with app.app_context():
        report("nearby duplicates (250 m, same category)", timed(nearby_query, args.requests * 5))
        db.session.remove()
    report("issue page", timed(issue_page, args.requests))
    cleanup(app, tmp)


if __name__ == "__main__":
    main()
