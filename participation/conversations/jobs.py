"""Background work of conversations: recomputing opinion groups off the request.

After a vote, when a recompute is due (`CONVERSATION_RECOMPUTE_VOTES` new votes, or
`CONVERSATION_RECOMPUTE_SECONDS` since the last one), the vote's request enqueues
`recompute_conversation` once it commits; a periodic sweep catches conversations whose last votes
came in quietly. Both are idempotent: a recompute reads the votes as they are.
"""
from __future__ import annotations

from sqlalchemy import select

from ..core import jobs
from ..extensions import db
from .analysis import is_due, last_computed_at, recompute
from .models import Conversation


@jobs.task(retries=3, retry_delay=30)
def recompute_conversation(conversation_id: int) -> None:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or conversation.votes_since_analysis <= 0:
        return
    recompute(conversation)
    db.session.commit()


@jobs.periodic_task(jobs.crontab(minute="*"))
def sweep_conversations() -> None:
    """Every minute: recompute the conversations that have waited long enough."""
    for conversation in db.session.scalars(select(Conversation).where(Conversation.votes_since_analysis > 0)):
        if is_due(conversation, last_computed_at(conversation)):
            recompute(conversation)
            db.session.commit()


def schedule_if_due(conversation: Conversation) -> None:
    """Called after a vote: hand a recompute to the queue when one is due (runs after the commit)."""
    if is_due(conversation, last_computed_at(conversation)):
        jobs.after_commit(recompute_conversation, conversation.id)
