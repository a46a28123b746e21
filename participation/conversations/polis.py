"""Pol.is open-data folders: read one, analyse it without the database, or bring it in as a conversation.

A folder holds `participants-votes.csv`, `comments.csv` and `summary.csv` (the format of the
Computational Democracy Project's open data, CC BY 4.0).
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update

from ..core import audit, clock
from ..core.exports import FORMULA_STARTS
from ..core.models import User
from ..core.sanitize import clean_text
from ..extensions import db
from ..processes.models import Process
from . import engine
from .analysis import recompute
from .models import STATEMENT_MAX, Conversation, Participant, Statement, StatementState, Vote

FILES = ("participants-votes.csv", "comments.csv", "summary.csv")


@dataclass
class PolisFolder:
    votes: list[tuple[int, int, int]] = field(default_factory=list)  # (participant, statement, value)
    statements: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (text, moderated)
    summary: dict[str, str] = field(default_factory=dict)


def _cell(text: str) -> str:
    """Undo the CSV writer's formula guard ("'=..." back to "=...")."""
    return text[1:] if text.startswith("'") and text[1:2].startswith(FORMULA_STARTS) and text[1:2] else text


MAX_POLIS_ID = 2**53  # ids beyond this are not Pol.is ids (and would overflow the engine's arrays)


def _polis_id(text: str, what: str, where: str) -> int | None:
    """A Pol.is id (a non-negative integer written in ASCII digits); None for a blank or label cell."""
    text = text.strip()
    if not text or not (text.isascii() and text.isdigit()):
        return None
    if len(text) > 16 or int(text) > MAX_POLIS_ID:
        raise ValueError(f"{where}: {what} {text[:20]}… is too large for a Pol.is id")
    return int(text)


def _open_csv(folder: Path, name: str) -> list[list[str]]:
    """All rows of one file, or a ValueError that says which file is unreadable and why."""
    try:
        with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name} is not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise ValueError(f"{name} is not a readable CSV file: {exc}") from None
    except OSError as exc:
        raise ValueError(f"{name} cannot be read: {exc.strerror or exc}") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ValueError(f"{name} is empty (no header row)")
    return rows


def read_folder(path: str | Path) -> PolisFolder:
    """Read a Pol.is folder; anything malformed is a ValueError naming the file (never a traceback)."""
    folder, out = Path(path), PolisFolder()
    missing = [name for name in FILES[:2] if not (folder / name).is_file()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)} in {folder}")
    name = "participants-votes.csv"
    header, *rows = _open_csv(folder, name)
    header = [cell.strip() for cell in header]
    if header[0] != "participant":
        raise ValueError(f"{name}: the first column must be “participant”")
    first = header.index("n-disagree") + 1 if "n-disagree" in header else 7
    columns = []
    for j, cell in enumerate(header):
        sid = _polis_id(cell, "comment id", f"{name} header") if j >= first else None
        if sid is not None:
            columns.append((j, sid))
    for number, row in enumerate(rows, 2):
        pid = _polis_id(row[0], "participant id", f"{name} line {number}") if row else None
        if pid is None:
            continue
        for j, sid in columns:
            value = row[j].strip() if j < len(row) else ""
            if value in ("1", "-1", "0", "1.0", "-1.0", "0.0"):
                out.votes.append((pid, sid, int(float(value))))
    name = "comments.csv"
    header, *rows = _open_csv(folder, name)
    header = [cell.strip() for cell in header]
    for needed in ("comment-id", "comment-body"):
        if needed not in header:
            raise ValueError(f"{name}: no “{needed}” column")
    at: dict[str, int] = {column: header.index(column) for column in ("comment-id", "comment-body", "moderated")
                          if column in header}

    def value_of(row: list[str], column: str) -> str:
        j = at.get(column)
        return row[j] if j is not None and j < len(row) else ""

    for number, row in enumerate(rows, 2):
        sid = _polis_id(value_of(row, "comment-id"), "comment id", f"{name} line {number}")
        if sid is None:
            continue
        moderated = {"1": 1, "-1": -1}.get(value_of(row, "moderated").strip(), 0)
        out.statements[sid] = (clean_text(_cell(value_of(row, "comment-body"))), moderated)
    if (folder / "summary.csv").is_file():
        rows = _open_csv(folder, "summary.csv")
        out.summary = {row[0]: clean_text(_cell(row[1])) for row in rows if len(row) >= 2}
    return out


