"""Proposal actions: submit, edit, withdraw, support, comment, answer, list and search."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, column, delete, func, literal_column, or_, select, table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..core import audit, clock, geo, notifications, uploads
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.models import Follow, Role
from ..core.permissions import is_admin, is_official
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post, lock_row, parse_id
from ..extensions import db
from ..processes import services as process_services
from ..processes.models import Capability, Process
from . import permissions
from .models import (
    ANSWER_STATES,
    MAX_COMMENT_DEPTH,
    Alignment,
    Comment,
    CommentVote,
    Proposal,
    ProposalAnswer,
    ProposalImage,
    ProposalVersion,
    State,
    Support,
)

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MAX = 2000
COMMENT_MAX = 1000
PER_PAGE = 20
MAX_PAGE = 100_000
SIMILAR_LIMIT = 5
RANDOM_PRIME = 2_147_483_647
SORTS = ("random", "most_supported", "most_commented", "newest")
STATE_FILTERS = ("all", "not_answered", "evaluating", "accepted", "rejected", "withdrawn")


# --- loading ------------------------------------------------------------------------------------

def get_proposal(proposal_id: int, user: Any = None) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(_l("This proposal does not exist."))
    from ..processes.permissions import can_view_process

    if not can_view_process(user, proposal.process):
        raise NotFound(_l("This proposal does not exist."))
    return proposal


def get_comment(proposal: Proposal, comment_id: Any) -> Comment:
    comment_id = parse_id(comment_id)
    comment = db.session.get(Comment, comment_id) if comment_id else None
    if comment is None or comment.proposal_id != proposal.id:
        raise NotFound(_l("This comment does not exist."))
    return comment


# --- input checks -------------------------------------------------------------------------------

def _clean_title(title: str | None) -> str:
    title = " ".join(clean_text(title).split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise InvalidInput(_l("The title must be between %(min)d and %(max)d characters long.",
                              min=TITLE_MIN, max=TITLE_MAX), field="title")
    return title


def _clean_body(body: str | None) -> str:
    body = clean_text(body).strip()
    if not body:
        raise InvalidInput(_l("Please describe your proposal."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(_l("The description can be at most %(max)d characters long.", max=BODY_MAX),
                           field="body")
    return body


# --- similarity (character n-grams, so Japanese works) ------------------------------------------

def ngrams(text: str, n: int = 2) -> set[str]:
    text = re.sub(r"\s+", "", (text or "").lower())
    if len(text) < n:
        return {text} if text else set()
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams: 1.0 for equal texts, 0.0 for nothing shared."""
    ga, gb = ngrams(a), ngrams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def similar_proposals(process: Process, title: str, body: str = "", *, limit: int = SIMILAR_LIMIT,
                      threshold: float = 0.2, exclude_id: int | None = None) -> list[Proposal]:
    """Up to `limit` proposals of the process that resemble title + body, most similar first."""
    grams = sorted(ngrams(title, 3), key=len, reverse=True)[:12] or sorted(ngrams(title, 2))[:12]
    if not grams:
        return []
    query = select(Proposal).where(Proposal.process_id == process.id, Proposal.hidden_at.is_(None),
                                   Proposal.state != State.WITHDRAWN.value)
    query = query.where(or_(*[_term_condition(g) for g in grams])).limit(300)
    if exclude_id:
        query = query.where(Proposal.id != exclude_id)
    probe = f"{title} {body}"
    scored = []
    for candidate in db.session.scalars(query):
        score = 0.7 * similarity(title, candidate.title) + 0.3 * similarity(probe, f"{candidate.title} {candidate.body}")
        if score >= threshold:
            scored.append((score, candidate.id, candidate))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [c for _s, _i, c in scored[:limit]]


# --- search -------------------------------------------------------------------------------------

