"""Facts for the KPI roll-up (core.signals.kpi_facts): conversation votes and statements."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..core.signals import Fact
from ..extensions import db
from .models import Conversation, Participant, Statement, Vote


def facts(app: Any, since: datetime | None = None, **_: Any) -> Iterator[Fact]:
    votes = (select(Participant.user_id, Conversation.process_id, Vote.created_at)
             .join(Participant, Participant.id == Vote.participant_id)
             .join(Conversation, Conversation.id == Vote.conversation_id))
    if since is not None:
        votes = votes.where(Vote.created_at >= since)
    for user_id, process_id, created_at in db.session.execute(votes.execution_options(yield_per=5000)):
        yield Fact("conversation_votes", created_at, user_id=user_id, process_id=process_id)
    statements = (select(Statement.author_id, Conversation.process_id, Statement.created_at)
                  .join(Conversation, Conversation.id == Statement.conversation_id))
    if since is not None:
        statements = statements.where(Statement.created_at >= since)
    for author_id, process_id, created_at in db.session.execute(statements):
        yield Fact("conversation_statements", created_at, user_id=author_id, process_id=process_id)