def analyze(path: str | Path) -> dict[str, Any]:
    """The engine on a Pol.is folder, without the database: groups of the clustered participants,
    the consensus statements (group-informed, agreed by every group) and each group's
    representative statements."""
    data = read_folder(path)
    moderated_out = [sid for sid, (_text, moderated) in data.statements.items() if moderated == -1]
    result = engine.compute(engine.Votes.from_rows(data.votes), moderated_out=moderated_out)
    groups = {str(int(pid)): int(result.group[i]) for i, pid in enumerate(result.participants)
              if result.in_conversation[i] and result.group[i] >= 0}
    return {
        "k": int(result.k),
        "groups": groups,
        "consensus": [int(g.statement) for g in result.gic_top("agree")],
        "representative": {str(g): [int(r.statement) for r in reps]
                           for g, reps in enumerate(result.representatives)},
    }


def import_folder(actor: User | None, process: Process, path: str | Path) -> Conversation:
    """A Pol.is conversation becomes a conversation of `process`: statements (with their moderation),
    anonymous participants and their votes; then one recompute."""
    data = read_folder(path)
    if not data.statements:
        raise ValueError("comments.csv lists no comments")
    topic = (data.summary.get("topic") or Path(path).name)[:200]
    conversation = Conversation(process_id=process.id, topic={"ja": topic, "en": topic},
                                description={"ja": data.summary.get("conversation-description", "")[:5000]})
    db.session.add(conversation)
    db.session.flush()
    now = clock.now()
    ids: dict[int, int] = {}
    for sid in sorted(data.statements):
        text, moderated = data.statements[sid]
        text = " ".join(text.split())[:STATEMENT_MAX] or "…"
        state = {1: StatementState.ACCEPTED, -1: StatementState.REJECTED}.get(moderated, StatementState.PENDING)
        statement = Statement(conversation_id=conversation.id, text=text, state=state, decided_at=now,
                              reject_reason="Pol.is: moderated out" if state is StatementState.REJECTED else None)
        db.session.add(statement)
        db.session.flush()
        ids[sid] = statement.id
    participants: dict[int, int] = {}
    for pid in sorted({p for p, _s, _v in data.votes}):
        participant = Participant(conversation_id=conversation.id, browser_token=f"polis-{conversation.id}-{pid}")
        db.session.add(participant)
        db.session.flush()
        participants[pid] = participant.id
    latest: dict[tuple[int, int], int] = {}
    for pid, sid, value in data.votes:
        if sid in ids:
            latest[(pid, sid)] = value
    if latest:  # an empty executemany would insert one row of NULLs
        db.session.execute(insert(Vote), [
            {"conversation_id": conversation.id, "statement_id": ids[sid], "participant_id": participants[pid],
             "value": value, "created_at": now, "updated_at": now} for (pid, sid), value in latest.items()])
    counts = Counter((sid, value) for (_pid, sid), value in latest.items())
    if ids:
        db.session.execute(update(Statement), [
            {"id": new_id, "agree_count": counts[(sid, 1)], "disagree_count": counts[(sid, -1)],
             "pass_count": counts[(sid, 0)]} for sid, new_id in ids.items()])
    per_participant = Counter(pid for (pid, _sid) in latest)
    if per_participant:
        db.session.execute(update(Participant), [
            {"id": participants[pid], "votes_count": count} for pid, count in per_participant.items()])
    conversation.participants_count = len(participants)
    conversation.votes_count = len(latest)
    conversation.statements_count = sum(1 for _t, m in data.statements.values() if m == 1)
    conversation.votes_since_analysis = len(latest)
    db.session.flush()
    recompute(conversation)
    audit.record(actor, "conversation.import", conversation,
                 after={"statements": len(ids), "participants": len(participants), "votes": len(latest)})
    return conversation


def export_folder(conversation: Conversation, path: str | Path) -> list[Path]:
    from . import exports

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in (("participants-votes.csv", exports.participants_votes), ("comments.csv", exports.comments),
                        ("summary.csv", exports.summary)):
        target = folder / name
        target.write_text(build(conversation), encoding="utf-8", newline="")
        written.append(target)
    return written
