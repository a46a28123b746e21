"""The per-process, per-state counters behind proposal totals (ProposalCounter), kept exact.

Every change that alters what is counted runs through here, in the same transaction:

- `track(proposal)` before the change: locks the proposal's row and reads its current figures
  afresh (on PostgreSQL another transaction may have changed them since they were loaded);
- `settle(proposal, before)` after it: adds the difference to the counter rows with atomic
  `UPDATE ... SET n = n + :d` on rows that exist (created by an upsert first).

Publishing, withdrawing, publishing an answer, supporting, commenting, deleting a comment and
moderators hiding or restoring a proposal or a comment (`signals.content_visibility_changed`) all
go through these two calls, one proposal row lock at a time, so concurrent changes never lose or
double an increment. `rebuild()` recomputes everything from the rows (`flask counters rebuild`).
"""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..core.services import lock_row
from ..extensions import db
from .models import Comment, Proposal, ProposalCounter, State, Support

#: (process_id, state, supports, comments) of a counted proposal; None when it is not counted
Contribution = tuple[int, str, int, int] | None

_FIGURES = ("counted", "state", "supports_count", "comments_count", "hidden_at")


def contribution(proposal: Proposal) -> Contribution:
    if not proposal.counted or proposal.hidden_at is not None:
        return None
    return (proposal.process_id, str(proposal.state), proposal.supports_count, proposal.comments_count)


def _ensure_row(process_id: int, state: str) -> None:
    values = {"process_id": process_id, "state": state, "proposals": 0, "supports": 0, "comments": 0}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(postgresql.insert(ProposalCounter).values(**values).on_conflict_do_nothing())
    else:
        db.session.execute(sqlite.insert(ProposalCounter).values(**values).on_conflict_do_nothing())


def _add(process_id: int, state: str, proposals: int, supports: int, comments: int) -> None:
    if not (proposals or supports or comments):
        return
    _ensure_row(process_id, state)
    db.session.execute(update(ProposalCounter).where(
        ProposalCounter.process_id == process_id, ProposalCounter.state == state).values(
        proposals=ProposalCounter.proposals + proposals, supports=ProposalCounter.supports + supports,
        comments=ProposalCounter.comments + comments))


def apply(before: Contribution, after: Contribution) -> None:
    """Move a proposal's share of the counters from `before` to `after`."""
    if before == after:
        return
    if before is not None and after is not None and before[:2] == after[:2]:
        _add(before[0], before[1], 0, after[2] - before[2], after[3] - before[3])
        return
    if before is not None:
        _add(before[0], before[1], -1, -before[2], -before[3])
    if after is not None:
        _add(after[0], after[1], 1, after[2], after[3])


def track(proposal: Proposal) -> Contribution:
    """Lock the proposal's row and return its share of the counters as it stands now."""
    lock_row(Proposal, proposal.id)
    db.session.refresh(proposal, list(_FIGURES))
    return contribution(proposal)


def settle(proposal: Proposal, before: Contribution) -> None:
    """After the change: flush it and move the proposal's share of the counters."""
    db.session.flush()
    db.session.refresh(proposal, list(_FIGURES))
    apply(before, contribution(proposal))


def added(proposal: Proposal) -> None:
    """A new proposal (flushed) joins the counters."""
    apply(None, contribution(proposal))


def visibility_changed(proposal: Proposal) -> None:
    """A moderator hid or restored the proposal: it leaves or rejoins the counters, once."""
    lock_row(Proposal, proposal.id)
    db.session.refresh(proposal, list(_FIGURES))
    visible = proposal.hidden_at is None
    changed = cast(CursorResult[Any], db.session.execute(update(Proposal).where(
        Proposal.id == proposal.id, Proposal.counted == (not visible)).values(counted=visible))).rowcount
    if not changed:
        return
    figures = (proposal.process_id, str(proposal.state), proposal.supports_count, proposal.comments_count)
    apply(None, figures) if visible else apply(figures, None)
    db.session.refresh(proposal, ["counted"])


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

def recount_proposals(process_id: int | None = None) -> None:
    """Recompute every proposal's supports and visible comments from the rows."""
    where = [Proposal.process_id == process_id] if process_id is not None else []
    db.session.execute(update(Proposal).where(*where).values(
        supports_count=select(func.count(Support.id)).where(Support.proposal_id == Proposal.id)
        .scalar_subquery(),
        comments_count=select(func.count(Comment.id)).where(
            Comment.proposal_id == Proposal.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .scalar_subquery(),
        counted=Proposal.hidden_at.is_(None)), execution_options={"synchronize_session": False})


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

