"""Benchmark: conversations at city scale.

1. One recompute of the opinion groups (the pure engine, one core) for 1,000 x 100, 10,000 x 1,000
   and 30,000 x 2,000 participants x statements at about 10 % density (synthetic votes with three
   opinion camps). Target: 10,000 x 1,000 within 2 s.
2. The voting page's server time (choosing the next statement by the routing rule and rendering
   it) with 10,000 participants x 1,000 statements in the database, next to a bare Flask + raw-SQL
   page that serves a random unseen statement from the same database file, in the same run.
   Target: 15 ms.

    .venv/bin/python bench/conversations.py                 # everything
    .venv/bin/python bench/conversations.py --skip-page     # the engine only
    .venv/bin/python bench/conversations.py --sizes 1000x100 --page-participants 2000
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import time

import numpy as np
from _harness import bench_app, cleanup, report, timed


def synthetic_votes(participants: int, statements: int, density: float, seed: int = 7):
    """Three camps with their own leanings per statement; each participant sees ~density of them."""
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, 3, participants)
    leaning = rng.uniform(-1, 1, (3, statements))
    seen = rng.random((participants, statements)) < density
    p_idx, s_idx = np.nonzero(seen)
    bias = leaning[camp[p_idx], s_idx]
    roll = rng.random(p_idx.size)
    value = np.where(roll < 0.5 + bias / 2.2, 1, -1)
    value[rng.random(p_idx.size) < 0.1] = 0
    return p_idx.astype(np.int64), s_idx.astype(np.int64), value.astype(np.int8)


def bench_engine(sizes: list[tuple[int, int]], density: float) -> None:
    from participation.conversations import engine

    print(f"recompute (one core, {density:.0%} density)")
    for participants, statements in sizes:
        p, s, v = synthetic_votes(participants, statements, density)
        votes = engine.Votes(p, s, v)
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            result = engine.compute(votes)
            runs.append(time.perf_counter() - start)
        print(f"  {participants:>6,} x {statements:>5,}  {len(v):>9,} votes  median {sorted(runs)[1]:6.2f} s  "
              f"(k = {result.k})")


def seed_page(app, participants: int, statements: int, density: float) -> tuple[str, int]:
    from sqlalchemy import insert

    from participation.conversations.models import Conversation, Participant, Statement, Vote
    from participation.extensions import db
    from participation.processes.models import Phase, Process, city_today

    with app.app_context():
        today = city_today()
        process = Process(slug="bench", title={"ja": "ベンチマーク"}, subtitle={}, description={},
                          start_date=today, end_date=today, status="published")
        process.phases.append(Phase(title={"ja": "全部"}, start_date=today, end_date=today))
        db.session.add(process)
        db.session.flush()
        conversation = Conversation(process_id=process.id, topic={"ja": "ベンチマーク"}, allow_anonymous=True)
        db.session.add(conversation)
        db.session.flush()
        db.session.execute(insert(Statement), [
            {"conversation_id": conversation.id, "text": f"意見{i}", "state": "accepted"}
            for i in range(statements)])
        db.session.execute(insert(Participant), [
            {"conversation_id": conversation.id, "browser_token": f"bench-{i}"} for i in range(participants)])
        first_statement = db.session.scalar(db.select(db.func.min(Statement.id)))
        first_participant = db.session.scalar(db.select(db.func.min(Participant.id)))
        p, s, v = synthetic_votes(participants, statements, density)
        rows = [{"conversation_id": conversation.id, "participant_id": int(a) + first_participant,
                 "statement_id": int(b) + first_statement, "value": int(c)} for a, b, c in zip(p, s, v, strict=True)]
        for start in range(0, len(rows), 50_000):
            db.session.execute(insert(Vote), rows[start:start + 50_000])
        conversation.participants_count, conversation.votes_count = participants, len(rows)
        conversation.statements_count = statements
        db.session.commit()
        from participation.conversations.analysis import recompute

        recompute(db.session.get(Conversation, conversation.id))
        db.session.commit()
        return f"/processes/bench/conversations/{conversation.id}", conversation.id


def bare_app(path: str, conversation_id: int):
    """A bare Flask page: pick a random statement the browser has not voted on, with raw SQL."""
    from flask import Flask, render_template_string

    bare = Flask("bare")
    rng = random.Random(1)

    @bare.get("/next/<int:participant>")
    def next_statement(participant: int):
        db = sqlite3.connect(path)
        try:
            rows = db.execute("SELECT id, text FROM conversation_statements WHERE conversation_id = ? "
                              "AND state = 'accepted' AND hidden_at IS NULL AND id NOT IN "
                              "(SELECT statement_id FROM conversation_votes WHERE participant_id = ?)",
                              (conversation_id, participant)).fetchall()
        finally:
            db.close()
        chosen = rng.choice(rows) if rows else (0, "")
        return render_template_string("<html><body><p>{{ t }}</p></body></html>", t=chosen[1])

    return bare


def bench_page(participants: int, statements: int, density: float, requests: int) -> None:
    app, tmp, url = bench_app("bench-conversations-", None)
    try:
        start = time.perf_counter()
        page, conversation_id = seed_page(app, participants, statements, density)
        print(f"seeded {participants:,} participants x {statements:,} statements in "
              f"{time.perf_counter() - start:.0f} s (SQLite)")
        client = app.test_client()
        with client.session_transaction() as session:
            session["conversation_browser"] = "bench-17"  # a participant with ~10 % of the votes
        report("voting page (routing + render)", timed(lambda: client.get(page), requests))
        report("opinion map page", timed(lambda: client.get(page + "/map"), requests))
        bare = bare_app(url.removeprefix("sqlite:///"), conversation_id).test_client()
        with app.app_context():
            from sqlalchemy import select

            from participation.conversations.models import Participant
            from participation.extensions import db

            pid = db.session.scalar(select(Participant.id).where(Participant.browser_token == "bench-17"))
        report("bare Flask + raw SQL: next statement", timed(lambda: bare.get(f"/next/{pid}"), requests))
    finally:
        cleanup(app, tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000x100,10000x1000,30000x2000")
    parser.add_argument("--density", type=float, default=0.1)
    parser.add_argument("--page-participants", type=int, default=10_000)
    parser.add_argument("--page-statements", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--skip-page", action="store_true")
    parser.add_argument("--skip-engine", action="store_true")
    args = parser.parse_args()
    if not args.skip_engine:
        bench_engine([tuple(int(x) for x in size.split("x")) for size in args.sizes.split(",")],  # type: ignore[misc]
                     args.density)
    if not args.skip_page:
        bench_page(args.page_participants, args.page_statements, args.density, args.requests)


if __name__ == "__main__":
    main()
