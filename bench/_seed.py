"""Seeding at city scale for the comparing benchmarks (`compare.py`, `load.py`).

Rows go in with the driver's executemany in one transaction per table and step (values converted by
each column's own SQLAlchemy type, so they are stored exactly as the app stores them); then
`flask counters rebuild` brings counters and aggregates in line, as an operator would after an import.
The database grows step by step: 1k -> 10k -> 100k proposals while issues go 10k -> 100k -> 1M.
"""
from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

WORDS = ["駅前", "公園", "駐輪場", "ベンチ", "木陰", "図書館", "バス停", "歩道", "街灯", "子ども",
         "広場", "自転車", "トイレ", "花壇", "防災", "Wi-Fi", "マルシェ", "スロープ", "遊具", "噴水"]
LAT0, LON0, SPAN_LAT, SPAN_LON = 35.52, 139.55, 0.27, 0.33  # about 30 km x 30 km
STATUSES = ["open"] * 5 + ["investigating", "in_progress", "action_scheduled", "fixed", "fixed",
                           "fixed_by_reporter", "unable_to_fix", "not_responsible", "duplicate"]
PROPOSAL_STATES = ["published"] * 6 + ["evaluating", "accepted", "rejected", "withdrawn"]
SLUG = "bench"


@dataclass
class World:
    """What the pages of a run need: ids, and how many rows exist so far."""

    process_id: int = 0
    user_ids: list[int] = field(default_factory=list)
    resident_id: int = 0
    moderator_id: int = 0
    flagger_id: int = 0  # writes nothing, so may report anything
    category_ids: list[int] = field(default_factory=list)
    department_id: int = 0
    proposals: int = 0
    issues: int = 0
    first_proposal: int = 0
    discussed_proposal: int = 0  # the one with 10,000 comments
    first_issue: int = 0


def bulk_insert(connection, table, rows: list[dict[str, Any]], batch: int = 20_000) -> None:
    """executemany on the driver: one INSERT compiled once, values through each column's bind processor;
    scalar and plain callable column defaults filled in once per batch for columns not given."""
    if not rows:
        return
    dialect = connection.dialect
    given = list(rows[0])
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.name in given or column.default is None:
            continue
        default = column.default
        if getattr(default, "is_scalar", False):
            defaults[column.name] = default.arg
        elif getattr(default, "is_callable", False):
            # a default that needs the row (the caller gives that column) fails here and is left out
            with contextlib.suppress(Exception):
                defaults[column.name] = default.arg(None)
    names = given + [n for n in defaults if n in table.c]
    processors = [table.c[n].type._cached_bind_processor(dialect) for n in names]
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join([marker] * len(names))})")
    for start in range(0, len(rows), batch):
        extra = [defaults[n] for n in names[len(given):]]
        values = []
        for row in rows[start:start + batch]:
            raw = [row[n] for n in given] + extra
            values.append(tuple(p(v) if p else v for p, v in zip(processors, raw, strict=True)))
        connection.exec_driver_sql(sql, values)


