"""Reading moderation: cases, the queue with each case in context, blocked users, transparency figures."""
from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import NotFound
from ..core.models import User
from ..core.registry import ModerationTarget, registry
from ..core.types import Actor
from ..extensions import db
from . import permissions
from .models import Block, Case, CaseState, Flag, Reason


def targets() -> dict[str, ModerationTarget]:
    """What can be flagged: each feature registers its kinds of content in its init_app."""
    return registry().moderation_targets


def get_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound(_l("This moderation case does not exist."))
    return case


def queue(moderator: Actor, *, include_done: bool = False) -> list[Case]:
    states = [CaseState.PENDING, CaseState.HIDDEN]
    query = select(Case).order_by(Case.reviewed, Case.flag_count.desc(), Case.updated_at.desc())
    if not include_done:
        query = query.where(Case.state.in_(states), Case.reviewed.is_(False))
    return [c for c in db.session.scalars(query.limit(500)) if permissions.can_moderate_case(moderator, c)]


def describe(case: Case) -> dict:
    """What the queue shows for a case: the item in context, with its flags."""
    spec = targets()[case.target_type]
    obj = db.session.get(spec.model, case.target_id)
    flags = list(db.session.scalars(select(Flag).where(Flag.target_type == case.target_type,
                                                       Flag.target_id == case.target_id).order_by(Flag.id)))
    return {"case": case, "label": spec.label, "hideable": spec.hideable,
            "excerpt": spec.excerpt(obj) if obj else "",
            "url": spec.url(obj) if obj else "#", "flags": flags,
            "author": db.session.get(User, case.author_id) if case.author_id else None}


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
