"""Votes as the engine reads them, and the constants of the method (pure: numpy only)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

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