_fts = table("proposals_fts", column("rowid"), column("proposals_fts"))


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _term_condition(term: str):
    """Proposals whose title or body contains `term` (any script, any length)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite" and len(term) >= 3:
        phrase = '"' + term.replace('"', '""') + '"'
        return Proposal.id.in_(select(_fts.c.rowid).where(_fts.c.proposals_fts.op("MATCH")(phrase)))
    if dialect == "postgresql":
        searchable = literal_column("(proposals.title || ' ' || proposals.body)")
        return searchable.ilike(_like_pattern(term), escape="\\")
    pattern = _like_pattern(term)
    return or_(Proposal.title.like(pattern, escape="\\"), Proposal.body.like(pattern, escape="\\"))


def search_condition(query: str):
    terms = [t for t in clean_text(query).split() if t][:8]
    return and_(*[_term_condition(t[:100]) for t in terms]) if terms else None


# --- listing ------------------------------------------------------------------------------------

RANDOM_SPAN = 2**31


def _random_page(conditions, seed: int, offset: int, limit: int) -> list[Proposal]:
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
        in_first = db.session.scalar(select(func.count(Proposal.id)).where(*first)) or 0
        rest = max(0, offset - in_first)
        items += list(db.session.scalars(base.where(*second).offset(rest).limit(limit - len(items))))
    return items


@dataclass
class Listing:
    items: list[Proposal]
    total: int
    page: int
    pages: int
    supported_ids: set[int]


def list_proposals(process: Process, user: Any, *, state: str = "all", sort: str = "random",
                   seed: int = 1, page: int = 1, q: str = "", with_location: bool = False,
                   followed: bool = False, mine: bool = False, per_page: int = PER_PAGE) -> Listing:
    """One page of proposals; a fixed number of queries whatever the page size."""
    conditions = [Proposal.process_id == process.id, Proposal.hidden_at.is_(None)]
    if state == "withdrawn":
        conditions.append(Proposal.state == State.WITHDRAWN.value)
    else:
        conditions.append(Proposal.state != State.WITHDRAWN.value)
        if state == "not_answered":
            conditions.append(Proposal.state == State.PUBLISHED.value)
        elif state in ("evaluating", "accepted", "rejected"):
            conditions.append(Proposal.state == state)
    if with_location:
        conditions.append(Proposal.latitude.is_not(None))
    signed_in = getattr(user, "is_authenticated", False)
    if followed and signed_in:
        conditions.append(Proposal.id.in_(select(Follow.target_id).where(
            Follow.user_id == user.id, Follow.target_type == "proposals")))
    if mine and signed_in:
        conditions.append(Proposal.author_id == user.id)
    if q:
        condition = search_condition(q)
        if condition is not None:
            conditions.append(condition)

    total = db.session.scalar(select(func.count(Proposal.id)).where(*conditions)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    order = {
        "most_supported": (Proposal.supports_count.desc(), Proposal.id.desc()),
        "most_commented": (Proposal.comments_count.desc(), Proposal.id.desc()),
        "newest": (Proposal.created_at.desc(), Proposal.id.desc()),
    }.get(sort)
    if order is None:
        items = _random_page(conditions, seed, (page - 1) * per_page, per_page)
    else:
        items = list(db.session.scalars(
            select(Proposal).where(*conditions).order_by(*order)
            .offset((page - 1) * per_page).limit(per_page)))
    supported: set[int] = set()
    if signed_in and items:
        supported = set(db.session.scalars(select(Support.proposal_id).where(
            Support.user_id == user.id, Support.proposal_id.in_([p.id for p in items]))))
    return Listing(items, total, page, pages, supported)


def geojson(process: Process, bbox: tuple[float, float, float, float] | None, limit: int = 500) -> dict:
    query = select(Proposal).where(Proposal.process_id == process.id,
                                   Proposal.state != State.WITHDRAWN.value, Proposal.hidden_at.is_(None),
                                   Proposal.latitude.is_not(None))
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


# --- residents' actions -------------------------------------------------------------------------

def submit_proposal(process: Process, author: Any, data: dict) -> Proposal:
    ensure_can_post(author)
    process_services.require(process, Capability.PROPOSE, author)
    title, body = _clean_title(data.get("title")), _clean_body(data.get("body"))
    lat, lon = geo.clean_location(data.get("latitude"), data.get("longitude"))
    address = " ".join(clean_text(data.get("address")).split())[:200] or None
    proposal = Proposal(process_id=process.id, author_id=author.id, title=title, body=body,
                        language=data.get("language") or "ja", latitude=lat, longitude=lon,
                        address=address, state=State.PUBLISHED.value)
    proposal.versions.append(ProposalVersion(number=1, title=title, body=body))
    for position, upload in enumerate(uploads.save_images(data.get("images") or [], author)):
        proposal.images.append(ProposalImage(upload=upload, position=position))
    db.session.add(proposal)
    db.session.flush()
    notifications.follow(author, proposal)
    return proposal


def edit_proposal(user: Any, proposal: Proposal, data: dict) -> Proposal:
    ensure_can_post(user)
    if not permissions.can_edit_proposal(user, proposal):
        raise PermissionDenied(_l("A proposal can be edited for %(n)d minutes after publishing, "
                                  "and only until someone supports it or comments on it.",
                                  n=current_app.config.get("PROPOSAL_EDIT_MINUTES", 15)))
    title, body = _clean_title(data.get("title")), _clean_body(data.get("body"))
    if (title, body) == (proposal.title, proposal.body):
        return proposal
    number = db.session.scalar(select(func.max(ProposalVersion.number))
                               .where(ProposalVersion.proposal_id == proposal.id)) or 0
    proposal.title, proposal.body, proposal.edited_at = title, body, clock.now()
    db.session.add(ProposalVersion(proposal_id=proposal.id, number=number + 1, title=title, body=body))
    db.session.flush()
    return proposal


def withdraw_proposal(user: Any, proposal: Proposal) -> Proposal:
    if not (getattr(user, "is_authenticated", False) and proposal.author_id == user.id):
        raise PermissionDenied(_l("Only the author can withdraw a proposal."))
    proposal.withdraw()
    db.session.flush()
    return proposal


def _recount_supports(proposal: Proposal) -> None:
    """The counter is recomputed from the rows in the same statement: it cannot drift."""
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(
        supports_count=select(func.count(Support.id)).where(Support.proposal_id == proposal.id)
        .scalar_subquery()))
    db.session.refresh(proposal, ["supports_count"])


def support_limit_left(process: Process, user: Any) -> int | None:
    if not process.support_limit or not getattr(user, "is_authenticated", False):
        return None
    used = db.session.scalar(select(func.count(Support.id)).where(
        Support.user_id == user.id, Support.process_id == process.id)) or 0
    return max(0, process.support_limit - used)


def support(user: Any, proposal: Proposal) -> Proposal:
    process = proposal.process
    process_services.require(process, Capability.SUPPORT, user)
    if proposal.state in (State.REJECTED.value, State.WITHDRAWN.value):
        raise Conflict(_l("Rejected and withdrawn proposals cannot be supported."))
    if proposal.author_id == user.id:
        raise PermissionDenied(_l("You cannot support your own proposal."))
    if db.session.scalar(select(Support.id).where(Support.proposal_id == proposal.id,
                                                  Support.user_id == user.id)) is not None:
        raise Conflict(_l("You already support this proposal."))
    lock_row(Proposal, proposal.id)
    if process.support_limit:
        from ..core.models import User

        lock_row(User, user.id)  # one resident's supports are counted one at a time
    left = support_limit_left(process, user)
    if left == 0:
        raise Conflict(_l("You have used all %(n)d of your supports in this process. Remove one "
                          "to support another proposal.", n=process.support_limit))
    try:
        with db.session.begin_nested():
            db.session.add(Support(proposal_id=proposal.id, process_id=process.id, user_id=user.id))
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("You already support this proposal.")) from None
    _recount_supports(proposal)
    return proposal


def unsupport(user: Any, proposal: Proposal) -> Proposal:
    process_services.require(proposal.process, Capability.SUPPORT, user)
    lock_row(Proposal, proposal.id)
    removed = db.session.execute(delete(Support).where(Support.proposal_id == proposal.id,
                                                       Support.user_id == user.id)).rowcount
    if not removed:
        raise Conflict(_l("You do not support this proposal."))
    _recount_supports(proposal)
    return proposal


def has_supported(user: Any, proposal: Proposal) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Support.id).where(Support.proposal_id == proposal.id,
                                                      Support.user_id == user.id)) is not None


def follow(user: Any, proposal: Proposal) -> None:
    notifications.follow(user, proposal)


def unfollow(user: Any, proposal: Proposal) -> None:
    notifications.unfollow(user, proposal)


# --- comments -----------------------------------------------------------------------------------

def _recount_comments(proposal: Proposal) -> None:
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(
        comments_count=select(func.count(Comment.id)).where(
            Comment.proposal_id == proposal.id, Comment.deleted_at.is_(None)).scalar_subquery()))
    db.session.refresh(proposal, ["comments_count"])


def _clean_comment(body: str | None) -> str:
    body = clean_text(body).strip()
    if not body:
        raise InvalidInput(_l("Please write a comment."), field="body")
    if len(body) > COMMENT_MAX:
        raise InvalidInput(_l("A comment can be at most %(max)d characters long.", max=COMMENT_MAX),
                           field="body")
    return body


def add_comment(user: Any, proposal: Proposal, body: str, alignment: int = 0,
                parent_id: int | None = None, language: str = "ja") -> Comment:
    ensure_can_post(user)
    process_services.require(proposal.process, Capability.COMMENT, user)
    if proposal.is_withdrawn:
        raise Conflict(_l("A withdrawn proposal cannot be commented on."))
    body = _clean_comment(body)
    try:
        alignment = Alignment(int(alignment)).value
    except (TypeError, ValueError):
        raise InvalidInput(_l("Please choose for, neutral or against."), field="alignment") from None
    depth = 1
    if parent_id is not None:
        parent = get_comment(proposal, parent_id)
        if parent.is_deleted:
            raise Conflict(_l("You cannot reply to a deleted comment."))
        if parent.depth >= MAX_COMMENT_DEPTH:
            raise InvalidInput(_l("Replies can be nested at most %(n)d levels deep.", n=MAX_COMMENT_DEPTH))
        depth = parent.depth + 1
    lock_row(Proposal, proposal.id)
    comment = Comment(proposal_id=proposal.id, author_id=user.id, parent_id=parent_id, depth=depth,
                      body=body, alignment=alignment, language=language)
    db.session.add(comment)
    db.session.flush()
    _recount_comments(proposal)
    notifications.notify_followers(proposal, "proposal.commented",
                                   {"title": proposal.title, "proposal_id": proposal.id},
                                   exclude=user)
    return comment


def edit_comment(user: Any, comment: Comment, body: str) -> Comment:
    ensure_can_post(user)
    if not permissions.can_edit_comment(user, comment):
        raise PermissionDenied(_l("A comment can be edited by its author for %(n)d minutes.",
                                  n=permissions.COMMENT_EDIT_MINUTES))
    comment.body = _clean_comment(body)
    comment.edited_at = clock.now()
    db.session.flush()
    return comment


def delete_comment(user: Any, comment: Comment, proposal: Proposal) -> Comment:
    """The author's own deletion anonymises: the text and the name go, the replies stay."""
    if not permissions.can_delete_comment(user, comment):
        raise PermissionDenied(_l("Only the author can delete this comment."))
    lock_row(Proposal, proposal.id)
    comment.deleted_at = clock.now()
    comment.body = ""
    comment.author_id = None
    db.session.flush()
    _recount_comments(proposal)
    return comment


