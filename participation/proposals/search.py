"""Finding proposals by their text: full-text search and "similar proposals" while writing one.

Japanese is written without spaces and its common words are one or two characters long (「公園」
「駅前」「桜」), so the index holds character bigrams, not words:

- `normalize()`: NFKC (full-width letters and digits, half-width kana), lower case, katakana folded
  to hiragana (jaconv). The indexed text and the query go through the same function.
- `grams()`: each run of letters and digits becomes its overlapping bigrams followed by its last
  character alone (「駅前の公園」 -> 駅前 前の の公 公園 園), so every character starts a token.
- A term of two or more characters is the *phrase* of its bigrams (consecutive tokens: exactly
  "contains the term"); a one-character term is a prefix query (tokens that start with it).

`proposal_search` (ProposalSearchText) holds each proposal's tokens, written whenever its title
or body is inserted or changed (mapper events, below). SQLite indexes it with the FTS5 table
`proposals_fts_bigram` (ascii tokenizer: tokens are our space-separated grams; kept current by
triggers from the migrations); PostgreSQL stores the tokens with their positions in a tsvector
column indexed by the GIN index `ix_proposals_search_bigram`, queried with a tsquery (`<->`
phrases, `:*` prefixes). No term ever reads the proposals table row by row. User
input reaches SQL only as a bound parameter, reduced to letters and digits.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

import jaconv
from sqlalchemy import ColumnElement, and_, cast, column, delete, event, false, insert, select, table, text
from sqlalchemy.dialects.postgresql import TSQUERY

from ..core.sanitize import clean_text
from ..core.text import similarity
from ..extensions import db
from .models import Proposal, ProposalSearchText, State

if TYPE_CHECKING:
    from ..processes.models import Process

SIMILAR_LIMIT = 5
SIMILAR_THRESHOLD = 0.2
SIMILAR_CANDIDATES = 300  # best index matches scored for "similar proposals"
MAX_TERMS = 8  # words of a search query that count
MAX_TERM_LENGTH = 100

_RUN = re.compile(r"[^\W_]+")
_fts = table("proposals_fts_bigram", column("rowid"), column("proposals_fts_bigram"), column("rank"))


# --- text -> tokens -----------------------------------------------------------------------------

def normalize(text: str | None) -> str:
    """The form both the index and the queries use: NFKC, lower case, katakana as hiragana."""
    return jaconv.kata2hira(unicodedata.normalize("NFKC", text or "").lower())


def _run_tokens(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def grams(text: str | None) -> list[str]:
    """The index tokens of `text`, in order (each run: its bigrams, then its last character)."""
    return [token for run in _RUN.findall(normalize(text)) for token in _run_tokens(run)]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def index_text(title: str | None, body: str | None, dialect: str) -> str:
    """What `proposal_search.grams` stores: the tokens separated by spaces (SQLite FTS5), or a
    tsvector literal with positions (PostgreSQL), where a gap keeps phrases inside one run."""
    tokens = [*grams(title), "", *grams(body)]
    if dialect != "postgresql":
        return " ".join(t for t in tokens if t)
    return " ".join(f"'{token}':{position}" for position, token in enumerate(tokens, 1)
                    if token and position < 16_384)  # the largest position a tsvector stores


# --- query -> condition -------------------------------------------------------------------------

def _term_runs(term: str) -> list[str]:
    return _RUN.findall(normalize(term[:MAX_TERM_LENGTH]))


def _match_sqlite(runs: list[str], joiner: str = " ") -> str:
    parts = [f'"{run}"*' if len(run) == 1 else '"' + " ".join(_run_tokens(run)[:-1]) + '"' for run in runs]
    return joiner.join(parts)


def _match_postgresql(runs: list[str], joiner: str = " & ") -> str:
    parts = [f"'{run}':*" if len(run) == 1
             else "(" + " <-> ".join(f"'{g}'" for g in _run_tokens(run)[:-1]) + ")" for run in runs]
    return joiner.join(parts)


def _matching_ids(runs: list[str], *, any_of: bool = False, limit: int | None = None) -> Any:
    """A subquery of the ids of proposals containing every run (or any run, ranked and limited)."""
    if _dialect() == "postgresql":
        vector = ProposalSearchText.grams  # a stored tsvector: nothing is parsed per row
        query = cast(_match_postgresql(runs, " | " if any_of else " & "), TSQUERY)
        found = select(ProposalSearchText.proposal_id).where(vector.op("@@")(query))
        if limit is not None:
            found = found.order_by(db.func.ts_rank(vector, query).desc()).limit(limit)
        return found
    found = select(_fts.c.rowid).where(
        _fts.c.proposals_fts_bigram.op("MATCH")(_match_sqlite(runs, " OR " if any_of else " ")))
    if limit is not None:
        found = found.order_by(_fts.c.rank).limit(limit)
    return found


def term_condition(term: str) -> ColumnElement[bool]:
    """Proposals whose title or body contains `term` (any script, any length)."""
    runs = _term_runs(term)
    if not runs:
        return and_(True)
    return Proposal.id.in_(_matching_ids(runs))


def search_condition(query: str | None, *, common: bool = False) -> ColumnElement[bool] | None:
    """Proposals containing every word of `query` (None when the query has no letters or digits).

    `common`: the words match many proposals (the list counted more than it shows). The matches are
    then kept while the list's own index is walked in its order (`id + 0` is not an index the
    planner may start from), instead of reading and sorting every match: a page costs about
    (page size / share of matches) rows, not the number of matches."""
    words = clean_text(query).split()[:MAX_TERMS]
    runs = [run for word in words for run in _term_runs(word)]
    if not words:
        return None
    if not runs:
        return false()  # only punctuation: nothing
    return (Proposal.id + 0 if common else Proposal.id).in_(_matching_ids(runs))


# --- keeping the index current ------------------------------------------------------------------

def _write_index(connection: Any, proposal: Proposal) -> None:
    text = index_text(proposal.title, proposal.body, connection.dialect.name)
    connection.execute(delete(ProposalSearchText).where(ProposalSearchText.proposal_id == proposal.id))
    connection.execute(insert(ProposalSearchText).values(proposal_id=proposal.id, grams=text))


def _after_insert(_mapper: Any, connection: Any, proposal: Proposal) -> None:
    _write_index(connection, proposal)


def _after_update(_mapper: Any, connection: Any, proposal: Proposal) -> None:
    state = db.inspect(proposal)
    if state.attrs.title.history.has_changes() or state.attrs.body.history.has_changes():
        _write_index(connection, proposal)


def listen() -> None:
    """Index every proposal written through the ORM (services, demo data, tests); bulk loads
    call `reindex()` (`flask counters rebuild` does)."""
    if not event.contains(Proposal, "after_insert", _after_insert):
        event.listen(Proposal, "after_insert", _after_insert)
        event.listen(Proposal, "after_update", _after_update)


def reindex(batch: int = 2000) -> int:
    """Rebuild `proposal_search` for every proposal; returns how many were indexed."""
    dialect = _dialect()
    db.session.execute(delete(ProposalSearchText))
    done, last = 0, 0
    while True:
        rows = db.session.execute(select(Proposal.id, Proposal.title, Proposal.body)
                                  .where(Proposal.id > last).order_by(Proposal.id).limit(batch)).all()
        if not rows:
            if dialect == "postgresql":
                db.session.execute(text("ANALYZE proposals, proposal_search"))  # the planner learns the new rows
            return done
        db.session.execute(insert(ProposalSearchText), [
            {"proposal_id": pid, "grams": index_text(title, body, dialect)} for pid, title, body in rows])
        done, last = done + len(rows), rows[-1][0]


# --- similar proposals --------------------------------------------------------------------------

def similar_proposals(process: Process, title: str, body: str = "", *, limit: int = SIMILAR_LIMIT,
                      threshold: float = SIMILAR_THRESHOLD, exclude_id: int | None = None) -> list[Proposal]:
    """Up to `limit` visible proposals of the process that resemble title + body, most similar first.

    Candidates: the SIMILAR_CANDIDATES best index matches of any of the title's bigrams (ranked by
    the index, bm25 / ts_rank: a bounded set whatever the size of the table), then scored:
    0.7 × title similarity + 0.3 × similarity of title and body together.
    """
    runs = [g for g in dict.fromkeys(t for t in grams(title) if len(t) == 2)][:12] or _term_runs(title)[:12]
    if not runs:
        return []
    candidates = _matching_ids(runs, any_of=True, limit=SIMILAR_CANDIDATES).subquery()
    query = select(Proposal).where(Proposal.id.in_(select(candidates.c[0])), Proposal.process_id == process.id,
                                   Proposal.hidden_at.is_(None), Proposal.state != State.WITHDRAWN)
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

