"""Benchmark: 200 residents check out their ballots at the same moment (plus double clicks).

Seeds a fresh database (a temporary SQLite file by default, or --database-url for PostgreSQL)
through the migrations; each resident has a filled ballot; N threads call the checkout service at
once (each as its own POST transaction), the first 20 residents twice more (two tabs). Prints the
wall time, checkout latency (median, p95) and whether the counts are exact.

    .venv/bin/python bench/budgets.py                      # 200 residents, SQLite
    .venv/bin/python bench/budgets.py --residents 200 --database-url postgresql+psycopg://...
"""
from __future__ import annotations

import argparse
import threading
import time
from datetime import timedelta

from _harness import bench_app, cleanup, report


def seed(app, residents: int) -> tuple[int, list[int], list[int]]:
    from participation.budgets.models import Ballot, BallotItem, Budget, Project
    from participation.core.models import User
    from participation.extensions import db
    from participation.processes.models import Phase, Process, city_today

    with app.app_context():
        today = city_today()
        process = Process(slug="bench", title={"ja": "予算"}, subtitle={}, description={},
                          start_date=today - timedelta(days=5), end_date=today + timedelta(days=5),
                          status="published")
        process.phases.append(Phase(title={"ja": "投票"}, start_date=process.start_date, end_date=process.end_date,
                                    allow_budget_votes=True))
        budget = Budget(process=process, title={"ja": "東区"}, total=5_000_000, rule="minimum", min_percent=50)
        budget.projects = [Project(title={"ja": f"事業{i}"}, cost=cost)
                           for i, cost in enumerate((2_400_000, 1_800_000, 900_000, 1_200_000))]
        db.session.add_all([process, budget])
        users = [User(email=f"voter{i}@example.jp", display_name=f"住民{i}", password_hash="x")
                 for i in range(residents)]
        db.session.add_all(users)
        db.session.flush()
        ids = [p.id for p in budget.projects]
        for i, user in enumerate(users):
            picks = [ids[0], ids[2]] if i % 2 else [ids[1], ids[3]]
            db.session.add(Ballot(budget_id=budget.id, user_id=user.id,
                                  items=[BallotItem(project_id=p) for p in picks]))
        db.session.commit()
        return budget.id, [u.id for u in users], ids


def run(app, budget_id: int, user_ids: list[int], doubles: int) -> tuple[float, list[float], dict[str, int]]:
    from participation.budgets import services
    from participation.budgets.models import Budget
    from participation.core.errors import ServiceError
    from participation.core.models import User
    from participation.extensions import db

    callers = user_ids + user_ids[:doubles] * 2
    barrier = threading.Barrier(len(callers))
    latencies: list[float] = []
    outcomes = {"ok": 0, "refused": 0, "error": 0}
    lock = threading.Lock()

    def go(user_id: int) -> None:
        with app.test_request_context("/", method="POST"):
            barrier.wait()
            start = time.perf_counter()
            try:
                services.checkout(db.session.get(User, user_id), db.session.get(Budget, budget_id))
                db.session.commit()
                key = "ok"
            except ServiceError:
                db.session.rollback()
                key = "refused"
            except Exception:  # noqa: BLE001 - counted and shown
                db.session.rollback()
                key = "error"
            finally:
                db.session.remove()
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
                outcomes[key] += 1

    threads = [threading.Thread(target=go, args=(uid,)) for uid in callers]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, outcomes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--doubles", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app, tmp, url = bench_app("bench-budgets-", args.database_url)
    try:
        budget_id, user_ids, project_ids = seed(app, args.residents)
        wall, latencies, outcomes = run(app, budget_id, user_ids, args.doubles)
        from participation.budgets.models import Budget, Project
        from participation.extensions import db

        with app.app_context():
            budget = db.session.get(Budget, budget_id)
            votes = sum(db.session.get(Project, p).votes_count for p in project_ids)
            exact = budget.ballots_count == args.residents and votes == 2 * args.residents
        print(f"database: {url.split(':')[0]}; residents {args.residents}, double clicks {2 * args.doubles}")
        print(f"checkouts: {outcomes}; wall time {wall:.2f} s; counts exact: {exact} "
              f"(ballots {budget.ballots_count}, project votes {votes})")
        report("checkout under contention", latencies)
    finally:
        cleanup(app, tmp)


if __name__ == "__main__":
    main()