def vote_comment(user: Any, comment: Comment, value: int) -> Comment:
    if value not in (1, -1):
        raise InvalidInput(_l("A vote is up or down."))
    if comment.author_id == getattr(user, "id", None):
        raise PermissionDenied(_l("You cannot vote on your own comment."))
    if comment.is_deleted:
        raise Conflict(_l("You cannot vote on a deleted comment."))
    lock_row(Comment, comment.id)
    existing = db.session.scalar(select(CommentVote).where(CommentVote.comment_id == comment.id,
                                                           CommentVote.user_id == user.id))
    if existing is not None and existing.value == value:
        db.session.delete(existing)  # clicking the same vote again takes it back
    elif existing is not None:
        existing.value = value
    else:
        try:
            with db.session.begin_nested():
                db.session.add(CommentVote(comment_id=comment.id, user_id=user.id, value=value))
                db.session.flush()
        except IntegrityError:
            raise Conflict(_l("You already voted on this comment.")) from None
    db.session.flush()
    for column_name, sign in (("upvotes", 1), ("downvotes", -1)):
        db.session.execute(update(Comment).where(Comment.id == comment.id).values({
            column_name: select(func.count(CommentVote.id)).where(
                CommentVote.comment_id == comment.id, CommentVote.value == sign).scalar_subquery()}))
    db.session.refresh(comment, ["upvotes", "downvotes"])
    return comment