def seed_base(app) -> World:
    from participation.core import services
    from participation.core.models import Department, Role, User
    from participation.extensions import db
    from participation.issues.models import Category
    from participation.processes.models import Phase, Process

    world = World()
    with app.app_context():
        today = date.today()
        process = Process(slug=SLUG, title={"ja": "ベンチマーク", "en": "Benchmark"}, subtitle={},
                          description={"ja": "市全体の提案", "en": "City-wide proposals"},
                          start_date=today - timedelta(days=60), end_date=today + timedelta(days=60),
                          status="published")
        process.phases.append(Phase(title={"ja": "提案"}, start_date=process.start_date,
                                    end_date=process.end_date, allow_proposals=True,
                                    allow_supports=True, allow_comments=True))
        db.session.add(process)
        department = Department(code="roads", name={"ja": "道路課", "en": "Roads"})
        db.session.add(department)
        db.session.flush()
        categories = [Category(code=f"c{i}", name={"ja": f"分類{i}", "en": f"Category {i}"},
                               department_id=department.id) for i in range(6)]
        users = [User(email=f"bench{i}@example.jp", display_name=f"住民{i}", password_hash="x",
                      email_confirmed_at=datetime.now(UTC)) for i in range(200)]
        moderator = User(email="moderator@example.jp", display_name="モデレーター", password_hash="x",
                         email_confirmed_at=datetime.now(UTC))
        flagger = User(email="flagger@example.jp", display_name="通報者", password_hash="x",
                       email_confirmed_at=datetime.now(UTC))
        db.session.add_all([*categories, *users, moderator, flagger])
        db.session.flush()
        services.grant_role(None, moderator, Role.MODERATOR)
        db.session.commit()
        world.process_id, world.department_id = process.id, department.id
        world.category_ids = [c.id for c in categories]
        world.user_ids = [u.id for u in users]
        world.resident_id, world.moderator_id, world.flagger_id = users[0].id, moderator.id, flagger.id
    return world


def grow_proposals(app, world: World, total: int, rng: random.Random) -> None:
    from participation.core.sanitize import resident_html
    from participation.extensions import db
    from participation.proposals.models import Proposal

    table = Proposal.__table__
    now = datetime.now(UTC)
    rendered: dict[str, str] = {}  # bodies repeat: each rendered once, as the app renders at write time
    rows = []
    for i in range(world.proposals, total):
        words = rng.sample(WORDS, 3)
        located = rng.random() < 0.4
        body = f"{words[0]}の{words[1]}について。{words[2]}も含めて検討してください。" * 3
        row = {
            "process_id": world.process_id, "author_id": rng.choice(world.user_ids),
            "title": f"{words[0]}に{words[1]}を（{i}）", "body": body, "language": "ja",
            "state": rng.choice(PROPOSAL_STATES), "supports_count": rng.randint(0, 300),
            "comments_count": rng.randint(0, 40), "random_key": rng.randrange(2**31),
            "latitude": LAT0 + rng.random() * 0.02 if located else None,
            "longitude": LON0 + rng.random() * 0.02 if located else None,
            "created_at": now - timedelta(minutes=i), "hidden_at": None,
        }
        if "body_html" in table.c:
            if body not in rendered:
                rendered[body] = str(resident_html(body))
            row["body_html"] = rendered[body]
        rows.append({k: v for k, v in row.items() if k in table.c})
    with app.app_context():
        with db.engine.begin() as connection:
            bulk_insert(connection, table, rows)
        if not world.first_proposal:
            world.first_proposal = db.session.scalar(
                db.select(Proposal.id).where(Proposal.state == "published").order_by(Proposal.id))
    world.proposals = total


def grow_issues(app, world: World, total: int, rng: random.Random) -> None:
    from participation.core.geo import cell_of
    from participation.extensions import db
    from participation.issues.models import Issue

    table = Issue.__table__
    now = datetime.now(UTC)
    rows = []
    for n in range(world.issues, total):
        status = rng.choice(STATUSES)
        created = now - timedelta(seconds=n * 63)  # 1M reports over about two years
        closed = created + timedelta(days=3) if status not in ("open", "investigating", "in_progress",
                                                               "action_scheduled") else None
        lat, lon = LAT0 + rng.random() * SPAN_LAT, LON0 + rng.random() * SPAN_LON
        row = {
            "category_id": rng.choice(world.category_ids), "department_id": world.department_id,
            "reporter_id": rng.choice(world.user_ids), "title": f"報告{n}", "details": "",
            "latitude": lat, "longitude": lon, "geocell": cell_of(lat, lon), "status": status,
            "created_at": created, "updated_at": created, "closed_at": closed,
            "acknowledged_at": created + timedelta(hours=20) if status != "open" else None,
            "fixed_at": closed if status.startswith("fixed") else None, "language": "ja",
            "show_name": False, "metoo_count": 0, "hidden_at": None,
        }
        rows.append({k: v for k, v in row.items() if k in table.c})
    with app.app_context():
        with db.engine.begin() as connection:
            bulk_insert(connection, table, rows)
        world.first_issue = world.first_issue or db.session.scalar(db.select(db.func.min(Issue.id)))
    world.issues = total


