"""Benchmark: proposal pages with 100,000 proposals in one process.

Seeds a fresh database (a temporary SQLite file by default, or --database-url for PostgreSQL)
through the migrations, then times the list, search and detail pages in-process and prints the
median and 95th percentile server time in milliseconds.

    .venv/bin/python bench/proposals.py            # 100,000 proposals, SQLite
    .venv/bin/python bench/proposals.py --count 20000 --requests 30
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

from _harness import bench_app, cleanup, report, timed

WORDS = ["駅前", "公園", "駐輪場", "ベンチ", "木陰", "図書館", "バス停", "歩道", "街灯", "子ども",
         "広場", "自転車", "トイレ", "花壇", "防災", "Wi-Fi", "マルシェ", "スロープ", "遊具", "噴水"]


def seed(app, count: int) -> tuple[str, int]:
    from sqlalchemy import insert

    from participation.core.models import User
    from participation.extensions import db
    from participation.processes.models import Phase, Process
    from participation.proposals.models import Proposal, ProposalVersion

    rng = random.Random(42)
    with app.app_context():
        today = date.today()
        process = Process(slug="bench", title={"ja": "ベンチマーク", "en": "Benchmark"}, subtitle={},
                          description={}, start_date=today - timedelta(days=60),
                          end_date=today + timedelta(days=60), status="published")
        process.phases.append(Phase(title={"ja": "提案"}, start_date=process.start_date,
                                    end_date=process.end_date, allow_proposals=True,
                                    allow_supports=True, allow_comments=True))
        db.session.add(process)
        users = [User(email=f"bench{i}@example.jp", display_name=f"住民{i}", password_hash="x")
                 for i in range(200)]
        db.session.add_all(users)
        db.session.commit()
        user_ids = [u.id for u in users]
        now = datetime.now(UTC)
        batch = []
        for i in range(count):
            words = rng.sample(WORDS, 3)
            title = f"{words[0]}に{words[1]}を（{i}）"
            body = f"{words[0]}の{words[1]}について。{words[2]}も含めて検討してください。" * 3
            located = rng.random() < 0.4
            batch.append({
                "process_id": process.id, "author_id": rng.choice(user_ids), "title": title,
                "body": body, "language": "ja", "state": rng.choice(
                    ["published"] * 6 + ["evaluating", "accepted", "rejected", "withdrawn"]),
                "supports_count": rng.randint(0, 300), "comments_count": rng.randint(0, 40),
                "random_key": rng.randrange(2**31),
                "latitude": 35.65 + rng.random() * 0.02 if located else None,
                "longitude": 139.69 + rng.random() * 0.02 if located else None,
                "created_at": now - timedelta(minutes=i),
            })
            if len(batch) == 5000:
                db.session.execute(insert(Proposal), batch)
                batch = []
        if batch:
            db.session.execute(insert(Proposal), batch)
        db.session.commit()
        first = db.session.scalar(db.select(Proposal.id).order_by(Proposal.id))
        db.session.execute(insert(ProposalVersion), [
            {"proposal_id": first, "number": 1, "title": "t", "body": "b", "created_at": now}])
        # Bulk inserts skip the mapper events: fill the counters and the search index as
        # `flask counters rebuild` does (keeping the seeded supports_count values).
        from participation.proposals import counters, search

        counters.rebuild(per_proposal=False)
        search.reindex()
        db.session.commit()
        return process.slug, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    app, tmp, url = bench_app("bench-proposals-", args.database_url)
    started = time.perf_counter()
    slug, first_id = seed(app, args.count)
    print(f"seeded {args.count:,} proposals in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")

    client = app.test_client()

    def page(path: str):
        def fetch():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return fetch

    base = f"/processes/{slug}/proposals/"
    for name, path in [
        ("list (random order, page 1)", base),
        ("list (random order, page 200)", base + "?page=200"),
        ("list (most supported)", base + "?sort=most_supported"),
        ("list (newest, not answered)", base + "?sort=newest&state=not_answered"),
        ("search 駐輪場 (newest)", base + "?q=駐輪場&sort=newest"),
        ("search 公園 ベンチ (2 terms)", base + "?q=公園+ベンチ&sort=newest"),
        ("detail page", f"/proposals/{first_id}"),
        ("GeoJSON bbox", f"/processes/{slug}/proposals.geojson?bbox=139.69,35.65,139.70,35.66"),
    ]:
        report(name, timed(page(path), args.requests))
    cleanup(app, tmp)


if __name__ == "__main__":
    main()
