"""Which statement to show next (step 11 of the method; pure: numpy only)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads on the voting page only, not with the app
    import numpy as np

    from .votes import FloatArray


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


def routing_priority(n_agree: int, n_disagree: int, n_pass: int, extremity: float) -> float:
    """[(1 - p_pass) * (E + 1) * a * (1 + 8 * 2^(-S/5))]^2 with p_pass = (1 + passes) / (2 + S),
    a = (1 + agrees) / (2 + S) and S the number of participants who have seen the statement."""
    seen = n_agree + n_disagree + n_pass
    p_pass = (1.0 + n_pass) / (2.0 + seen)
    agreement = (1.0 + n_agree) / (2.0 + seen)
    novelty = 1.0 + 8.0 * math.pow(2.0, -seen / 5.0)
    return math.pow((1.0 - p_pass) * (extremity + 1.0) * agreement * novelty, 2)


def routing_weights(candidates: Sequence[Candidate]) -> FloatArray:
    import numpy as np

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
