"""Finding proposals by their text: "similar proposals" while writing one, and full-text search.

Two parts:

- Text similarity (`core.text.similarity`, shared with the statements of conversations).
- Search conditions for the proposals table, one per database: SQLite reads the FTS5 table
  `proposals_fts` (trigram tokenizer, kept current by triggers from the migrations) for terms of
  three characters or more and falls back to LIKE for shorter ones; PostgreSQL uses ILIKE on
  `title || ' ' || body`, which the pg_trgm GIN index `ix_proposals_search_trgm` serves.
  User input is only ever a bound parameter: FTS5 terms are quoted as phrases, LIKE wildcards are
  escaped.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, column, literal_column, or_, select, table

from ..core.sanitize import clean_text
from ..core.text import ngrams, similarity
from ..extensions import db
from .models import Proposal, State

if TYPE_CHECKING:
    from ..processes.models import Process

SIMILAR_LIMIT = 5
SIMILAR_THRESHOLD = 0.2
MAX_TERMS = 8  # words of a search query that count
MAX_TERM_LENGTH = 100


# --- search conditions --------------------------------------------------------------------------

_fts = table("proposals_fts", column("rowid"), column("proposals_fts"))


def _like_pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def term_condition(term: str) -> ColumnElement[bool]:
    """Proposals whose title or body contains `term` (any script, any length)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite" and len(term) >= 3:
        phrase = '"' + term.replace('"', '""') + '"'
        return Proposal.id.in_(select(_fts.c.rowid).where(_fts.c.proposals_fts.op("MATCH")(phrase)))
    if dialect == "postgresql":
        searchable: ColumnElement[str] = literal_column("(proposals.title || ' ' || proposals.body)")
        return searchable.ilike(_like_pattern(term), escape="\\")
    pattern = _like_pattern(term)
    return or_(Proposal.title.like(pattern, escape="\\"), Proposal.body.like(pattern, escape="\\"))


def search_condition(query: str | None) -> ColumnElement[bool] | None:
    """Proposals containing every word of `query` (None when the query has no words)."""
    terms = [t for t in clean_text(query).split() if t][:MAX_TERMS]
    return and_(*[term_condition(t[:MAX_TERM_LENGTH]) for t in terms]) if terms else None


# --- similar proposals --------------------------------------------------------------------------

def similar_proposals(process: Process, title: str, body: str = "", *, limit: int = SIMILAR_LIMIT,
                      threshold: float = SIMILAR_THRESHOLD, exclude_id: int | None = None) -> list[Proposal]:
    """Up to `limit` visible proposals of the process that resemble title + body, most similar first.

    Candidates are narrowed in the database by the title's trigrams (bigrams for a very short
    title), then scored: 0.7 × title similarity + 0.3 × similarity of title and body together.
    """
    grams = sorted(ngrams(title, 3), key=len, reverse=True)[:12] or sorted(ngrams(title, 2))[:12]
    if not grams:
        return []
    query = select(Proposal).where(Proposal.process_id == process.id, Proposal.hidden_at.is_(None),
                                   Proposal.state != State.WITHDRAWN)
    query = query.where(or_(*[term_condition(g) for g in grams])).limit(300)
    if exclude_id:
        query = query.where(Proposal.id != exclude_id)
    probe = f"{title} {body}"
    scored = []
    for candidate in db.session.scalars(query):
        score = (0.7 * similarity(title, candidate.title)
                 + 0.3 * similarity(probe, f"{candidate.title} {candidate.body}"))
        if score >= threshold:
            scored.append((score, candidate.id, candidate))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [c for _s, _i, c in scored[:limit]]
