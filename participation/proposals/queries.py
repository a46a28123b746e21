"""Reading proposals: getters that 404, the paged list (filters, search, orders), map data,
comment threads, and what one visitor has supported or voted. Nothing here writes."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload

from ..core import signals
from ..core.bridging import support_breadth
from ..core.errors import NotFound
from ..core.models import Follow
from ..core.permissions import is_signed_in
from ..core.services import parse_id
from ..core.types import Actor
from ..extensions import db
from ..processes.models import Process
from ..processes.permissions import can_view_process
from . import counters, permissions
from .comment_queries import COMMENT_ORDERS, comment_tree  # noqa: F401 - comments are read in comment_queries
from .models import Comment, Proposal, ProposalAnswer, State, Support
from .search import search_condition

PER_PAGE = 20
MAX_PAGE = 100_000
COUNT_CAP = 1000  # a filtered or searched list counts its matches up to here ("more than 1,000")
BROAD_CANDIDATES = 500  # "broad support" ranks the most supported proposals, then the rest by support
RANDOM_PRIME = 2_147_483_647  # visitors' random-order seeds are 1 .. RANDOM_PRIME - 1
RANDOM_SPAN = 2**31  # Proposal.random_key is in 0 .. RANDOM_SPAN - 1
SORTS = ("random", "most_supported", "most_commented", "newest", "broad")
STATE_FILTERS = ("all", "not_answered", "evaluating", "accepted", "rejected", "withdrawn")


def _viewer_id(user: Actor) -> int | None:
    """The signed-in user's id, or None for an anonymous visitor."""
    return getattr(user, "id", None) if is_signed_in(user) else None


# --- getters ------------------------------------------------------------------------------------

