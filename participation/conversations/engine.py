"""Opinion groups and consensus for conversations: a pure engine on numpy, scipy and scikit-learn.

One `compute()` turns the latest votes of a conversation into a 2-D opinion map, opinion groups,
what makes each group distinct (representative statements), what the groups agree on
(group-informed consensus and the overall consensus list) and the figures that route the next
statement to a participant (`choose_next()`). `bridging()` fits the Community Notes model.

The method follows the published Pol.is description (Small et al. 2021, "Polis: Scaling
Deliberation by Mapping High Dimensional Opinion Spaces") and Community Notes' bridging model
(Wojcik et al. 2022, arXiv 2210.15723), implemented from the formulas only:

 1. matrix R, participants x statements with at least one vote: 1 agree, -1 disagree, 0 pass;
 2. moderated-out statements: every cell is 0, as if everyone had passed (seen or not);
 3. centring on the mean of the seen entries of each column, unseen cells stay 0;
 4. the top 2 right singular vectors of the centred sparse matrix (`svds(k=2)`);
 5. projection scaled by sqrt(columns / statements the participant voted on);
 6. participants with at least min(7, columns) votes are clustered (at least the 15 most active;
    once in, always in), the others get the nearest group for display only;
 7. k-means++ (10 restarts, fixed seed) for k = 2..5, k chosen by the mean silhouette, changed
    only when another k has won 4 recomputes in a row;
 8. representative statements per group (one- and two-proportion tests);
 9. group-informed consensus; 10. the overall consensus list; 11. routing priority.

Nothing here knows about Flask, a database or a file format: votes come in as integer ids. Besides
numpy, scipy and scikit-learn it imports only threadpoolctl, which scikit-learn itself requires.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from .bridging import BridgingScore, bridging, bridging_ranking, support_breadth
from .groups import State, opinion_groups, principal_axes
from .routing import Candidate, choose_next, routing_priority, routing_weights
from .statistics import (
    ConsensusStatement,
    Gic,
    Representative,
    StatementStats,
    group_informed_consensus,
    overall_consensus,
    representative_statements,
    statement_extremity,
)
from .votes import (
    AGREE,
    CONSENSUS_SIZE,
    DISAGREE,
    GIC_MIN_VOTES_PER_GROUP,
    MIN_CLUSTERED,
    MIN_VOTES_IN_CONVERSATION,
    PASS,
    BoolArray,
    Direction,
    FloatArray,
    IntArray,
    Votes,
    as_votes,
)

__all__ = [
    "AGREE", "DISAGREE", "PASS", "BridgingScore", "Candidate", "ConsensusStatement", "Gic",
    "Representative", "Result", "State", "StatementStats", "Votes", "bridging", "bridging_ranking",
    "choose_next", "compute", "routing_priority", "routing_weights", "support_breadth",
]


# --------------------------------------------------------------------------------------------
# Input and stored state


# --------------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True, eq=False)
class Result:
    """One recompute. Rows of the per-participant arrays follow `participants` (sorted ids)."""

    participants: IntArray
    coordinates: FloatArray  # (n, 2) position in the opinion map
    in_conversation: BoolArray  # clustered, counted in group statistics
    group: IntArray  # 0..k-1 for the clustered, -1 for the others
    display_group: IntArray  # group for the clustered, nearest group centre for the others
    k: int  # number of groups (0 without votes, 1 when everyone is at one point)
    centres: FloatArray  # (k, 2)
    group_sizes: tuple[int, ...]  # clustered participants per group
    silhouettes: Mapping[int, float]  # mean silhouette of every k tried
    state: State  # store it and pass it as `previous` to the next recompute
    statements: IntArray  # statements with at least one vote (matrix columns)
    moderated_out: frozenset[int]
    representatives: tuple[tuple[Representative, ...], ...]  # per group, best first (none when k < 2)
    gic: Mapping[int, Gic]  # every statement with a vote, moderated-out ones included (never ranked)
    consensus_agree: tuple[ConsensusStatement, ...]
    consensus_disagree: tuple[ConsensusStatement, ...]
    statement_stats: Mapping[int, StatementStats]
    seed_statements: tuple[int, ...]

    def index_of(self, participant: int) -> int | None:
        i = int(np.searchsorted(self.participants, participant))
        if i < self.participants.size and self.participants[i] == participant:
            return i
        return None

    def group_of(self, participant: int) -> int:
        """The display group of a participant, -1 when they have not voted."""
        i = self.index_of(participant)
        return -1 if i is None else int(self.display_group[i])

    def gic_top(self, direction: Direction = "agree", n: int = CONSENSUS_SIZE) -> list[Gic]:
        """The best-ranked statements by group-informed consensus (agreement or shared rejection)."""
        ranked = [g for g in self.gic.values() if g.ranked]
        ranked.sort(key=lambda g: (-(g.agree if direction == "agree" else g.disagree), g.statement))
        return ranked[:n]

    def candidates(self, unseen: Iterable[int]) -> list[Candidate]:
        """Routing candidates for statements a participant has not seen (moderated-out ones dropped).
        Statements without any vote yet are candidates too, with zero counts."""
        seeds = {s: i for i, s in enumerate(self.seed_statements)}
        out = []
        for statement in unseen:
            if statement in self.moderated_out:
                continue
            stats = self.statement_stats.get(statement)
            order = seeds.get(statement)
            counts = (stats.n_agree, stats.n_disagree, stats.n_pass, stats.extremity) if stats else (0, 0, 0, 0.0)
            out.append(Candidate(statement, *counts, seed=order is not None, seed_order=order or 0))
        return out


# --------------------------------------------------------------------------------------------
# The recompute


def compute(
    votes: Votes | Iterable[tuple[int, int, int]],
    *,
    moderated_out: Iterable[int] = (),
    previous: State | None = None,
    seed_statements: Sequence[int] = (),
    k: int | None = None,
    random_seed: int = 0,
    svd: Literal["sparse", "dense"] = "sparse",
    gic_min_votes_per_group: int = GIC_MIN_VOTES_PER_GROUP,
    threads: int | None = 1,
) -> Result:
    """One recompute of a conversation from its votes (latest vote per participant and statement).

    moderated_out: statement ids taken out by moderation; previous: the `state` of the last
    recompute (k hysteresis, who is in the conversation, stable group numbers); seed_statements:
    the facilitator's statements, routed first; k: force a number of groups (no hysteresis);
    svd: "dense" uses a full dense SVD instead of `svds` (same result, for comparison); threads: the
    OpenMP/BLAS threads used (None: the libraries' default). One thread is the default because
    scikit-learn's OpenMP k-means slows down by one or two orders of magnitude when the cores are
    busy with other work (a web server's other requests), and gains little on 2-D points.
    """
    if threads is None:
        return _compute(votes, moderated_out, previous, seed_statements, k, random_seed, svd,
                        gic_min_votes_per_group)
    with threadpool_limits(limits=threads):
        return _compute(votes, moderated_out, previous, seed_statements, k, random_seed, svd,
                        gic_min_votes_per_group)


def _compute(
    votes: Votes | Iterable[tuple[int, int, int]],
    moderated_out: Iterable[int],
    previous: State | None,
    seed_statements: Sequence[int],
    k: int | None,
    random_seed: int,
    svd: Literal["sparse", "dense"],
    gic_min_votes_per_group: int,
) -> Result:
    v = as_votes(votes).latest()
    removed = frozenset(int(s) for s in moderated_out)
    seeds = tuple(int(s) for s in seed_statements)
    previous = previous or State()
    if len(v) == 0:
        return _empty(removed, seeds, previous)

    pids, rows = np.unique(v.participant, return_inverse=True)
    sids, cols = np.unique(v.statement, return_inverse=True)
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    n, c = pids.size, sids.size
    values = v.value.astype(np.float64)
    out_col = np.isin(sids, np.fromiter(removed, dtype=np.int64, count=len(removed)))

    # Steps 1-3: moderated-out columns are all passes, so they are seen by everyone and centre to 0.
    live = ~out_col[cols]
    seen = np.bincount(cols[live], minlength=c)
    mu = np.bincount(cols[live], weights=values[live], minlength=c) / np.maximum(seen, 1)
    centred = sparse.csr_matrix((values[live] - mu[cols[live]], (rows[live], cols[live])), shape=(n, c))
    voted = np.bincount(rows[live], minlength=n) + int(out_col.sum())

    # Steps 4-5.
    axes, singular = principal_axes(centred, svd, random_seed)
    coordinates = np.asarray(centred @ axes.T) * np.sqrt(c / np.maximum(voted, 1))[:, None]

    # Step 6.
    cast = np.bincount(rows, minlength=n)
    clustered = cast >= min(MIN_VOTES_IN_CONVERSATION, c)
    if previous.in_conversation:
        clustered |= np.isin(pids, np.fromiter(previous.in_conversation, dtype=np.int64))
    if clustered.sum() < MIN_CLUSTERED:
        clustered[np.lexsort((pids, -cast))[:MIN_CLUSTERED]] = True

    # Step 7.
    chosen, labels, centres, silhouettes, state = opinion_groups(coordinates[clustered], pids[clustered], previous, k,
                                                          random_seed)
    group = np.full(n, -1, dtype=np.int64)
    group[clustered] = labels
    distance = ((coordinates[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    display = np.argmin(distance, axis=1).astype(np.int64)
    display[clustered] = labels
    sizes = tuple(int(x) for x in np.bincount(labels, minlength=chosen))

    # Counts per group and statement (clustered participants only), then steps 8-10.
    agree_cell, disagree_cell = v.value == AGREE, v.value == DISAGREE
    member = clustered[rows]
    key = group[rows[member]] * c + cols[member]
    shape = (chosen, c)
    group_seen = np.bincount(key, minlength=chosen * c).reshape(shape)
    group_agree = np.bincount(key[agree_cell[member]], minlength=chosen * c).reshape(shape)
    group_disagree = np.bincount(key[disagree_cell[member]], minlength=chosen * c).reshape(shape)

    representatives = tuple(
        representative_statements(sids, out_col, group_agree, group_disagree, group_seen, g) for g in range(chosen)
    ) if chosen >= 2 else tuple(() for _ in range(chosen))
    gic = group_informed_consensus(sids, out_col, group_agree, group_disagree, group_seen, gic_min_votes_per_group)
    consensus_agree, consensus_disagree = overall_consensus(
        sids, out_col, group_agree.sum(axis=0), group_disagree.sum(axis=0), group_seen.sum(axis=0))

    # Statement figures over everyone, and extremity E (step 11).
    extremity = statement_extremity(axes, singular, out_col)
    all_agree = np.bincount(cols[agree_cell], minlength=c)
    all_disagree = np.bincount(cols[disagree_cell], minlength=c)
    all_pass = np.bincount(cols[v.value == PASS], minlength=c)
    statement_stats = {
        int(s): StatementStats(int(s), int(all_agree[j]), int(all_disagree[j]), int(all_pass[j]),
                               float(extremity[j]), bool(out_col[j]))
        for j, s in enumerate(sids)
    }

    state = State(
        k=state.k, challenger=state.challenger, streak=state.streak,
        in_conversation=frozenset(int(p) for p in pids[clustered]),
        groups={int(p): int(g) for p, g in zip(pids[clustered], labels, strict=True)},
    )
    return Result(
        participants=pids.astype(np.int64), coordinates=coordinates, in_conversation=clustered, group=group,
        display_group=display, k=chosen, centres=centres, group_sizes=sizes, silhouettes=silhouettes,
        state=state, statements=sids.astype(np.int64), moderated_out=removed, representatives=representatives,
        gic=gic, consensus_agree=consensus_agree, consensus_disagree=consensus_disagree,
        statement_stats=statement_stats, seed_statements=seeds,
    )


def _empty(removed: frozenset[int], seeds: tuple[int, ...], previous: State) -> Result:
    none = np.zeros(0, dtype=np.int64)
    return Result(
        participants=none, coordinates=np.zeros((0, 2)), in_conversation=np.zeros(0, dtype=bool), group=none,
        display_group=none, k=0, centres=np.zeros((0, 2)), group_sizes=(), silhouettes={},
        state=previous,  # nothing to recompute: keep what the last recompute knew
        statements=none, moderated_out=removed, representatives=(), gic={}, consensus_agree=(),
        consensus_disagree=(), statement_stats={}, seed_statements=seeds,
    )


# --------------------------------------------------------------------------------------------
# Statistics (steps 8-10)


# --------------------------------------------------------------------------------------------
# Routing (step 11)


# --------------------------------------------------------------------------------------------
# Bridging (Community Notes model)


