"""Text similarity, pure (no Flask, no database): character n-grams rather than words, because
Japanese is written without spaces. Used for "similar proposals" and "similar statements"."""
from __future__ import annotations

import re


def ngrams(text: str | None, n: int = 2) -> set[str]:
    """The set of character n-grams of `text`, lower-cased, whitespace removed.

    A text shorter than `n` is its own single gram; an empty text has none.
    """
    text = re.sub(r"\s+", "", (text or "").lower())
    if len(text) < n:
        return {text} if text else set()
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def similarity(a: str | None, b: str | None) -> float:
    """How alike two texts are, from 0.0 (no character pair in common) to 1.0 (same bigrams).

    The Dice coefficient of the character bigram sets: 2·|A∩B| / (|A|+|B|). Works for any script
    (Japanese needs no word splitting), ignores case and whitespace, and is symmetric. Either text
    empty gives 0.0.
    """
    ga, gb = ngrams(a), ngrams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))
