"""Opinion groups: the 2-D map (sparse PCA) and k-means with a stable k and stable group numbers
(steps 4-7 of the method; pure: numpy, scipy, scikit-learn)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.sparse.linalg import ArpackError, svds
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from .votes import (
    HYSTERESIS,
    K_CANDIDATES,
    KMEANS_RESTART_BUDGET,
    KMEANS_RESTARTS,
    KMEANS_RESTARTS_MAX,
    SILHOUETTE_SAMPLE,
    FloatArray,
    IntArray,
)


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


def principal_axes(
    centred: sparse.csr_matrix, svd: Literal["sparse", "dense"], random_seed: int,
) -> tuple[FloatArray, FloatArray]:
    """The top two right singular vectors (2, columns) and their singular values, each vector
    oriented so that its largest loading is positive (a stable orientation of the map)."""
    n, c = centred.shape
    axes = np.zeros((2, c))
    singular = np.zeros(2)
    centred.eliminate_zeros()
    if centred.nnz == 0:
        return axes, singular
    vt: FloatArray | None = None
    if svd == "sparse" and min(n, c) > 3:
        try:
            _, s, vt = svds(centred, k=2, random_state=random_seed)
        except ArpackError:  # e.g. a matrix of rank 1: the dense path below is exact
            vt = None
        else:
            order = np.argsort(-s)
            axes[:], singular[:] = vt[order], s[order]
    if vt is None:
        _, s, vt = np.linalg.svd(centred.toarray(), full_matrices=False)
        top = min(2, s.size)
        axes[:top], singular[:top] = vt[:top], s[:top]
    for row in axes:
        j = int(np.argmax(np.abs(row)))
        if row[j] < 0:
            row *= -1
    return axes, singular


def opinion_groups(
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
    restarts = kmeans_restarts(points.shape[0])
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

    state = State(k=best) if forced is not None else hysteresis(previous, best, options)
    labels, centres = fits[state.k or best]
    labels, centres = stable_numbers(labels, centres, ids, previous.groups)
    return centres.shape[0], labels, centres, silhouettes, state


def kmeans_restarts(n: int) -> int:
    """k-means++ restarts: at least 10, up to 100 while n x restarts stays within the budget. Small
    conversations have several near-equal local optima; more restarts find the lowest-inertia one
    (on the shared Pol.is sets 100 restarts gave the same groups for every seed, 10 did not)."""
    return max(KMEANS_RESTARTS, min(KMEANS_RESTARTS_MAX, KMEANS_RESTART_BUDGET // max(n, 1)))


def hysteresis(previous: State, best: int, options: Sequence[int]) -> State:
    """Keep the current k unless the same other k has won `HYSTERESIS` recomputes in a row."""
    current = previous.k
    if current is None or current not in options or best == current:
        return State(k=best)
    streak = previous.streak + 1 if previous.challenger == best else 1
    if streak >= HYSTERESIS:
        return State(k=best)
    return State(k=current, challenger=best, streak=streak)


def stable_numbers(
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
