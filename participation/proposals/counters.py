"""The counters behind proposal totals, kept exact in the same transaction as every change.

- `ProposalCounter` (process, state): visible proposals, their supports, their visible comments.
- `Proposal.comments_count`: the proposal's comments that are neither deleted nor hidden.

They follow the rows through SQLAlchemy mapper events, so every write through the ORM counts,
whoever makes it (services, moderation hiding or restoring, the API, demo data, tests): a proposal
inserted, deleted, changing state, supports or visibility; a comment inserted, deleted, hidden,
restored or deleted by its author. Changes are atomic `UPDATE ... SET n = n + :d` on counter rows
that exist (an upsert creates them first).

Exact under concurrency and whatever a session had loaded: each proposal row records the share
of the counters it holds (`counted_state`, `counted_supports`, `counted_comments`); after any
write, `sync()` reads the row under its lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite has one
writer), moves the counters by the difference between what the row is and what it holds, and
records the new share in the same transaction. Two moderators hiding the same proposal at once
move it once; a stale value in a session never leaks into the counters. A proposal's comment
count is recomputed from the rows under the same lock. Commands lock the row first (`lock()`).
`rebuild()` recomputes everything (`flask counters rebuild`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Table, case, delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..core.services import lock_row
from ..extensions import db
from .models import Comment, Proposal, ProposalCounter, State, Support

#: (process_id, state, supports, comments) of a counted proposal; None when it is not counted
Contribution = tuple[int, str, int, int] | None

_FIGURES = ("process_id", "state", "supports_count", "comments_count", "hidden_at")
_P = cast(Table, Proposal.__table__)
_C = cast(Table, Comment.__table__)


def lock(proposal: Proposal) -> None:
    """Before a command changes what the proposal counts: lock its row, read it afresh."""
    lock_row(Proposal, proposal.id)
    db.session.refresh(proposal, list(_FIGURES))


def _bump(connection: Any, process_id: int, state: str, proposals: int, supports: int, comments: int) -> None:
    if not (proposals or supports or comments):
        return
    values = {"process_id": process_id, "state": str(state), "proposals": 0, "supports": 0, "comments": 0}
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(ProposalCounter).values(**values).on_conflict_do_nothing())
    connection.execute(update(ProposalCounter).where(
        ProposalCounter.process_id == process_id, ProposalCounter.state == str(state)).values(
        proposals=ProposalCounter.proposals + proposals, supports=ProposalCounter.supports + supports,
        comments=ProposalCounter.comments + comments))


def apply(connection: Any, before: Contribution, after: Contribution) -> None:
    """Move a proposal's share of the counters from `before` to `after`."""
    if before == after:
        return
    if before is not None and after is not None and before[:2] == after[:2]:
        _bump(connection, before[0], before[1], 0, after[2] - before[2], after[3] - before[3])
        return
    if before is not None:
        _bump(connection, before[0], before[1], -1, -before[2], -before[3])
    if after is not None:
        _bump(connection, after[0], after[1], 1, after[2], after[3])


def sync(connection: Any, proposal_id: int, *, deleting: bool = False) -> None:
    """Bring the counters in line with the proposal's row: under its row lock, compare what they
    hold for it (`counted_*`) with what it is now, move the difference, record the new share."""
    row = connection.execute(select(
        _P.c.process_id, _P.c.state, _P.c.supports_count, _P.c.comments_count, _P.c.hidden_at,
        _P.c.counted_state, _P.c.counted_supports, _P.c.counted_comments)
        .where(_P.c.id == proposal_id).with_for_update()).one_or_none()
    if row is None:
        return
    held: Contribution = None if row.counted_state is None else (
        row.process_id, str(row.counted_state), row.counted_supports, row.counted_comments)
    now: Contribution = None if deleting or row.hidden_at is not None else (
        row.process_id, str(row.state), row.supports_count, row.comments_count)
    if held == now:
        return
    apply(connection, held, now)
    if not deleting:
        connection.execute(update(_P).where(_P.c.id == proposal_id).values(
            counted_state=now[1] if now else None, counted_supports=now[2] if now else 0,
            counted_comments=now[3] if now else 0))


# --- mapper events ------------------------------------------------------------------------------

def _proposal_inserted(_mapper: Any, connection: Any, proposal: Proposal) -> None:
    sync(connection, proposal.id)


def _proposal_updated(_mapper: Any, connection: Any, proposal: Proposal) -> None:
    state = inspect(proposal)
    if any(state.attrs[name].history.has_changes() for name in _FIGURES):
        sync(connection, proposal.id)


def _proposal_deleted(_mapper: Any, connection: Any, proposal: Proposal) -> None:
    sync(connection, proposal.id, deleting=True)


