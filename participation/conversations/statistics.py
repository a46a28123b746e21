"""Per-group statistics: representative statements, group-informed consensus, the overall consensus
list and how much each statement separates the groups (pure: numpy only)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .votes import CONSENSUS_SIZE, MAX_REPRESENTATIVES, Z90, BoolArray, Direction, FloatArray, IntArray


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


def representative_statements(
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


def group_informed_consensus(
    sids: IntArray, out_col: BoolArray, agree: IntArray, disagree: IntArray, seen: IntArray, min_votes: int,
) -> dict[int, Gic]:
    """Step 9: product over groups of (A_g + 1) / (S_g + 2), for agreement and for shared rejection."""
    gic_a = np.prod((agree + 1.0) / (seen + 2.0), axis=0)
    gic_d = np.prod((disagree + 1.0) / (seen + 2.0), axis=0)
    ranked = ~out_col & (seen.min(axis=0) >= min_votes) if seen.shape[0] else np.zeros(sids.size, dtype=bool)
    return {int(s): Gic(int(s), float(gic_a[j]), float(gic_d[j]), bool(ranked[j])) for j, s in enumerate(sids)}


def overall_consensus(
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


def statement_extremity(axes: FloatArray, singular: FloatArray, out_col: BoolArray) -> FloatArray:
    """E: length of a statement's loading in the opinion map, each axis weighted by its singular
    value, scaled so that the root mean square over the statements in play is 1."""
    weight = singular**2
    total = float(weight.sum())
    live = int((~out_col).sum())
    if total <= 0 or live == 0:
        return np.zeros(axes.shape[1])
    spread: FloatArray = np.sqrt((weight[:, None] * axes**2).sum(axis=0) / total)
    return spread * math.sqrt(live)
