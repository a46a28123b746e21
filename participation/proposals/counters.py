"""The counters behind proposal totals, kept exact in the same transaction as every change.

- `ProposalCounter` (process, state): visible proposals, their supports, their visible comments.
- `Proposal.comments_count`: the proposal's comments that are neither deleted nor hidden.

They follow the rows through SQLAlchemy mapper events, so every write through the ORM counts,
whoever makes it (services, moderation hiding or restoring, the API, demo data, tests): a proposal
inserted, deleted, changing state, supports or visibility; a comment inserted, deleted, hidden,
restored or deleted by its author. Changes are atomic `UPDATE ... SET n = n + :d` on counter rows
that exist (an upsert creates them first).

Exact under concurrency: the figures a change moves are read afresh under the proposal's row lock
(commands lock it first: `lock()`; moderators' UPDATE of the row holds it), a proposal's
visibility moves the counters only through a conditional UPDATE of `Proposal.counted` (two
moderators hiding at once count once), and a proposal's comment count is recomputed from the rows
under that lock, the counters moving by the difference. `rebuild()` recomputes everything
(`flask counters rebuild`).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from ..core.services import lock_row
from ..extensions import db
from .models import Comment, Proposal, ProposalCounter, State, Support

#: (process_id, state, supports, comments) of a counted proposal; None when it is not counted
Contribution = tuple[int, str, int, int] | None

_FIGURES = ("process_id", "state", "supports_count", "comments_count")
_P = Proposal.__table__
_C = Comment.__table__


def lock(proposal: Proposal) -> None:
    """Before a command changes what the proposal counts: lock its row, read it afresh."""
    lock_row(Proposal, proposal.id)
    db.session.refresh(proposal, [*_FIGURES, "hidden_at", "counted", "state"])


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


def _fresh(connection: Any, proposal_id: int, *, for_update: bool = False) -> Any:
    query = select(_P.c.process_id, _P.c.state, _P.c.supports_count, _P.c.comments_count, _P.c.hidden_at,
                   _P.c.counted).where(_P.c.id == proposal_id)
    return connection.execute(query.with_for_update() if for_update else query).one_or_none()


# --- proposals ----------------------------------------------------------------------------------

def _proposal_inserted(_mapper: Any, connection: Any, proposal: Proposal) -> None:
    if proposal.hidden_at is None:
        apply(connection, None, (proposal.process_id, str(proposal.state), proposal.supports_count or 0,
                                 proposal.comments_count or 0))
    else:
        connection.execute(update(_P).where(_P.c.id == proposal.id).values(counted=False))


def _proposal_updated(_mapper: Any, connection: Any, proposal: Proposal) -> None:
    state = inspect(proposal)
    if not any(state.attrs[name].history.has_changes() for name in (*_FIGURES, "hidden_at")):
        return
    row = _fresh(connection, proposal.id)  # our UPDATE holds the row lock: this is current
    visible = row.hidden_at is None
    flipped = connection.execute(update(_P).where(_P.c.id == proposal.id, _P.c.counted == (not visible))
                                 .values(counted=visible)).rowcount
    was_counted = (not visible) if flipped else visible
    now = (row.process_id, str(row.state), row.supports_count, row.comments_count)
    old = []
    for index, name in enumerate(_FIGURES):
        deleted = state.attrs[name].history.deleted
        old.append(str(deleted[0]) if deleted and name == "state" else deleted[0] if deleted else now[index])
    apply(connection, tuple(old) if was_counted else None, now if visible else None)  # type: ignore[arg-type]
    set_committed_value(proposal, "counted", visible)


def _proposal_deleted(_mapper: Any, connection: Any, proposal: Proposal) -> None:
    if proposal.counted and proposal.hidden_at is None:
        apply(connection, (proposal.process_id, str(proposal.state), proposal.supports_count,
                           proposal.comments_count), None)


# --- comments -----------------------------------------------------------------------------------

def _recount_comments(connection: Any, proposal_id: int) -> None:
    """Recompute the proposal's visible comments under its row lock; the counters follow."""
    row = _fresh(connection, proposal_id, for_update=True)
    if row is None:
        return
    count = connection.execute(select(func.count()).select_from(_C).where(
        _C.c.proposal_id == proposal_id, _C.c.deleted_at.is_(None), _C.c.hidden_at.is_(None))).scalar_one()
    if count == row.comments_count:
        return
    connection.execute(update(_P).where(_P.c.id == proposal_id).values(comments_count=count))
    if row.counted and row.hidden_at is None:
        _bump(connection, row.process_id, row.state, 0, 0, count - row.comments_count)


def _visible(comment: Comment) -> bool:
    return comment.deleted_at is None and comment.hidden_at is None


def _comment_inserted(_mapper: Any, connection: Any, comment: Comment) -> None:
    if _visible(comment):
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


_LISTENERS = [
    (Proposal, "after_insert", _proposal_inserted), (Proposal, "after_update", _proposal_updated),
    (Proposal, "after_delete", _proposal_deleted), (Comment, "after_insert", _comment_inserted),
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
    """Recompute every proposal's supports and visible comments from the rows (bulk: no events)."""
    db.session.execute(update(Proposal).values(
        supports_count=select(func.count(Support.id)).where(Support.proposal_id == Proposal.id)
        .scalar_subquery(),
        comments_count=select(func.count(Comment.id)).where(
            Comment.proposal_id == Proposal.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .scalar_subquery()), execution_options={"synchronize_session": False})


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
    for shown in (True, False):
        db.session.execute(update(Proposal).where(visible if shown else ~visible, Proposal.counted == (not shown))
                           .values(counted=shown), execution_options={"synchronize_session": False})
    db.session.flush()
    db.session.expire_all()
    return int(db.session.scalar(select(func.count()).select_from(ProposalCounter)) or 0)
