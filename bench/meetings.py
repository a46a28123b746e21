"""Benchmark: meetings — the calendar list, a meeting page, the iCalendar feed, and registering.

Seeds a fresh database (a temporary SQLite file by default, or --database-url for PostgreSQL)
through the migrations with a city's two years of meetings (default 2,000, a third of them with
registration and 100 registrations each), then prints the median and 95th percentile time of
/meetings/, a meeting page, /meetings/calendar.ics, and one registration (service call + commit).

    .venv/bin/python bench/meetings.py
    .venv/bin/python bench/meetings.py --count 500 --requests 30
"""
from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from _harness import bench_app, cleanup, report, timed


def seed(app, count: int) -> list[int]:
    from sqlalchemy import insert

    from participation.core.models import User
    from participation.extensions import db
    from participation.meetings.models import Meeting, Registration, new_code

    with app.app_context():
        users = [User(email=f"bench{i}@example.jp", display_name=f"住民{i}", password_hash="x") for i in range(300)]
        db.session.add_all(users)
        db.session.commit()
        user_ids = [u.id for u in users]
        now = datetime.now(UTC).replace(microsecond=0)
        rows = []
        for n in range(count):
            start = now + timedelta(hours=(n - count // 2) * 9)  # a year back, a year ahead
            rows.append({"title": {"ja": f"説明会{n}", "en": f"Session {n}"}, "description": {"ja": "説明"},
                         "type": ["in_person", "online", "hybrid"][n % 3], "kind": "info_session",
                         "state": "scheduled", "starts_at": start, "ends_at": start + timedelta(hours=2),
                         "address": "市役所", "latitude": 35.6 + n % 50 / 1000, "longitude": 139.7,
                         "venue_notes": {}, "organiser": {}, "accessibility": ["wheelchair"] if n % 2 else [],
                         "registration_enabled": n % 3 == 0, "capacity": 100 if n % 3 == 0 else None,
                         "registered_count": 100 if n % 3 == 0 else 0, "waiting_count": 0, "minutes": {},
                         "comments_count": 0, "created_at": now, "updated_at": now})
        db.session.execute(insert(Meeting), rows)
        ids = list(db.session.scalars(db.select(Meeting.id).order_by(Meeting.id)))
        regs = [{"meeting_id": mid, "user_id": user_ids[k], "status": "registered", "code": new_code(),
                 "answers": {}, "created_at": now, "queued_at": now}
                for mid in ids[::3] for k in range(100)]
        for i in range(0, len(regs), 5000):
            db.session.execute(insert(Registration), regs[i:i + 5000])
        db.session.commit()
        upcoming = db.session.scalar(db.select(Meeting.id).where(Meeting.starts_at > now + timedelta(days=3))
                                     .order_by(Meeting.id))
        return [upcoming, user_ids[-1]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    app, tmp, url = bench_app("bench-meetings-", args.database_url)
    try:
        meeting_id, _user = seed(app, args.count)
        client = app.test_client()
        print(f"{args.count} meetings, {len(range(0, args.count, 3)) * 100} registrations on {url.split(':')[0]}")
        report("GET /meetings/", timed(lambda: client.get("/meetings/"), args.requests))
        report("GET /meetings/?accessibility=wheelchair", timed(
            lambda: client.get("/meetings/?accessibility=wheelchair"), args.requests))
        report(f"GET /meetings/{meeting_id}", timed(lambda: client.get(f"/meetings/{meeting_id}"), args.requests))
        report("GET /meetings/calendar.ics", timed(lambda: client.get("/meetings/calendar.ics"), args.requests))
        report("register (service + commit)", timed(_registering(app, args.requests + 1), args.requests))
    finally:
        cleanup(app, tmp)


def _registering(app, n: int):
    """One new resident registers for an upcoming meeting with free places, per call."""
    from participation.core.models import User
    from participation.extensions import db
    from participation.meetings import registrations
    from participation.meetings.models import Meeting

    with app.app_context():
        start = datetime.now(UTC) + timedelta(days=5)
        meeting = Meeting(title={"ja": "計測"}, type="in_person", kind="workshop", starts_at=start,
                          ends_at=start + timedelta(hours=1), address="市役所", registration_enabled=True,
                          capacity=n // 2, registered_count=0, waiting_count=0)
        users = [User(email=f"reg{i}@example.jp", display_name="住民", password_hash="x") for i in range(n)]
        db.session.add_all([meeting, *users])
        db.session.commit()
        meeting_id, user_ids = meeting.id, [u.id for u in users]
    pending = iter(user_ids)

    def register() -> None:
        with app.test_request_context("/"):
            registrations.register(db.session.get(User, next(pending)), db.session.get(Meeting, meeting_id))
            db.session.commit()

    return register


if __name__ == "__main__":
    main()
