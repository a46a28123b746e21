"""Conversations as open data in the Pol.is open-data format, through the platform's one CSV writer.

`participants-votes.csv` (one row per participant: id, group, counts, then one column per statement:
1 agree, -1 disagree, 0 pass, empty unseen), `comments.csv` (statements with their counts and
moderation: 1 accepted, 0 waiting, -1 moderated out) and `summary.csv` (key, value). Participants are
numbered in the order they joined; no account, name or e-mail appears. Hidden and rejected statements are
listed as moderated out and their text is withheld: hidden means hidden, in open data too.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ..core import audit
from ..core.exports import csv_text
from ..core.i18n import localized
from ..core.models import User
from ..extensions import db
from .analysis import latest, load_votes
from .models import Conversation, Participant, Statement, StatementState


def _statements(conversation: Conversation) -> list[Statement]:
    return list(db.session.scalars(select(Statement).where(Statement.conversation_id == conversation.id)
                                   .where(Statement.state != StatementState.PENDING).order_by(Statement.id)))


def _moderated(statement: Statement) -> int:
    if statement.hidden_at is not None or statement.state is StatementState.REJECTED:
        return -1
    return 1 if statement.state is StatementState.ACCEPTED else 0


def participants_votes(conversation: Conversation) -> str:
    statements = _statements(conversation)
    sids = [s.id for s in statements]
    participants = list(db.session.scalars(select(Participant).where(
        Participant.conversation_id == conversation.id).order_by(Participant.id)))
    number = {p.id: i for i, p in enumerate(participants)}
    votes = load_votes(conversation).latest()
    cells: dict[tuple[int, int], int] = {}
    for pid, sid, value in zip(votes.participant.tolist(), votes.statement.tolist(), votes.value.tolist(),
                               strict=True):
        cells[(pid, sid)] = value
    authored: dict[int, int] = {}
    for s in statements:
        if s.participant_id is not None:
            authored[s.participant_id] = authored.get(s.participant_id, 0) + 1
    header: list[Any] = ["participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", *sids]
    rows = []
    for p in participants:
        mine = [cells.get((p.id, sid)) for sid in sids]
        cast = [v for v in mine if v is not None]
        rows.append([number[p.id], "", p.group if p.in_conversation and p.group is not None else "",
                     authored.get(p.id, 0), len(cast), sum(1 for v in cast if v == 1),
                     sum(1 for v in cast if v == -1), *("" if v is None else v for v in mine)])
    return csv_text(header, rows)


def comments(conversation: Conversation) -> str:
    statements = _statements(conversation)
    participants = {p.id: i for i, p in enumerate(db.session.scalars(select(Participant).where(
        Participant.conversation_id == conversation.id).order_by(Participant.id)))}
    header = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"]
    rows = []
    for s in statements:
        hidden = s.hidden_at is not None or s.state is StatementState.REJECTED
        rows.append([int(s.created_at.timestamp() * 1000), s.created_at.isoformat(), s.id,
                     participants.get(s.participant_id, "") if s.participant_id else "",
                     s.agree_count, s.disagree_count, _moderated(s), "" if hidden else s.text])
    return csv_text(header, rows)


def summary(conversation: Conversation) -> str:
    analysis = latest(conversation)
    statements = _statements(conversation)
    commenters = len({s.participant_id for s in statements if s.participant_id})
    rows: list[list[Any]] = [["topic", localized(conversation.topic)], ["url", ""],
            ["views", conversation.participants_count], ["voters", conversation.participants_count],
            ["voters-in-conv", analysis.in_conversation if analysis else 0], ["commenters", commenters],
            ["comments", len(statements)], ["groups", analysis.k if analysis else 0],
            ["conversation-description", localized(conversation.description)]]
    return csv_text(rows[0], rows[1:])


def audited(actor: User, conversation: Conversation, name: str, build: Callable[[Conversation], str]) -> bytes:
    """Build an export and record who took it."""
    body = build(conversation)
    audit.record(actor, "conversation.export", conversation, after={"file": name})
    return body.encode("utf-8")