def comment_tree(proposal: Proposal, order: str = "oldest") -> list[tuple[Comment, int]]:
    """All comments as (comment, depth) in display order: each thread under its parent."""
    comments = list(db.session.scalars(select(Comment).where(Comment.proposal_id == proposal.id)))
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    keys = {
        "oldest": lambda c: (c.created_at, c.id),
        "newest": lambda c: (-c.created_at.timestamp(), -c.id),
        "best": lambda c: (-c.score, c.created_at, c.id),
    }
    key = keys.get(order, keys["oldest"])
    out: list[tuple[Comment, int]] = []

    def walk(parent_id):
        for comment in sorted(children.get(parent_id, []), key=key if parent_id is None else keys["oldest"]):
            out.append((comment, comment.depth))
            walk(comment.id)

    walk(None)
    return out


def my_votes(user: Any, proposal: Proposal) -> dict[int, int]:
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = db.session.execute(select(CommentVote.comment_id, CommentVote.value).join(Comment)
                              .where(Comment.proposal_id == proposal.id, CommentVote.user_id == user.id))
    return dict(rows.all())


# --- official answers ---------------------------------------------------------------------------

def _answered_as(user: Any, proposal: Proposal) -> tuple[str, int | None]:
    if is_official(user):
        department = next((a.department_id for a in user.roles if a.role == Role.OFFICIAL.value), None)
        return "official", department
    if is_admin(user):
        return "admin", None
    return "facilitator", None