def get_proposal(proposal_id: int, user: Actor = None) -> Proposal:
    """The proposal, or NotFound (also when its process is a draft `user` may not see)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_view_process(user, proposal.process):
        raise NotFound(_l("This proposal does not exist."))
    return proposal


def get_comment(proposal: Proposal, comment_id: int | str | None) -> Comment:
    """A comment of this proposal (the id may come straight from form data), or NotFound."""
    parsed = parse_id(comment_id)
    comment = db.session.get(Comment, parsed) if parsed else None
    if comment is None or comment.proposal_id != proposal.id:
        raise NotFound(_l("This comment does not exist."))
    return comment


def get_answer(proposal: Proposal, answer_id: int) -> ProposalAnswer:
    answer = db.session.get(ProposalAnswer, answer_id)
    if answer is None or answer.proposal_id != proposal.id:
        raise NotFound(_l("This answer does not exist."))
    return answer


# --- the list -----------------------------------------------------------------------------------

@dataclass
class Listing:
    items: list[Proposal]
    total: int  # exact, or at least this many when `capped`
    page: int
    pages: int | None  # None when the total is capped: only "next" is known
    supported_ids: set[int]
    has_next: bool = False
    capped: bool = False


def _random_page(conditions: list[ColumnElement[bool]], seed: int, offset: int, limit: int) -> list[Proposal]:
    """Random order that stays fast at 100,000 proposals: every proposal has a fixed random key;
    a visitor reads the keys in order from their own starting point and wraps around. Stable for
    one visitor (no repeats, no gaps across pages), different between visitors, and both parts
    are index range scans."""
    start = (seed * 2654435761) % RANDOM_SPAN
    first = [*conditions, Proposal.random_key >= start]
    second = [*conditions, Proposal.random_key < start]
    base = select(Proposal).order_by(Proposal.random_key, Proposal.id)
    items = list(db.session.scalars(base.where(*first).offset(offset).limit(limit)))
    if len(items) < limit:  # the page runs past the end of the first part: wrap around
        if items or offset == 0:
            in_first = offset + len(items)
        else:  # counted up to the offset at most: bounded by how deep the visitor paged, not the table
            probe = select(Proposal.id).where(*first).limit(offset).subquery()
            in_first = db.session.scalar(select(func.count()).select_from(probe)) or 0
        rest = max(0, offset - in_first)
        items += list(db.session.scalars(base.where(*second).offset(rest).limit(limit - len(items))))
    return items


_COUNTED_STATES: dict[str, list[str] | None] = {
    "all": None, "not_answered": [State.PUBLISHED.value], "withdrawn": [State.WITHDRAWN.value],
    **{s: [s] for s in ("evaluating", "accepted", "rejected")}}


def _state_conditions(state: str) -> list[ColumnElement[bool]]:
    """Withdrawn proposals are listed only when asked for; "not answered" means still published."""
    if state == "withdrawn":
        return [Proposal.state == State.WITHDRAWN]
    conditions = [Proposal.state != State.WITHDRAWN]
    if state == "not_answered":
        conditions.append(Proposal.state == State.PUBLISHED)
    elif state in ("evaluating", "accepted", "rejected"):
        conditions.append(Proposal.state == State(state))
    return conditions


def _capped_count(conditions: list[ColumnElement[bool]]) -> int:
    """How many rows match, counting at most COUNT_CAP + 1 of them."""
    probe = select(Proposal.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
    return int(db.session.scalar(select(func.count()).select_from(probe)) or 0)


def list_proposals(process: Process, user: Actor, *, state: str = "all", sort: str = "random",
                   seed: int = 1, page: int = 1, q: str = "", with_location: bool = False,
                   followed: bool = False, mine: bool = False, per_page: int = PER_PAGE) -> Listing:
    """One page of the process's visible proposals; a fixed number of queries whatever the page size
    and the number of proposals. The total comes from the counters (`counters.py`) when only the
    state filters; with a search or another filter it is counted up to COUNT_CAP ("more than").

    `state` is one of STATE_FILTERS, `sort` one of SORTS (anything else: random order from `seed`);
    `followed` and `mine` only apply to a signed-in `user`."""
    conditions = [Proposal.process_id == process.id, Proposal.hidden_at.is_(None), *_state_conditions(state)]
    cheap = True
    if with_location:
        conditions.append(Proposal.latitude.is_not(None))
        cheap = False
    viewer = _viewer_id(user)
    if followed and viewer is not None:
        conditions.append(Proposal.id.in_(select(Follow.target_id).where(
            Follow.user_id == viewer, Follow.target_type == "proposals")))
        cheap = False
    if mine and viewer is not None:
        conditions.append(Proposal.author_id == viewer)
        cheap = False
    searched = search_condition(q) if q else None
    searched_at = len(conditions)
    if searched is not None:
        conditions.append(searched)
        cheap = False

    total = counters.count_in_states(process.id, _COUNTED_STATES.get(state)) if cheap else _capped_count(conditions)
    capped = not cheap and total > COUNT_CAP
    common = search_condition(q, common=True) if capped and searched is not None else None
    if common is not None:  # common words: walk the list's order, keep the matches
        conditions[searched_at] = common
    pages = None if capped else max(1, math.ceil(total / per_page))
    page = max(1, page) if pages is None else min(max(1, page), pages)
    offset = (page - 1) * per_page
    orders: dict[str, tuple[ColumnElement[Any], ...]] = {
        "most_supported": (Proposal.supports_count.desc(), Proposal.id.desc()),
        "most_commented": (Proposal.comments_count.desc(), Proposal.id.desc()),
        "newest": (Proposal.created_at.desc(), Proposal.id.desc()),
    }
    order = orders.get(sort)
    groups = opinion_groups(process) if sort == "broad" else None
    if sort == "broad" and groups is None:
        order = orders["most_supported"]  # no opinion groups in this process: the nearest order
    if groups is not None:
        items = _broad_page(conditions, groups, offset, per_page + 1)
    elif order is None:
        items = _random_page(conditions, seed, offset, per_page + 1)
    else:
        items = list(db.session.scalars(
            select(Proposal).where(*conditions).order_by(*order).offset(offset).limit(per_page + 1)))
    has_next, items = len(items) > per_page, items[:per_page]
    supported: set[int] = set()
    if viewer is not None and items:
        supported = set(db.session.scalars(select(Support.proposal_id).where(
            Support.user_id == viewer, Support.proposal_id.in_([p.id for p in items]))))
    return Listing(items, min(total, COUNT_CAP) if capped else total, page, pages, supported,
                   has_next, capped)


def geojson(process: Process, bbox: tuple[float, float, float, float] | None, limit: int = 500, *,
            state: str = "all", q: str = "") -> dict:
    """The process's visible proposals with a location, newest first, as a GeoJSON FeatureCollection
    (`truncated` says whether more than `limit` matched); `state` and `q` filter as the list page does."""
    search = search_condition(q) if q else None
    query = select(Proposal).where(Proposal.process_id == process.id,
                                   Proposal.state != State.WITHDRAWN, Proposal.hidden_at.is_(None),
                                   Proposal.latitude.is_not(None), *_state_conditions(state),
                                   *([search] if search is not None else []))
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        query = query.where(Proposal.longitude.between(min_lon, max_lon),
                            Proposal.latitude.between(min_lat, max_lat))
    rows = list(db.session.scalars(query.order_by(Proposal.created_at.desc()).limit(limit + 1)))
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
        "properties": {"id": p.id, "title": p.title, "state": p.state,
                       "supports": p.supports_count, "url": url_for("proposals.detail", proposal_id=p.id)},
    } for p in rows[:limit]]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > limit}


def opinion_groups(process: Process, *, members: bool = True) -> dict[str, Any] | None:
    """The opinion groups of the process's conversation (`signals.opinion_groups`), if it has one:
    {"members": {user_id: group}, "sizes": [people per group]} (without members: only the sizes)."""
    for found in signals.collect(signals.opinion_groups, process=process, members=members):
        if found and found.get("sizes"):
            return found
    return None


def _broad_page(conditions: list[Any], groups: dict[str, Any], offset: int, limit: int) -> list[Proposal]:
    """Proposals ranked by how broadly their support spans the opinion groups (group-informed
    support: the product over groups of (supporters + 1) / (members + 2)).

    Bounded: only the BROAD_CANDIDATES most supported proposals (an index range scan) are ranked
    by breadth, reading their supports; the proposals after them follow in order of support (with
    fewer supports than every candidate, their breadth could rarely beat the candidates')."""
    members: dict[int, int] = groups["members"]
    sizes: list[int] = groups["sizes"]
    by_support = (Proposal.supports_count.desc(), Proposal.id.desc())
    ids = list(db.session.scalars(select(Proposal.id).where(*conditions).order_by(*by_support)
                                  .limit(BROAD_CANDIDATES)))
    per_group: dict[int, list[int]] = {pid: [0] * len(sizes) for pid in ids}
    if ids and offset < len(ids):
        for proposal_id, user_id in db.session.execute(
                select(Support.proposal_id, Support.user_id).where(Support.proposal_id.in_(ids))):
            group = members.get(user_id) if user_id is not None else None  # NULL: account deleted
            if group is not None and 0 <= group < len(sizes):
                per_group[proposal_id][group] += 1
    ranked = sorted(ids, key=lambda pid: (-support_breadth(per_group[pid], sizes), -pid))[offset:offset + limit]
    found = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(ranked)))} if ranked else {}
    items = [found[pid] for pid in ranked if pid in found]
    if len(items) < limit and len(ids) == BROAD_CANDIDATES:
        items += list(db.session.scalars(select(Proposal).where(*conditions).order_by(*by_support)
                                         .offset(max(offset, BROAD_CANDIDATES)).limit(limit - len(items))))
    return items