def seed_comments(app, world: World, count: int, rng: random.Random) -> None:
    """`count` comments on one published proposal (the last in 10 replies), its counter set to match."""
    from participation.core.sanitize import resident_html
    from participation.extensions import db
    from participation.proposals.models import Comment, Proposal

    table = Comment.__table__
    now = datetime.now(UTC)
    with app.app_context():
        proposal_id = world.first_proposal
        rows = []
        for i in range(count):
            body = f"{rng.choice(WORDS)}について、{rng.choice(WORDS)}の方が良いと思います。（{i}）"
            row = {"proposal_id": proposal_id, "author_id": rng.choice(world.user_ids), "body": body,
                   "language": "ja", "alignment": rng.choice([-1, 0, 1]), "upvotes": rng.randint(0, 20),
                   "downvotes": rng.randint(0, 5), "created_at": now - timedelta(minutes=count - i),
                   "depth": 1, "parent_id": None}
            if "body_html" in table.c:
                row["body_html"] = str(resident_html(body))
            rows.append({k: v for k, v in row.items() if k in table.c})
        with db.engine.begin() as connection:
            bulk_insert(connection, table, rows)
        db.session.execute(db.update(Proposal).where(Proposal.id == proposal_id).values(comments_count=count))
        db.session.commit()
    world.discussed_proposal = proposal_id


def seed_cases(app, world: World, count: int) -> None:
    """`count` moderation cases through the flag service: proposals, comments and issues."""
    from participation.core.models import User
    from participation.extensions import db
    from participation.issues.models import Issue
    from participation.moderation import services
    from participation.proposals.models import Comment, Proposal

    with app.test_request_context("/"):
        flagger = db.session.get(User, world.flagger_id)
        third = count // 3
        targets = [("proposals", i) for i in db.session.scalars(
            db.select(Proposal.id).where(Proposal.state == "published").order_by(Proposal.id.desc()).limit(third))]
        targets += [("proposal_comments", i) for i in db.session.scalars(db.select(Comment.id).limit(third))]
        targets += [("issues", i) for i in db.session.scalars(
            db.select(Issue.id).order_by(Issue.id.desc()).limit(count - len(targets)))]
        for target_type, target_id in targets:
            services.flag(flagger, target_type, target_id, "spam", "ベンチマーク")
        db.session.commit()


def rebuild_counters(app) -> None:
    """What `flask counters rebuild` does, for the counters the measured pages read: every receiver
    but the KPI roll-up (its facts feed /kpi/ only, and take minutes at a million reports)."""
    from participation.core import signals
    from participation.extensions import db

    with app.app_context():
        for receiver in signals.rebuild_counters.receivers_for(app):
            if getattr(receiver, "__module__", "").startswith("participation.kpi"):
                continue
            receiver(app)
        db.session.commit()


def world_of(app) -> World:
    """The ids of an already seeded benchmark database (`load.py --database-url`)."""
    from participation.core.models import User
    from participation.extensions import db
    from participation.issues.models import Issue
    from participation.processes.models import Process
    from participation.proposals.models import Proposal

    world = World()
    with app.app_context():
        world.process_id = db.session.scalar(db.select(Process.id).where(Process.slug == SLUG))
        world.first_proposal = db.session.scalar(
            db.select(Proposal.id).where(Proposal.state == "published").order_by(Proposal.id))
        world.proposals = db.session.scalar(db.select(db.func.count(Proposal.id)))
        world.first_issue = db.session.scalar(db.select(db.func.min(Issue.id)))
        world.issues = db.session.scalar(db.select(db.func.count(Issue.id)))
        world.user_ids = list(db.session.scalars(db.select(User.id).where(User.email.like("bench%"))))
    return world