def answer_proposal(actor: Any, proposal: Proposal, data: dict) -> ProposalAnswer:
    if not permissions.can_answer_proposal(actor, proposal):
        raise PermissionDenied(_l("Only officials, facilitators of this process and administrators "
                                  "can answer proposals."))
    try:
        state = State(data.get("state"))
    except ValueError:
        raise InvalidInput(_l("Please choose the state of the answer."), field="state") from None
    if state not in ANSWER_STATES:
        raise InvalidInput(_l("Please choose the state of the answer."), field="state")
    if proposal.is_withdrawn:
        raise Conflict(_l("A withdrawn proposal cannot be answered."))
    text = clean_text(data.get("text")).strip()
    if state in (State.ACCEPTED, State.REJECTED) and not text:
        raise InvalidInput(_l("An answer that accepts or rejects a proposal must explain why."),
                           field="text")
    if len(text) > 5000:
        raise InvalidInput(_l("The answer can be at most %(max)d characters long.", max=5000), field="text")
    cost = data.get("cost")
    if cost is not None and (not isinstance(cost, int) or cost < 0 or cost > 10**13):
        raise InvalidInput(_l("The cost must be a whole number of yen."), field="cost")
    period = " ".join(clean_text(data.get("planned_period")).split())[:100] or None
    answered_as, department_id = _answered_as(actor, proposal)
    answer = ProposalAnswer(proposal_id=proposal.id, state=state.value, text=text, cost=cost,
                            planned_period=period, answered_by_id=actor.id,
                            department_id=department_id, answered_as=answered_as)
    db.session.add(answer)
    db.session.flush()
    audit.record(actor, "proposal.answer", proposal, after={
        "answer_id": answer.id, "state": state.value, "text": text, "cost": cost,
        "planned_period": period})
    phase = proposal.process.current_phase()
    if phase is None or phase.publish_answers_immediately:
        _publish(actor, answer)
    return answer