# --- supports -----------------------------------------------------------------------------------

def support_limit_left(process: Process, user: Actor) -> int | None:
    """How many more proposals `user` may support in the process (None: no limit, or not signed in)."""
    viewer = _viewer_id(user)
    if not process.support_limit or viewer is None:
        return None
    used = db.session.scalar(select(func.count(Support.id)).where(
        Support.user_id == viewer, Support.process_id == process.id)) or 0
    return max(0, process.support_limit - used)


def has_supported(user: Actor, proposal: Proposal) -> bool:
    viewer = _viewer_id(user)
    if viewer is None:
        return False
    return db.session.scalar(select(Support.id).where(Support.proposal_id == proposal.id,
                                                      Support.user_id == viewer)) is not None


# --- answers ------------------------------------------------------------------------------------

def public_answers(proposal: Proposal) -> list[ProposalAnswer]:
    """The published answers, oldest first (the last one is the proposal's current answer)."""
    return [a for a in proposal.answers if a.published_at is not None]


def held_answers_of(user: Actor, proposal: Proposal) -> list[ProposalAnswer]:
    """The answers not yet published, for the staff who may see them (nobody else)."""
    if not permissions.can_view_held_answers(user, proposal):
        return []
    return [a for a in proposal.answers if a.published_at is None]


def held_answers(process: Process) -> list[ProposalAnswer]:
    """The newest unpublished answer of each proposal whose latest answer is held."""
    latest = (select(func.max(ProposalAnswer.id)).join(Proposal)
              .where(Proposal.process_id == process.id).group_by(ProposalAnswer.proposal_id))
    return list(db.session.scalars(select(ProposalAnswer).where(
        ProposalAnswer.id.in_(latest), ProposalAnswer.published_at.is_(None))
        .options(selectinload(ProposalAnswer.proposal)).order_by(ProposalAnswer.id)))


def held_answers_to_publish(user: Actor, process: Process) -> int:
    """How many held answers `user` could publish now (0 for whoever may not publish them)."""
    if not permissions.can_publish_answers(user, process):
        return 0
    return len(held_answers(process))


def proposals_using_upload(upload_id: int) -> list[Proposal]:
    """The proposals showing this upload (for `core.uploads`: served only if one is readable)."""
    from .models import ProposalImage

    return list(db.session.scalars(select(Proposal).join(ProposalImage).where(
        ProposalImage.upload_id == upload_id)))


def can_read_proposal_image(user: Actor, proposal: Proposal) -> bool:
    return can_view_process(user, proposal.process) and permissions.can_read_proposal(user, proposal)
