"""Benchmark: proposal pages with 100,000 proposals in one process.

Seeds a fresh database (a temporary SQLite file by default, or --database-url for PostgreSQL)
through the migrations, then times the list, search and detail pages in-process and prints the
median and 95th percentile server time in milliseconds.

    .venv/bin/python bench/proposals.py            # 100,000 proposals, SQLite
    .venv/bin/python bench/proposals.py --count 20000 --requests 30
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
        now = datetime.now(timezone.utc)
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
        db.session.commit()
        return process.slug, first


def timed(client, path: str, n: int) -> list[float]:
    client.get(path)  # warm up caches and templates
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    print(f"{name:<34} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   (n={len(samples)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from participation import create_app
    from participation.config import Config

    tmp = tempfile.mkdtemp(prefix="bench-proposals-")
    os.environ["PARTICIPATION_INSTANCE_PATH"] = tmp
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app(type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}))
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    slug, first_id = seed(app, args.count)
    print(f"seeded {args.count:,} proposals in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")

    client = app.test_client()
    base = f"/processes/{slug}/proposals/"
    report("list (random order, page 1)", timed(client, base, args.requests))
    report("list (random order, page 200)", timed(client, base + "?page=200", args.requests))
    report("list (most supported)", timed(client, base + "?sort=most_supported", args.requests))
    report("list (newest, not answered)", timed(client, base + "?sort=newest&state=not_answered", args.requests))
    report("search 駐輪場 (newest)", timed(client, base + "?q=駐輪場&sort=newest", args.requests))
    report("search 公園 ベンチ (2 terms)", timed(client, base + "?q=公園+ベンチ&sort=newest", args.requests))
    report("detail page", timed(client, f"/proposals/{first_id}", args.requests))
    report("GeoJSON bbox", timed(client, f"/processes/{slug}/proposals.geojson?bbox=139.69,35.65,139.70,35.66", args.requests))
    with app.app_context():
        from participation.extensions import db

        db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
