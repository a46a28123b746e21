"""Reading moderation: cases, the queue with each case in context, blocked users, transparency figures."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, inspect, or_, select
from sqlalchemy.orm import joinedload, lazyload

from ..core.errors import NotFound
from ..core.models import User
from ..core.registry import ModerationTarget, registry
from ..core.types import Actor
from ..extensions import db
from . import permissions
from .models import Block, Case, CaseState, Flag, Reason

QUEUE_PAGE = 50  # cases per page of the queue
MAX_PAGE = 1000


def targets() -> dict[str, ModerationTarget]:
    """What can be flagged: each feature registers its kinds of content in its init_app."""
    return registry().moderation_targets


def get_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound(_l("This moderation case does not exist."))
    return case


@dataclass
class QueuePage:
    cases: list[Case]
    page: int
    has_next: bool


def queue(moderator: Actor, *, include_done: bool = False, page: int = 1) -> QueuePage:
    """A page of the cases this moderator may decide, most reported first (their scope computed
    once, applied in the query; the authors joined; one more row tells whether a next page exists)."""
    states = [CaseState.PENDING, CaseState.HIDDEN]
    query = (select(Case).options(joinedload(Case.author).lazyload("*"))
             .order_by(Case.reviewed, Case.flag_count.desc(), Case.updated_at.desc(), Case.id.desc()))
    if not include_done:
        query = query.where(Case.state.in_(states), Case.reviewed.is_(False))
    scope = permissions.moderated_processes(moderator)
    if scope is not None:
        query = query.where(Case.process_id.in_(scope) if scope else false())
    page = min(max(1, page), MAX_PAGE)
    rows = list(db.session.scalars(query.offset((page - 1) * QUEUE_PAGE).limit(QUEUE_PAGE + 1)))
    return QueuePage(rows[:QUEUE_PAGE], page, has_next=len(rows) > QUEUE_PAGE)


def describe(case: Case) -> dict:
    """What the queue shows for a case: the item in context, with its flags."""
    return describe_all([case])[0]


def describe_all(cases: list[Case]) -> list[dict]:
    """`describe` for a whole queue in a constant number of queries: the items of each kind in one
    query (with the kind's `load_options`), every flag with its flagger in one."""
    specs = targets()
    ids: dict[str, set[int]] = defaultdict(set)
    for case in cases:
        ids[case.target_type].add(case.target_id)
    items: dict[tuple[str, int], Any] = {}
    for target_type, wanted in ids.items():
        spec = specs[target_type]
        query = select(spec.model).where(spec.model.id.in_(wanted)).options(lazyload("*"), *spec.load_options)
        items.update(((target_type, obj.id), obj) for obj in db.session.scalars(query).unique())
    flags: dict[tuple[str, int], list[Flag]] = defaultdict(list)
    if ids:
        for flag in db.session.scalars(select(Flag).options(joinedload(Flag.user).lazyload("*")).where(or_(*(
                and_(Flag.target_type == t, Flag.target_id.in_(wanted)) for t, wanted in ids.items())))
                .order_by(Flag.id)):
            flags[(flag.target_type, flag.target_id)].append(flag)
    # Flaggers come joined with their flags, authors with the queue's cases (else: one query).
    authors: dict[int, User] = {}
    for case in cases:
        if "author" not in inspect(case).unloaded and case.author is not None:
            authors[case.author.id] = case.author
    missing = {c.author_id for c in cases if c.author_id and c.author_id not in authors}
    if missing:
        authors.update((u.id, u) for u in db.session.scalars(
            select(User).options(lazyload("*")).where(User.id.in_(missing))))
    described = []
    for case in cases:
        spec, obj = specs[case.target_type], items.get((case.target_type, case.target_id))
        described.append({"case": case, "label": spec.label, "hideable": spec.hideable,
                          "excerpt": spec.excerpt(obj) if obj else "", "url": spec.url(obj) if obj else "#",
                          "flags": flags[(case.target_type, case.target_id)],
                          "author": authors.get(case.author_id) if case.author_id else None})
    return described


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("This user does not exist."))
    return user


def transparency() -> dict:
    """Counts of hidden items and blocks by reason and month: no personal data."""
    hidden = db.session.execute(select(Case.reason, Case.hidden_at)
                                .where(Case.state == CaseState.HIDDEN, Case.hidden_at.is_not(None))).all()
    blocks = db.session.scalars(select(Block.created_at)).all()
    by_month: dict[str, Counter] = {}
    for reason, when in hidden:
        if when is None:
            continue
        by_month.setdefault(when.strftime("%Y-%m"), Counter())[reason or "other"] += 1
    blocks_by_month = Counter(when.strftime("%Y-%m") for when in blocks)
    months = sorted(set(by_month) | set(blocks_by_month), reverse=True)
    return {"months": [(m, by_month.get(m, Counter()), blocks_by_month.get(m, 0)) for m in months],
            "reasons": [r.value for r in Reason]}