def _recount_comments(connection: Any, proposal_id: int) -> None:
    """Recompute the proposal's visible comments under its row lock; the counters follow."""
    row = connection.execute(select(_P.c.comments_count).where(_P.c.id == proposal_id)
                             .with_for_update()).one_or_none()
    if row is None:
        return
    count = connection.execute(select(func.count()).select_from(_C).where(
        _C.c.proposal_id == proposal_id, _C.c.deleted_at.is_(None), _C.c.hidden_at.is_(None))).scalar_one()
    if count != row.comments_count:
        connection.execute(update(_P).where(_P.c.id == proposal_id).values(comments_count=count))
    sync(connection, proposal_id)


def _comment_inserted(_mapper: Any, connection: Any, comment: Comment) -> None:
    if comment.deleted_at is None and comment.hidden_at is None:
        _recount_comments(connection, comment.proposal_id)


def _comment_updated(_mapper: Any, connection: Any, comment: Comment) -> None:
    state = inspect(comment)
    if state.attrs.hidden_at.history.has_changes() or state.attrs.deleted_at.history.has_changes():
        _recount_comments(connection, comment.proposal_id)


def _comment_deleted(_mapper: Any, connection: Any, comment: Comment) -> None:
    _recount_comments(connection, comment.proposal_id)


def _render_comment(_mapper: Any, _connection: Any, comment: Comment) -> None:
    """A comment's HTML is rendered when it is written, never per view."""
    from ..core.sanitize import resident_html

    state = inspect(comment)
    if state.attrs.body.history.has_changes() or not state.persistent:
        comment.body_html = str(resident_html(comment.body)) if comment.body else ""


_LISTENERS: list[tuple[Any, str, Callable[..., Any]]] = [
    (Proposal, "after_insert", _proposal_inserted), (Proposal, "after_update", _proposal_updated),
    (Proposal, "before_delete", _proposal_deleted), (Comment, "after_insert", _comment_inserted),
    (Comment, "after_update", _comment_updated), (Comment, "after_delete", _comment_deleted),
    (Comment, "before_insert", _render_comment), (Comment, "before_update", _render_comment),
]


def listen() -> None:
    """Connect the mapper events (once per process; they apply to every app)."""
    for model, name, function in _LISTENERS:
        if not event.contains(model, name, function):
            event.listen(model, name, function)


# --- reading ------------------------------------------------------------------------------------

def totals(process_id: int) -> dict[str, tuple[int, int, int]]:
    """{state: (proposals, supports, comments)} of the process's visible proposals (one query)."""
    rows = db.session.execute(select(ProposalCounter.state, ProposalCounter.proposals,
                                     ProposalCounter.supports, ProposalCounter.comments)
                              .where(ProposalCounter.process_id == process_id))
    return {str(state): (n, s, c) for state, n, s, c in rows}


def count_in_states(process_id: int, states: list[str] | None) -> int:
    """How many visible proposals the process has in `states` (None: every state but withdrawn)."""
    found = totals(process_id)
    wanted = states if states is not None else [s.value for s in State if s != State.WITHDRAWN]
    return sum(found.get(state, (0, 0, 0))[0] for state in wanted)


# --- rebuilding ---------------------------------------------------------------------------------

def recount_proposals() -> None:
    """Recompute every proposal's supports and visible comments, and every thread's replies, from
    the rows (bulk statements: no events)."""
    db.session.execute(update(Proposal).values(
        supports_count=select(func.count(Support.id)).where(Support.proposal_id == Proposal.id)
        .scalar_subquery(),
        comments_count=select(func.count(Comment.id)).where(
            Comment.proposal_id == Proposal.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .scalar_subquery()), execution_options={"synchronize_session": False})
    replies = _C.alias("replies")
    db.session.execute(update(_C).where(_C.c.parent_id.is_(None)).values(
        replies_count=select(func.count()).select_from(replies).where(replies.c.root_id == _C.c.id)
        .scalar_subquery()))


def rebuild(*, per_proposal: bool = True) -> int:
    """Recompute the counters from the rows (and first each proposal's own counts, unless
    `per_proposal` is False); returns how many counter rows there are."""
    if per_proposal:
        recount_proposals()
    db.session.execute(delete(ProposalCounter))
    visible = Proposal.hidden_at.is_(None)
    grouped = (select(Proposal.process_id, Proposal.state, func.count(Proposal.id),
                      func.coalesce(func.sum(Proposal.supports_count), 0),
                      func.coalesce(func.sum(Proposal.comments_count), 0))
               .where(visible).group_by(Proposal.process_id, Proposal.state))
    db.session.execute(insert(ProposalCounter).from_select(
        ["process_id", "state", "proposals", "supports", "comments"], grouped))
    db.session.execute(update(Proposal).values(
        counted_state=case((visible, Proposal.state), else_=None),
        counted_supports=case((visible, Proposal.supports_count), else_=0),
        counted_comments=case((visible, Proposal.comments_count), else_=0)),
        execution_options={"synchronize_session": False})
    db.session.flush()
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(ProposalCounter)) or 0)
