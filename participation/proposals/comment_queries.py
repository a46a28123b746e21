"""Reading comments a page at a time: a proposal with 10,000 comments costs what one with 50 does.

- Top-level comments come COMMENTS_PER_PAGE at a time (`?page=`), in the chosen order, each from an
  index range: (proposal, parent, created) for oldest/newest; "best" sorts the proposal's top-level
  comments by score with a LIMIT; "broad support" ranks the BRIDGING_CANDIDATES most-voted ones.
- Under each, the first REPLIES_SHOWN replies of its thread (one query: a UNION ALL of one small
  LIMITed index range per thread), then a link to the whole thread (`?thread=`), which shows up to
  THREAD_MAX replies. `Comment.replies_count` says how many there are without counting.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select, union_all

from ..core.bridging import bridging
from ..core.permissions import is_signed_in
from ..core.types import Actor
from ..extensions import db
from .models import Comment, CommentVote, Proposal

COMMENTS_PER_PAGE = 50
REPLIES_SHOWN = 3
THREAD_MAX = 1000
BRIDGING_CANDIDATES = 300
COMMENT_ORDERS = ("oldest", "newest", "best", "bridging")


@dataclass
class Thread:
    root: Comment
    replies: list[tuple[Comment, int]]  # (reply, depth) in thread order
    more: int = 0  # replies not shown


@dataclass
class CommentPage:
    threads: list[Thread]
    page: int = 1
    has_next: bool = False
    thread_view: bool = False  # one whole thread (?thread=)
    ids: list[int] = field(default_factory=list)


def _top_level(proposal: Proposal) -> list[ColumnElement[bool]]:
    return [Comment.proposal_id == proposal.id, Comment.parent_id.is_(None)]


def _ordered_page(proposal: Proposal, order: str, offset: int, limit: int) -> list[Comment]:
    orders: dict[str, tuple[Any, ...]] = {
        "oldest": (Comment.created_at, Comment.id),
        "newest": (Comment.created_at.desc(), Comment.id.desc()),
        "best": ((Comment.upvotes - Comment.downvotes).desc(), Comment.created_at, Comment.id),
    }
    if order == "bridging":
        return _bridging_page(proposal, offset, limit)
    return list(db.session.scalars(select(Comment).where(*_top_level(proposal))
                                   .order_by(*orders.get(order, orders["oldest"])).offset(offset).limit(limit)))


def _bridging_page(proposal: Proposal, offset: int, limit: int) -> list[Comment]:
    """Broad support (幅広い支持): among the BRIDGING_CANDIDATES most-voted top-level comments,
    those liked across the divide first (Community Notes' bridging model on up/down votes); the
    rest of the candidates by score, then every other top-level comment by score."""
    by_votes = ((Comment.upvotes + Comment.downvotes).desc(), Comment.id)
    candidates = list(db.session.scalars(select(Comment).where(
        *_top_level(proposal), (Comment.upvotes + Comment.downvotes) > 0).order_by(*by_votes)
        .limit(BRIDGING_CANDIDATES)))
    ranked = sorted(candidates, key=_bridging_key(candidates))[offset:offset + limit]
    if len(ranked) < limit:
        rest = [*_top_level(proposal)]
        if candidates:
            rest.append(Comment.id.not_in([c.id for c in candidates]))
        ranked += list(db.session.scalars(select(Comment).where(*rest).order_by(
            (Comment.upvotes - Comment.downvotes).desc(), Comment.created_at, Comment.id)
            .offset(max(0, offset - len(candidates))).limit(limit - len(ranked))))
    return ranked


def _bridging_key(comments: list[Comment]) -> Callable[[Comment], tuple[Any, ...]]:
    ids = [c.id for c in comments]
    rows = db.session.execute(select(CommentVote.user_id, CommentVote.comment_id, CommentVote.value)
                              .where(CommentVote.comment_id.in_(ids))).all() if ids else []
    scores = bridging(rows)

    def key(comment: Comment) -> tuple[Any, ...]:
        score = scores.get(comment.id)
        if score is not None and score.eligible:
            return (0, -score.intercept, comment.created_at, comment.id)
        return (1, -comment.score, comment.created_at, comment.id)
    return key


def _in_thread_order(root: Comment, replies: list[Comment]) -> list[tuple[Comment, int]]:
    children: dict[int | None, list[Comment]] = {}
    for reply in replies:
        children.setdefault(reply.parent_id, []).append(reply)
    out: list[tuple[Comment, int]] = []

    def walk(parent_id: int) -> None:
        for reply in sorted(children.get(parent_id, []), key=lambda c: (c.created_at, c.id)):
            out.append((reply, reply.depth))
            walk(reply.id)

    walk(root.id)
    return out


def _threads(roots: list[Comment], per_thread: int) -> list[Thread]:
    """Each root with its first `per_thread` replies (a reply's parent is older, so it is shown too)."""
    with_replies = [r.id for r in roots if r.replies_count]
    replies: list[Comment] = []
    if with_replies:
        parts = [select(Comment.id).where(Comment.root_id == root_id)
                 .order_by(Comment.created_at, Comment.id).limit(per_thread).subquery()
                 for root_id in with_replies]
        chosen = union_all(*[select(part.c.id) for part in parts]) if len(parts) > 1 else select(parts[0].c.id)
        replies = list(db.session.scalars(select(Comment).where(Comment.id.in_(chosen))))
    by_root: dict[int, list[Comment]] = {}
    for reply in replies:
        by_root.setdefault(reply.root_id or 0, []).append(reply)
    threads = []
    for root in roots:
        shown = _in_thread_order(root, by_root.get(root.id, []))
        threads.append(Thread(root, shown, max(0, root.replies_count - len(shown))))
    return threads


def comment_page(proposal: Proposal, order: str = "oldest", page: int = 1,
                 thread: int | None = None) -> CommentPage:
    """One page of top-level comments with their first replies, or one whole thread: a fixed
    number of queries (three) whatever the number of comments."""
    if thread is not None:
        root = db.session.get(Comment, thread)
        if root is not None and root.proposal_id == proposal.id:
            root = db.session.get(Comment, root.root_id) if root.root_id else root
            if root is not None:
                threads = _threads([root], THREAD_MAX)
                return CommentPage(threads, thread_view=True, ids=_ids(threads))
    page = max(1, page)
    roots = _ordered_page(proposal, order, (page - 1) * COMMENTS_PER_PAGE, COMMENTS_PER_PAGE + 1)
    has_next, roots = len(roots) > COMMENTS_PER_PAGE, roots[:COMMENTS_PER_PAGE]
    threads = _threads(roots, REPLIES_SHOWN)
    return CommentPage(threads, page, has_next, ids=_ids(threads))


def _ids(threads: list[Thread]) -> list[int]:
    return [c.id for t in threads for c in (t.root, *(r for r, _d in t.replies))]


def my_votes(user: Actor, comment_ids: list[int]) -> dict[int, int]:
    """{comment id: +1 or -1} for those of `comment_ids` that `user` voted on."""
    viewer = getattr(user, "id", None) if is_signed_in(user) else None
    if viewer is None or not comment_ids:
        return {}
    rows = db.session.execute(select(CommentVote.comment_id, CommentVote.value)
                              .where(CommentVote.comment_id.in_(comment_ids), CommentVote.user_id == viewer))
    return {comment_id: value for comment_id, value in rows}


def comment_tree(proposal: Proposal, order: str = "oldest") -> list[tuple[Comment, int]]:
    """The first page of comments as (comment, depth) in display order (threads collapsed)."""
    return [entry for t in comment_page(proposal, order).threads for entry in ((t.root, 1), *t.replies)]
