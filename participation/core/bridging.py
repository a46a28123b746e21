"""Bridging: the Community Notes matrix-factorisation model (pure: numpy only).

Shared by conversations (statements' agree/disagree votes) and proposals (comments' up/down votes):
r_un = mu + i_u + i_n + f_u * f_n; i_n is an item's support once the polarised factor is explained
away. `support_breadth` scores supports (no down-votes) across opinion groups with the GIC formula.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy loads only when a model is fitted (worker/recompute, comments by bridging)
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    FloatArray = npt.NDArray[np.float64]

AGREE, PASS = 1, 0


def _arrays(votes: Any) -> tuple[IntArray, IntArray, IntArray]:
    """(voter, item, value) arrays from rows (voter, item, value) or from an object with
    `participant`, `statement`, `value` arrays; a repeated (voter, item) pair keeps its last value."""
    import numpy as np

    if hasattr(votes, "participant"):
        rows = zip(votes.participant.tolist(), votes.statement.tolist(), votes.value.tolist(), strict=True)
    else:
        rows = iter(votes)
    latest: dict[tuple[int, int], int] = {}
    for voter, item, value in rows:
        latest[(int(voter), int(item))] = int(value)
    if not latest:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    keys = np.array(list(latest), dtype=np.int64)
    return keys[:, 0], keys[:, 1], np.array(list(latest.values()), dtype=np.int64)


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
    votes: Any,
    *,
    restarts: int = 3,
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
    import numpy as np

    voters, statements, values = _arrays(votes)
    cast = values != PASS
    if not cast.any():
        return {}
    uids, users = np.unique(voters[cast], return_inverse=True)
    nids, items = np.unique(statements[cast], return_inverse=True)
    users, items = users.astype(np.int64), items.astype(np.int64)
    r = (values[cast] == AGREE).astype(np.float64)
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
    import numpy as np

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
    import numpy as np

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
        mu, i_u, i_n, f_u, f_n = _flat_moves(mu, i_u, i_n, f_u, f_n, lam_i, lam_f)
        now = loss()
        if last - now <= tolerance * max(1.0, last):
            last = now
            break
        last = now
    return last, i_n, f_n


def _flat_moves(
    mu: float, i_u: FloatArray, i_n: FloatArray, f_u: FloatArray, f_n: FloatArray, lam_i: float, lam_f: float,
) -> tuple[float, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Moves along which the fit to the votes is unchanged and only the penalty varies, each to its
    exact minimum: alternating least squares alone crawls along them (f_u + c with i_n - c f_n,
    f_n + d with i_u - d f_u, i_u + a or i_n + b with mu - a or mu - b, and the scale f_u s, f_n / s)."""
    c = (lam_i * float(f_n @ i_n) - lam_f * float(f_u.sum())) / (lam_f * f_u.size + lam_i * float(f_n @ f_n))
    f_u, i_n = f_u + c, i_n - c * f_n
    d = (lam_i * float(f_u @ i_u) - lam_f * float(f_n.sum())) / (lam_f * f_n.size + lam_i * float(f_u @ f_u))
    f_n, i_u = f_n + d, i_u - d * f_u
    a = (mu - float(i_u.sum())) / (i_u.size + 1)
    i_u, mu = i_u + a, mu - a
    b = (mu - float(i_n.sum())) / (i_n.size + 1)
    i_n, mu = i_n + b, mu - b
    su, sn = float(f_u @ f_u), float(f_n @ f_n)
    if su > 0 and sn > 0:
        scale = (sn / su) ** 0.25
        f_u, f_n = f_u * scale, f_n / scale
    return mu, i_u, i_n, f_u, f_n


def bridging_ranking(scores: Mapping[int, BridgingScore]) -> list[BridgingScore]:
    """Eligible items, highest intercept first (rank; Community Notes' absolute threshold does not carry over)."""
    return sorted((s for s in scores.values() if s.eligible), key=lambda s: (-s.intercept, s.statement))


def support_breadth(supports: Sequence[int], group_sizes: Sequence[int]) -> float:
    """Breadth of up-votes without down-votes (proposal supports) across opinion groups: the GIC
    formula, product over groups of (supporters in g + 1) / (members of g + 2)."""
    if len(supports) != len(group_sizes):
        raise ValueError("one support count per group")
    return float(math.prod((a + 1.0) / (n + 2.0) for a, n in zip(supports, group_sizes, strict=True)))
