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

Nothing here knows about Flask, a database or a file format: votes come in as integer ids.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.sparse.linalg import svds
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

__all__ = [
    "AGREE", "DISAGREE", "PASS", "BridgingScore", "Candidate", "ConsensusStatement", "Gic",
    "Representative", "Result", "State", "StatementStats", "Votes", "bridging", "bridging_ranking",
    "choose_next", "compute", "routing_priority", "routing_weights", "support_breadth",
]

AGREE, DISAGREE, PASS = 1, -1, 0
Z90 = 1.2816  # one-sided 90 % critical value of the standard normal
MIN_VOTES_IN_CONVERSATION = 7
MIN_CLUSTERED = 15
K_CANDIDATES = (2, 3, 4, 5)
KMEANS_RESTARTS = 10  # at least; more while cheap (see `_restarts`)
KMEANS_RESTARTS_MAX = 100
KMEANS_RESTART_BUDGET = 300_000  # points x restarts per k
SILHOUETTE_SAMPLE = 3000
HYSTERESIS = 4  # consecutive wins a challenger k needs before k changes
MAX_REPRESENTATIVES = 5
GIC_MIN_VOTES_PER_GROUP = 5
CONSENSUS_SIZE = 5

Direction = Literal["agree", "disagree"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# --------------------------------------------------------------------------------------------
# Input and stored state


@dataclass(frozen=True, eq=False)
class Votes:
    """Votes as three parallel arrays: participant id, statement id, value (1, -1 or 0).

    When a (participant, statement) pair occurs more than once, the last occurrence wins: pass
    the votes in the order they were cast, or only the latest ones.
    """

    participant: IntArray
    statement: IntArray
    value: npt.NDArray[np.int8]

    def __post_init__(self) -> None:
        participant = np.asarray(self.participant, dtype=np.int64).reshape(-1)
        statement = np.asarray(self.statement, dtype=np.int64).reshape(-1)
        value = np.asarray(self.value, dtype=np.int8).reshape(-1)
        if not participant.size == statement.size == value.size:
            raise ValueError("participant, statement and value must have the same length")
        if value.size and (value.min() < -1 or value.max() > 1):
            raise ValueError("a vote is 1 (agree), -1 (disagree) or 0 (pass)")
        object.__setattr__(self, "participant", participant)
        object.__setattr__(self, "statement", statement)
        object.__setattr__(self, "value", value)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int]]) -> Votes:
        """From (participant id, statement id, vote) triples."""
        table = np.array(list(rows), dtype=np.int64).reshape(-1, 3)
        return cls(table[:, 0], table[:, 1], table[:, 2].astype(np.int8))

    def __len__(self) -> int:
        return int(self.value.size)

    def latest(self) -> Votes:
        """The same votes with one vote per (participant, statement): the last one given."""
        if self.value.size < 2:
            return self
        _, p = np.unique(self.participant, return_inverse=True)
        _, s = np.unique(self.statement, return_inverse=True)
        key = p.astype(np.int64) * (int(s.max()) + 1) + s
        _, first_in_reversed = np.unique(key[::-1], return_index=True)
        if first_in_reversed.size == key.size:
            return self
        keep = np.sort(key.size - 1 - first_in_reversed)
        return Votes(self.participant[keep], self.statement[keep], self.value[keep])


def as_votes(votes: Votes | Iterable[tuple[int, int, int]]) -> Votes:
    return votes if isinstance(votes, Votes) else Votes.from_rows(votes)


