"""Facts for the KPI roll-up (core.signals.kpi_facts): proposals, comments, supports, answers."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..core.signals import Fact
from ..extensions import db
from .models import Comment, Proposal, ProposalAnswer, State, Support

DAY = 86400.0


def facts(app: Any, since: datetime | None = None, **_: Any) -> Iterator[Fact]:
    first_answer = (select(ProposalAnswer.proposal_id, func.min(ProposalAnswer.published_at).label("at"))
                    .where(ProposalAnswer.published_at.is_not(None))
                    .group_by(ProposalAnswer.proposal_id).subquery())
    query = (select(Proposal.author_id, Proposal.process_id, Proposal.created_at, Proposal.state, first_answer.c.at)
             .outerjoin(first_answer, first_answer.c.proposal_id == Proposal.id)
             .where(Proposal.hidden_at.is_(None)))
    if since is not None:
        query = query.where(Proposal.created_at >= since)
    for author_id, process_id, created_at, state, answered_at in db.session.execute(query):
        yield Fact("proposals", created_at, user_id=author_id, process_id=process_id)
        if answered_at is None and state == State.WITHDRAWN:
            continue  # a withdrawn proposal is not waiting for an answer
        yield Fact("proposal_answers", created_at, process_id=process_id, participant=False,
                   met=answered_at is not None,
                   days=(answered_at - created_at).total_seconds() / DAY if answered_at is not None else None)

    comments = (select(Comment.author_id, Proposal.process_id, Comment.created_at)
                .join(Proposal, Proposal.id == Comment.proposal_id)
                .where(Comment.hidden_at.is_(None), Comment.deleted_at.is_(None)))
    if since is not None:
        comments = comments.where(Comment.created_at >= since)
    for author_id, process_id, created_at in db.session.execute(comments):
        yield Fact("comments", created_at, user_id=author_id, process_id=process_id)

    supports = select(Support.user_id, Support.process_id, Support.created_at)
    if since is not None:
        supports = supports.where(Support.created_at >= since)
    for user_id, process_id, created_at in db.session.execute(supports):
        yield Fact("supports", created_at, user_id=user_id, process_id=process_id)
