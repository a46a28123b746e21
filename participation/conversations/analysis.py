"""Recomputing a conversation: votes from the database through the pure engine, results stored.

Pages read only what is stored here (groups, positions, per-statement figures); a recompute runs as
a background job (`jobs.py`) after `CONVERSATION_RECOMPUTE_VOTES` new votes or
`CONVERSATION_RECOMPUTE_SECONDS` after the last one, whichever comes first, and from
`flask conversations recompute`.
"""
from __future__ import annotations

import string
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import case, select, update

from ..core import clock
from ..extensions import db
from .models import Analysis, Conversation, Participant, Statement, StatementState, Vote

if TYPE_CHECKING:  # numpy, scipy and scikit-learn load only where a recompute runs (job, CLI)
    import numpy as np

    from . import engine

DIVISIVE_SHOWN = 5


def group_label(index: int) -> str:
    """A, B, C… (then A2, B2… should there ever be more than 26 groups)."""
    letters = string.ascii_uppercase
    return letters[index % 26] + (str(index // 26 + 1) if index >= 26 else "")


def load_votes(conversation: Conversation) -> engine.Votes:
    import numpy as np

    from . import engine

    rows = db.session.execute(select(Vote.participant_id, Vote.statement_id, Vote.value)
                              .where(Vote.conversation_id == conversation.id).order_by(Vote.id)).all()
    if not rows:
        return engine.Votes.from_rows([])
    data = np.array(rows, dtype=np.int64)
    return engine.Votes(data[:, 0], data[:, 1], data[:, 2].astype(np.int8))


def _hull(points: np.ndarray) -> list[list[float]]:
    """The outline of a group on the map: its convex hull (a point or a segment for tiny groups)."""
    import numpy as np
    from scipy.spatial import ConvexHull, QhullError

    if len(points) == 0:
        return []
    unique = np.unique(points.round(6), axis=0)
    if len(unique) >= 3:
        try:
            hull = ConvexHull(unique)
            return [[float(x), float(y)] for x, y in unique[hull.vertices]]
        except QhullError:  # all on one line
            pass
    return [[float(x), float(y)] for x, y in unique]


def _group_counts(votes: engine.Votes, result: engine.Result, statement_ids: list[int]) -> dict[int, list[list[int]]]:
    """Per statement and group: [agree, disagree, seen] among the group's clustered members
    (vectorised: a recompute of a million votes spends no time in a Python loop here)."""
    import numpy as np

    from . import engine

    k = max(result.k, 1)
    counts = np.zeros((len(statement_ids), k, 3), dtype=np.int64)
    participants = np.asarray(result.participants, dtype=np.int64)  # sorted ids
    columns = np.asarray(statement_ids, dtype=np.int64)
    if len(votes) and participants.size and columns.size:
        order = np.argsort(columns)
        i = np.searchsorted(participants, votes.participant).clip(0, participants.size - 1)
        j = np.searchsorted(columns[order], votes.statement).clip(0, columns.size - 1)
        known = (participants[i] == votes.participant) & (columns[order][j] == votes.statement)
        groups = np.where(known, np.asarray(result.group)[i], -1)
        keep = known & np.asarray(result.in_conversation)[i] & (groups >= 0)
        rows, g, value = order[j[keep]], groups[keep], votes.value[keep]
        np.add.at(counts, (rows, g, 2), 1)
        np.add.at(counts, (rows[value == engine.AGREE], g[value == engine.AGREE], 0), 1)
        np.add.at(counts, (rows[value == engine.DISAGREE], g[value == engine.DISAGREE], 1), 1)
    return {sid: counts[j].tolist() for j, sid in enumerate(statement_ids)}


def recompute(conversation: Conversation, *, random_seed: int = 0) -> Analysis:
    """Run the engine on the conversation's latest votes and store everything pages need."""
    import numpy as np

    from . import engine

    # The new votes this recompute accounts for, read before the votes themselves: votes cast while
    # it runs stay counted for the next one (resetting to 0 would lose them for good once the
    # conversation goes quiet, as the sweep only looks at conversations with new votes).
    accounted = db.session.scalar(select(Conversation.votes_since_analysis)
                                  .where(Conversation.id == conversation.id)) or 0
    votes = load_votes(conversation).latest()
    statements = list(db.session.scalars(select(Statement).where(Statement.conversation_id == conversation.id)))
    moderated_out = [s.id for s in statements if s.state is StatementState.REJECTED or s.hidden_at is not None]
    seeds = [s.id for s in sorted((s for s in statements if s.is_seed), key=lambda s: (s.seed_order, s.id))]
    analysis = db.session.scalar(select(Analysis).where(Analysis.conversation_id == conversation.id))
    if analysis is None:
        analysis = Analysis(conversation_id=conversation.id)
        db.session.add(analysis)
    previous = engine.State.from_dict(analysis.state) if analysis.state else None
    result = engine.compute(votes, moderated_out=moderated_out, previous=previous, seed_statements=seeds,
                            random_seed=random_seed)

    # Positions of participants on the map (display group for everyone, in_conversation flag).
    db.session.execute(update(Participant).where(Participant.conversation_id == conversation.id)
                       .values(x=None, y=None, group=None, in_conversation=False))
    rows = [{"id": int(pid), "x": float(result.coordinates[i, 0]), "y": float(result.coordinates[i, 1]),
             "group": int(result.display_group[i]) if result.k else None,
             "in_conversation": bool(result.in_conversation[i])}
            for i, pid in enumerate(result.participants)]
    if rows:  # bulk UPDATE by primary key
        db.session.execute(update(Participant), rows)
    # Routing reads each statement's extremity.
    stats = result.statement_stats
    extremity = [{"id": s.id, "extremity": float(stats[s.id].extremity) if s.id in stats else 0.0}
                 for s in statements]
    if extremity:
        db.session.execute(update(Statement), extremity)

    sids = [int(s) for s in result.statements]
    per_group = _group_counts(votes, result, sids)
    groups: list[dict[str, Any]] = []
    for g in range(result.k):
        members = result.coordinates[result.display_group == g] if len(result.participants) else np.zeros((0, 2))
        groups.append({
            "label": group_label(g), "size": int(result.group_sizes[g]) if g < len(result.group_sizes) else 0,
            "centre": [float(v) for v in result.centres[g]] if g < len(result.centres) else [0.0, 0.0],
            "hull": _hull(members),
            "representatives": [
                {"statement": int(r.statement), "direction": r.direction, "n_agree": int(r.n_agree),
                 "n_disagree": int(r.n_disagree), "n_seen": int(r.n_seen), "p": float(r.p),
                 "ratio": float(r.ratio), "significant": bool(r.significant)}
                for r in (result.representatives[g] if g < len(result.representatives) else ())],
        })
    visible = {s.id for s in statements if s.is_visible}
    gic = result.gic
    analysis.statements = {
        str(sid): {"groups": per_group.get(sid, []),
                   "gic_agree": float(gic[sid].agree) if sid in gic else None,
                   "gic_disagree": float(gic[sid].disagree) if sid in gic else None}
        for sid in sids}
    def shared(sid: int, column: int) -> bool:
        """Most of every group that saw it agreed (column 0) or disagreed (column 1)."""
        counts = per_group.get(sid) or []
        return bool(counts) and all(c[2] > 0 and c[column] * 2 > c[2] for c in counts)

    analysis.consensus = [int(g.statement) for g in result.gic_top("agree")
                          if g.statement in visible and shared(int(g.statement), 0)]
    analysis.rejections = [int(g.statement) for g in result.gic_top("disagree")
                           if g.statement in visible and shared(int(g.statement), 1)]
    analysis.divisive = [sid for sid in sorted(visible & set(stats), key=lambda s: (-stats[s].extremity, s))
                         if stats[sid].n_seen >= 5][:DIVISIVE_SHOWN]
    analysis.groups = groups
    analysis.k = int(result.k)
    analysis.state = result.state.to_dict()
    analysis.participants = len(result.participants)
    analysis.in_conversation = int(np.count_nonzero(result.in_conversation))
    analysis.votes = len(votes)
    if len(result.participants):
        lo, hi = result.coordinates.min(axis=0), result.coordinates.max(axis=0)
        analysis.bounds = [float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])]
    else:
        analysis.bounds = []
    analysis.computed_at = clock.now()
    db.session.flush()
    remaining = Conversation.votes_since_analysis - accounted
    db.session.execute(update(Conversation).where(Conversation.id == conversation.id).values(
        votes_since_analysis=case((remaining > 0, remaining), else_=0)).execution_options(synchronize_session=False))
    db.session.expire_all()  # positions and extremities were written in bulk, around the identity map
    return analysis


def is_due(conversation: Conversation, computed_at: datetime | None) -> bool:
    """Whether a recompute is due, given when the last one ran (`computed_at`, None if never)."""
    if conversation.votes_count == 0 or conversation.votes_since_analysis <= 0:
        return False
    if computed_at is None:
        return True
    if conversation.votes_since_analysis >= current_app.config.get("CONVERSATION_RECOMPUTE_VOTES", 20):
        return True
    seconds = current_app.config.get("CONVERSATION_RECOMPUTE_SECONDS", 300)
    return clock.now() - computed_at >= timedelta(seconds=seconds)


def last_computed_at(conversation: Conversation) -> datetime | None:
    """When the last analysis ran, without loading it (its state grows with the participants:
    this is read after every vote)."""
    return db.session.scalar(select(Analysis.computed_at).where(Analysis.conversation_id == conversation.id))


def latest(conversation: Conversation) -> Analysis | None:
    return db.session.scalar(select(Analysis).where(Analysis.conversation_id == conversation.id))