@dataclass(frozen=True)
class State:
    """What one recompute hands to the next: keep it with the conversation (see `to_dict`).

    k: the number of groups in use; challenger/streak: the k that beat it on the last `streak`
    recomputes in a row; in_conversation: participants ever clustered (once in, always in);
    groups: the group of each clustered participant, so that group numbers stay put.
    """

    k: int | None = None
    challenger: int | None = None
    streak: int = 0
    in_conversation: frozenset[int] = frozenset()
    groups: Mapping[int, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {
            "k": self.k, "challenger": self.challenger, "streak": self.streak,
            "in_conversation": sorted(self.in_conversation),
            "groups": [[participant, group] for participant, group in sorted(self.groups.items())],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> State:
        return cls(
            k=data.get("k"), challenger=data.get("challenger"), streak=int(data.get("streak", 0)),
            in_conversation=frozenset(int(p) for p in data.get("in_conversation", ())),
            groups={int(p): int(g) for p, g in data.get("groups", ())},
        )


# --------------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True)
class Representative:
    """A statement that sets a group apart: its figures within the group (the rest in `ratio`)."""

    statement: int
    direction: Direction
    n_agree: int
    n_disagree: int
    n_seen: int  # passes included
    p: float  # (1 + n) / (2 + n_seen), n = agrees or disagrees after `direction`
    test: float  # one-proportion test of p against 1/2 (pat or pdt)
    ratio: float  # p in the group / p in the other groups (r_a or r_d)
    ratio_test: float  # two-proportion z-test of the group against the rest (rat or rdt)
    score: float  # ratio * ratio_test * p * test
    significant: bool  # test and ratio_test both above the 90 % one-sided value


@dataclass(frozen=True)
class Gic:
    """Group-informed consensus: product over groups of (agrees + 1) / (seen + 2), and the same for
    disagrees. `ranked` is false until every group has `GIC_MIN_VOTES_PER_GROUP` votes on it."""

    statement: int
    agree: float
    disagree: float
    ranked: bool


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement on the overall consensus list (all clustered participants together)."""

    statement: int
    direction: Direction
    n_agree: int
    n_disagree: int
    n_seen: int
    p: float
    test: float


@dataclass(frozen=True)
class StatementStats:
    """Votes on a statement from every participant, and its extremity E in the opinion map."""

    statement: int
    n_agree: int
    n_disagree: int
    n_pass: int
    extremity: float
    moderated_out: bool

    @property
    def n_seen(self) -> int:
        return self.n_agree + self.n_disagree + self.n_pass


@dataclass(frozen=True)
class Candidate:
    """A statement a participant has not seen yet, with what routing needs to weigh it."""

    statement: int
    n_agree: int = 0
    n_disagree: int = 0
    n_pass: int = 0
    extremity: float = 0.0
    seed: bool = False
    seed_order: int = 0  # seed statements come first, in this order


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
    representatives: tuple[tuple[Representative, ...], ...]  # per group, best first
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
) -> Result:
    """One recompute of a conversation from its votes (latest vote per participant and statement).

    moderated_out: statement ids taken out by moderation; previous: the `state` of the last
    recompute (k hysteresis, who is in the conversation, stable group numbers); seed_statements:
    the facilitator's statements, routed first; k: force a number of groups (no hysteresis);
    svd: "dense" uses a full dense SVD instead of `svds` (same result, for comparison).
    """
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
    axes, singular = _principal_axes(centred, svd, random_seed)
    coordinates = np.asarray(centred @ axes.T) * np.sqrt(c / np.maximum(voted, 1))[:, None]

    # Step 6.
    cast = np.bincount(rows, minlength=n)
    clustered = cast >= min(MIN_VOTES_IN_CONVERSATION, c)
    if previous.in_conversation:
        clustered |= np.isin(pids, np.fromiter(previous.in_conversation, dtype=np.int64))
    if clustered.sum() < MIN_CLUSTERED:
        clustered[np.lexsort((pids, -cast))[:MIN_CLUSTERED]] = True

    # Step 7.
    chosen, labels, centres, silhouettes, state = _groups(coordinates[clustered], pids[clustered], previous, k,
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
        _representatives(sids, out_col, group_agree, group_disagree, group_seen, g) for g in range(chosen)
    ) if chosen >= 2 else tuple(() for _ in range(chosen))
    gic = _gic(sids, out_col, group_agree, group_disagree, group_seen, gic_min_votes_per_group)
    consensus_agree, consensus_disagree = _consensus(
        sids, out_col, group_agree.sum(axis=0), group_disagree.sum(axis=0), group_seen.sum(axis=0))

    # Statement figures over everyone, and extremity E (step 11).
    extremity = _extremity(axes, singular, out_col)
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
        state=State(k=None, challenger=previous.challenger, streak=previous.streak),
        statements=none, moderated_out=removed, representatives=(), gic={}, consensus_agree=(),
        consensus_disagree=(), statement_stats={}, seed_statements=seeds,
    )


def _principal_axes(
    centred: sparse.csr_matrix, svd: Literal["sparse", "dense"], random_seed: int,
) -> tuple[FloatArray, FloatArray]:
    """The top two right singular vectors (2, columns) and their singular values, each vector
    oriented so that its largest loading is positive (a stable orientation of the map)."""
    n, c = centred.shape
    axes = np.zeros((2, c))
    singular = np.zeros(2)
    if centred.nnz == 0:
        return axes, singular
    if svd == "dense" or min(n, c) <= 3:
        _, s, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        top = min(2, s.size)
        axes[:top], singular[:top] = vt[:top], s[:top]
    else:
        _, s, vt = svds(centred, k=2, random_state=random_seed)
        order = np.argsort(-s)
        axes[:], singular[:] = vt[order], s[order]
    for row in axes:
        j = int(np.argmax(np.abs(row)))
        if row[j] < 0:
            row *= -1
    return axes, singular


def _groups(
    points: FloatArray, ids: IntArray, previous: State, forced: int | None, random_seed: int,
) -> tuple[int, IntArray, FloatArray, dict[int, float], State]:
    """Step 7: (k, label per point, centres, silhouette per k tried, hysteresis state)."""
    distinct = np.unique(np.round(points, 9), axis=0).shape[0]
    if distinct < 2:
        centre = points.mean(axis=0, keepdims=True)
        return 1, np.zeros(points.shape[0], dtype=np.int64), centre, {}, State(k=1)

    if forced is not None:
        options = [max(1, min(forced, distinct))]
    else:
        options = [k for k in K_CANDIDATES if k < distinct] or [2]
    fits: dict[int, tuple[IntArray, FloatArray]] = {}
    restarts = _restarts(points.shape[0])
    for k in options:
        if k == 1:
            fits[k] = (np.zeros(points.shape[0], dtype=np.int64), points.mean(axis=0, keepdims=True))
            continue
        model = KMeans(n_clusters=k, init="k-means++", n_init=restarts, random_state=random_seed)
        labels = model.fit_predict(points).astype(np.int64)
        fits[k] = (labels, np.asarray(model.cluster_centers_, dtype=np.float64))

    silhouettes: dict[int, float] = {}
    if len(options) > 1:
        sample = np.arange(points.shape[0])
        if sample.size > SILHOUETTE_SAMPLE:
            sample = np.sort(np.random.default_rng(random_seed).choice(sample, SILHOUETTE_SAMPLE, replace=False))
        for k in options:
            labels = fits[k][0][sample]
            if 2 <= np.unique(labels).size <= sample.size - 1:
                silhouettes[k] = float(silhouette_score(points[sample], labels))
            else:
                silhouettes[k] = -1.0
        best = max(options, key=lambda k: (silhouettes[k], -k))
    else:
        best = options[0]

    state = State(k=best) if forced is not None else _hysteresis(previous, best, options)
    labels, centres = fits[state.k or best]
    labels, centres = _stable_numbers(labels, centres, ids, previous.groups)
    return centres.shape[0], labels, centres, silhouettes, state


def _restarts(n: int) -> int:
    """k-means++ restarts: at least 10, up to 100 while n x restarts stays within the budget. Small
    conversations have several near-equal local optima; more restarts find the lowest-inertia one
    (on the shared Pol.is sets 100 restarts gave the same groups for every seed, 10 did not)."""
    return max(KMEANS_RESTARTS, min(KMEANS_RESTARTS_MAX, KMEANS_RESTART_BUDGET // max(n, 1)))


def _hysteresis(previous: State, best: int, options: Sequence[int]) -> State:
    """Keep the current k unless the same other k has won `HYSTERESIS` recomputes in a row."""
    current = previous.k
    if current is None or current not in options or best == current:
        return State(k=best)
    streak = previous.streak + 1 if previous.challenger == best else 1
    if streak >= HYSTERESIS:
        return State(k=best)
    return State(k=current, challenger=best, streak=streak)


def _stable_numbers(
    labels: IntArray, centres: FloatArray, ids: IntArray, before: Mapping[int, int],
) -> tuple[IntArray, FloatArray]:
    """Number groups by size (largest first), then keep the numbers of the last recompute where the
    members mostly are the same (maximum overlap assignment)."""
    k = centres.shape[0]
    sizes = np.bincount(labels, minlength=k)
    order = np.lexsort((centres[:, 1], centres[:, 0], -sizes))  # canonical: size, then position
    number = np.empty(k, dtype=np.int64)
    number[order] = np.arange(k)
    if before:
        old = np.array([before.get(int(p), -1) for p in ids], dtype=np.int64)
        known = (old >= 0) & (old < k)
        if known.any():
            overlap = np.zeros((k, k), dtype=np.int64)
            np.add.at(overlap, (number[labels[known]], old[known]), 1)
            rows, cols = linear_sum_assignment(-overlap)
            remap = np.empty(k, dtype=np.int64)
            remap[rows] = cols
            number = remap[number]
    new_centres = np.empty_like(centres)
    new_centres[number] = centres
    return number[labels], new_centres


# --------------------------------------------------------------------------------------------
# Statistics (steps 8-10)


def _p(x: FloatArray, seen: FloatArray) -> FloatArray:
    return (1.0 + x) / (2.0 + seen)


def _one_proportion(x: FloatArray, seen: FloatArray) -> FloatArray:
    """2 * sqrt(seen + 1) * ((x + 1) / (seen + 1) - 1/2)."""
    return 2.0 * np.sqrt(seen + 1.0) * ((x + 1.0) / (seen + 1.0) - 0.5)


def _two_proportion(x1: FloatArray, seen1: FloatArray, x2: FloatArray, seen2: FloatArray) -> FloatArray:
    """z-test of x1/seen1 against x2/seen2 with 1 added to every count; 0 when the pooled proportion is 1."""
    a1, n1, a2, n2 = x1 + 1.0, seen1 + 1.0, x2 + 1.0, seen2 + 1.0
    pooled = (a1 + a2) / (n1 + n2)
    spread = np.sqrt(np.maximum(pooled * (1.0 - pooled), 0.0) * (1.0 / n1 + 1.0 / n2))
    z = np.zeros_like(pooled)
    ok = (pooled < 1.0) & (spread > 0)
    z[ok] = (a1[ok] / n1[ok] - a2[ok] / n2[ok]) / spread[ok]
    return z


def _representatives(
    sids: IntArray, out_col: BoolArray, agree: IntArray, disagree: IntArray, seen: IntArray, g: int,
) -> tuple[Representative, ...]:
    """Step 8 for group g: best agree statement first, then the significant ones by score, at most
    `MAX_REPRESENTATIVES`; when none is significant, the one with the highest max(rat, rdt)."""
    a, d, s = (x[g].astype(np.float64) for x in (agree, disagree, seen))
    ra, rd, rs = ((x.sum(axis=0) - x[g]).astype(np.float64) for x in (agree, disagree, seen))
    p_a, p_d = _p(a, s), _p(d, s)
    pat, pdt = _one_proportion(a, s), _one_proportion(d, s)
    r_a, r_d = p_a / _p(ra, rs), p_d / _p(rd, rs)
    rat, rdt = _two_proportion(a, s, ra, rs), _two_proportion(d, s, rd, rs)
    score_a, score_d = r_a * rat * p_a * pat, r_d * rdt * p_d * pdt
    live = ~out_col & (s > 0)
    sig_a = live & (pat > Z90) & (rat > Z90)
    sig_d = live & (pdt > Z90) & (rdt > Z90)

    def make(j: int, direction: Direction) -> Representative:
        agreeing = direction == "agree"
        return Representative(
            statement=int(sids[j]), direction=direction, n_agree=int(a[j]), n_disagree=int(d[j]), n_seen=int(s[j]),
            p=float(p_a[j] if agreeing else p_d[j]), test=float(pat[j] if agreeing else pdt[j]),
            ratio=float(r_a[j] if agreeing else r_d[j]), ratio_test=float(rat[j] if agreeing else rdt[j]),
            score=float(score_a[j] if agreeing else score_d[j]), significant=bool(sig_a[j] if agreeing else sig_d[j]),
        )

    chosen: list[Representative] = []
    agree_side = sig_a & (~sig_d | (score_a >= score_d))
    disagree_side = sig_d & ~agree_side
    significant = [make(int(j), "agree") for j in np.flatnonzero(agree_side)]
    significant += [make(int(j), "disagree") for j in np.flatnonzero(disagree_side)]
    significant.sort(key=lambda r: (-r.score, r.statement))
    agreeing = [r for r in significant if r.direction == "agree"]
    if agreeing:
        chosen.append(agreeing[0])
    chosen += [r for r in significant if r is not (agreeing[0] if agreeing else None)]
    if chosen:
        return tuple(chosen[:MAX_REPRESENTATIVES])
    candidates = np.flatnonzero(live)
    if candidates.size == 0:
        return ()
    strength = np.maximum(rat, rdt)[candidates]
    j = int(candidates[np.lexsort((sids[candidates], -strength))[0]])
    return (make(j, "agree" if rat[j] >= rdt[j] else "disagree"),)


def _gic(
    sids: IntArray, out_col: BoolArray, agree: IntArray, disagree: IntArray, seen: IntArray, min_votes: int,
) -> dict[int, Gic]:
    """Step 9: product over groups of (A_g + 1) / (S_g + 2), for agreement and for shared rejection."""
    gic_a = np.prod((agree + 1.0) / (seen + 2.0), axis=0)
    gic_d = np.prod((disagree + 1.0) / (seen + 2.0), axis=0)
    ranked = ~out_col & (seen.min(axis=0) >= min_votes) if seen.shape[0] else np.zeros(sids.size, dtype=bool)
    return {int(s): Gic(int(s), float(gic_a[j]), float(gic_d[j]), bool(ranked[j])) for j, s in enumerate(sids)}


def _consensus(
    sids: IntArray, out_col: BoolArray, agree: IntArray, disagree: IntArray, seen: IntArray,
) -> tuple[tuple[ConsensusStatement, ...], tuple[ConsensusStatement, ...]]:
    """Step 10: p > 1/2 and its one-proportion test above the 90 % value, ranked by p * test, top 5."""
    s = seen.astype(np.float64)
    lists = []
    sides: tuple[tuple[Direction, IntArray], ...] = (("agree", agree), ("disagree", disagree))
    for direction, x in sides:
        p = _p(x.astype(np.float64), s)
        test = _one_proportion(x.astype(np.float64), s)
        ok = np.flatnonzero(~out_col & (p > 0.5) & (test > Z90))
        ok = ok[np.lexsort((sids[ok], -(p * test)[ok]))][:CONSENSUS_SIZE]
        lists.append(tuple(
            ConsensusStatement(int(sids[j]), direction, int(agree[j]), int(disagree[j]), int(seen[j]),
                               float(p[j]), float(test[j]))
            for j in ok
        ))
    return lists[0], lists[1]


def _extremity(axes: FloatArray, singular: FloatArray, out_col: BoolArray) -> FloatArray:
    """E: length of a statement's loading in the opinion map, each axis weighted by its singular
    value, scaled so that the root mean square over the statements in play is 1."""
    weight = singular**2
    total = float(weight.sum())
    live = int((~out_col).sum())
    if total <= 0 or live == 0:
        return np.zeros(axes.shape[1])
    spread = np.sqrt((weight[:, None] * axes**2).sum(axis=0) / total)
    return spread * math.sqrt(live)


# --------------------------------------------------------------------------------------------
# Routing (step 11)


def routing_priority(n_agree: int, n_disagree: int, n_pass: int, extremity: float) -> float:
    """[(1 - p_pass) * (E + 1) * a * (1 + 8 * 2^(-S/5))]^2 with p_pass = (1 + passes) / (2 + S),
    a = (1 + agrees) / (2 + S) and S the number of participants who have seen the statement."""
    seen = n_agree + n_disagree + n_pass
    p_pass = (1.0 + n_pass) / (2.0 + seen)
    agreement = (1.0 + n_agree) / (2.0 + seen)
    novelty = 1.0 + 8.0 * 2.0 ** (-seen / 5.0)
    return ((1.0 - p_pass) * (extremity + 1.0) * agreement * novelty) ** 2


def routing_weights(candidates: Sequence[Candidate]) -> FloatArray:
    return np.array([routing_priority(c.n_agree, c.n_disagree, c.n_pass, c.extremity) for c in candidates],
                    dtype=np.float64)


def choose_next(candidates: Sequence[Candidate], rng: np.random.Generator) -> int | None:
    """The statement to show next: an unseen seed statement first (in seed order), otherwise one
    drawn with probability proportional to its routing priority. None when nothing is left."""
    if not candidates:
        return None
    seeds = [c for c in candidates if c.seed]
    if seeds:
        return min(seeds, key=lambda c: (c.seed_order, c.statement)).statement
    weights = routing_weights(candidates)
    total = float(weights.sum())
    probabilities = weights / total if total > 0 else None
    return candidates[int(rng.choice(len(candidates), p=probabilities))].statement


# --------------------------------------------------------------------------------------------
# Bridging (Community Notes model)


@dataclass(frozen=True)
class BridgingScore:
    """intercept i_n: support once the polarised factor is explained away; factor f_n: the item's
    position on that factor. Ranked (`eligible`) with at least `min_votes` votes and |f_n| < 0.5."""

    statement: int
    intercept: float
    factor: float
    n_votes: int
    eligible: bool


def bridging(
    votes: Votes | Iterable[tuple[int, int, int]],
    *,
    restarts: int = 5,
    random_seed: int = 0,
    lambda_intercept: float = 0.15,
    lambda_factor: float = 0.03,
    max_iterations: int = 300,
    tolerance: float = 1e-9,
    min_votes: int = 5,
    max_factor: float = 0.5,
) -> dict[int, BridgingScore]:
    """Fit r = mu + i_u + i_n + f_u * f_n to agree (1) / disagree (0) votes, passes left out, by
    alternating ridge least squares minimising the squared error + 0.15 (sum i_u^2 + sum i_n^2 +
    mu^2) + 0.03 (sum f_u^2 + sum f_n^2); the lowest loss over `restarts` random starts is kept."""
    v = as_votes(votes).latest()
    cast = v.value != PASS
    if not cast.any():
        return {}
    uids, users = np.unique(v.participant[cast], return_inverse=True)
    nids, items = np.unique(v.statement[cast], return_inverse=True)
    users, items = users.astype(np.int64), items.astype(np.int64)
    r = (v.value[cast] == AGREE).astype(np.float64)
    rng = np.random.default_rng(random_seed)
    best: tuple[float, FloatArray, FloatArray] | None = None
    for _ in range(max(1, restarts)):
        loss, i_n, f_n = _fit_bridging(r, users, items, uids.size, nids.size, rng, lambda_intercept,
                                       lambda_factor, max_iterations, tolerance)
        if best is None or loss < best[0]:
            best = (loss, i_n, f_n)
    assert best is not None
    _, i_n, f_n = best
    counts = np.bincount(items, minlength=nids.size)
    return {
        int(s): BridgingScore(int(s), float(i_n[j]), float(f_n[j]), int(counts[j]),
                              bool(counts[j] >= min_votes and abs(f_n[j]) < max_factor))
        for j, s in enumerate(nids)
    }


def _ridge_2(
    groups: IntArray, size: int, y: FloatArray, x: FloatArray, lam_a: float, lam_b: float,
) -> tuple[FloatArray, FloatArray]:
    """Per group, minimise sum (y - a - b x)^2 + lam_a a^2 + lam_b b^2 (closed form 2 x 2)."""
    n = np.bincount(groups, minlength=size).astype(np.float64)
    sx = np.bincount(groups, weights=x, minlength=size)
    sxx = np.bincount(groups, weights=x * x, minlength=size)
    sy = np.bincount(groups, weights=y, minlength=size)
    sxy = np.bincount(groups, weights=x * y, minlength=size)
    m11, m12, m22 = n + lam_a, sx, sxx + lam_b
    det = m11 * m22 - m12 * m12
    return (m22 * sy - m12 * sxy) / det, (m11 * sxy - m12 * sy) / det


def _fit_bridging(
    r: FloatArray, users: IntArray, items: IntArray, n_users: int, n_items: int, rng: np.random.Generator,
    lam_i: float, lam_f: float, max_iterations: int, tolerance: float,
) -> tuple[float, FloatArray, FloatArray]:
    mu = float(r.mean())
    i_u, i_n = np.zeros(n_users), np.zeros(n_items)
    f_u, f_n = rng.normal(0.0, 1.0, n_users), rng.normal(0.0, 1.0, n_items)

    def loss() -> float:
        error = r - mu - i_u[users] - i_n[items] - f_u[users] * f_n[items]
        return float(error @ error + lam_i * (i_u @ i_u + i_n @ i_n + mu * mu) + lam_f * (f_u @ f_u + f_n @ f_n))

    last = loss()
    for _ in range(max_iterations):
        i_u, f_u = _ridge_2(users, n_users, r - mu - i_n[items], f_n[items], lam_i, lam_f)
        i_n, f_n = _ridge_2(items, n_items, r - mu - i_u[users], f_u[users], lam_i, lam_f)
        mu = float((r - i_u[users] - i_n[items] - f_u[users] * f_n[items]).sum() / (r.size + lam_i))
        now = loss()
        if last - now <= tolerance * max(1.0, last):
            last = now
            break
        last = now
    return last, i_n, f_n


def bridging_ranking(scores: Mapping[int, BridgingScore]) -> list[BridgingScore]:
    """Eligible items, highest intercept first (rank; Community Notes' absolute threshold does not carry over)."""
    return sorted((s for s in scores.values() if s.eligible), key=lambda s: (-s.intercept, s.statement))


def support_breadth(supports: Sequence[int], group_sizes: Sequence[int]) -> float:
    """Breadth of up-votes without down-votes (proposal supports) across opinion groups: the GIC
    formula, product over groups of (supporters in g + 1) / (members of g + 2)."""
    if len(supports) != len(group_sizes):
        raise ValueError("one support count per group")
    return float(np.prod([(a + 1.0) / (n + 2.0) for a, n in zip(supports, group_sizes, strict=True)]))