def _publish(actor: Any, answer: ProposalAnswer) -> None:
    proposal = answer.proposal
    before = proposal.state
    proposal.apply_answer(State(answer.state))
    answer.published_at = clock.now()
    db.session.flush()
    audit.record(actor, "proposal.answer.publish", proposal, before={"state": before},
                 after={"state": proposal.state, "answer_id": answer.id})
    notifications.notify_followers(proposal, "proposal.answered",
                                   {"title": proposal.title, "proposal_id": proposal.id,
                                    "state": answer.state}, exclude=None)


def held_answers(process: Process) -> list[ProposalAnswer]:
    """The newest unpublished answer of each proposal whose latest answer is held."""
    latest = (select(func.max(ProposalAnswer.id)).join(Proposal)
              .where(Proposal.process_id == process.id).group_by(ProposalAnswer.proposal_id))
    return list(db.session.scalars(select(ProposalAnswer).where(
        ProposalAnswer.id.in_(latest), ProposalAnswer.published_at.is_(None))
        .options(selectinload(ProposalAnswer.proposal)).order_by(ProposalAnswer.id)))


def publish_answer(actor: Any, answer: ProposalAnswer) -> None:
    proposal = answer.proposal
    if not permissions.can_publish_answers(actor, proposal.process):
        raise PermissionDenied(_l("Only facilitators of this process and administrators can "
                                  "publish answers."))
    if answer.published_at is not None:
        raise Conflict(_l("This answer is already public."))
    newest = db.session.scalar(select(func.max(ProposalAnswer.id))
                               .where(ProposalAnswer.proposal_id == proposal.id))
    if newest != answer.id:
        raise Conflict(_l("A newer answer replaces this one."))
    _publish(actor, answer)


def publish_all_answers(actor: Any, process: Process) -> int:
    if not permissions.can_publish_answers(actor, process):
        raise PermissionDenied(_l("Only facilitators of this process and administrators can "
                                  "publish answers."))
    answers = held_answers(process)
    for answer in answers:
        if not answer.proposal.is_withdrawn:
            _publish(actor, answer)
    return len(answers)


def public_answers(proposal: Proposal) -> list[ProposalAnswer]:
    return [a for a in proposal.answers if a.published_at is not None]


def get_answer(proposal: Proposal, answer_id: int) -> ProposalAnswer:
    answer = db.session.get(ProposalAnswer, answer_id)
    if answer is None or answer.proposal_id != proposal.id:
        raise NotFound(_l("This answer does not exist."))
    return answer


# --- contributions to the process page and notifications ----------------------------------------

def _figures(process: Process) -> list[tuple[str, int]]:
    proposals, supports = db.session.execute(
        select(func.count(Proposal.id), func.coalesce(func.sum(Proposal.supports_count), 0))
        .where(Proposal.process_id == process.id, Proposal.state != State.WITHDRAWN.value)).one()
    comments = db.session.scalar(select(func.coalesce(func.sum(Proposal.comments_count), 0))
                                 .where(Proposal.process_id == process.id)) or 0
    return [(str(_l("Number of proposals")), proposals), (str(_l("Number of supports")), int(supports)),
            (str(_l("Number of comments")), int(comments))]


def _actions(process: Process, user: Any) -> list[tuple[str, str]]:
    actions = []
    decision = process_services.is_allowed(process, Capability.PROPOSE, user)
    if decision.allowed or decision.needs_login:
        actions.append((str(_l("Make a proposal")), url_for("proposals.new", slug=process.slug)))
    if db.session.scalar(select(Proposal.id).where(Proposal.process_id == process.id).limit(1)):
        actions.append((str(_l("See the proposals")), url_for("proposals.index", slug=process.slug)))
    return actions


process_services.FIGURE_PROVIDERS.insert(0, _figures)
process_services.ACTION_PROVIDERS.insert(0, _actions)

notifications.register_kind(
    "proposal.commented", _l("New comment on the proposal “%(title)s”."),
    lambda n: url_for("proposals.detail", proposal_id=n.target_id) + "#comments")
notifications.register_kind(
    "proposal.answered", _l("The city answered the proposal “%(title)s”."),
    lambda n: url_for("proposals.detail", proposal_id=n.target_id) + "#answer")
