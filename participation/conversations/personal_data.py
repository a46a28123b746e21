"""What conversations hold about a person: export, erase (statements stay under 「退会したユーザー」; the
participant and their votes stay in the opinion map, linked to no one) and public profile items."""
from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select, update

from ..core.models import User
from ..extensions import db
from .models import Participant, Statement, Vote


def export(app: Any, user: User) -> dict[str, list[dict]]:
    participants = db.session.scalars(select(Participant).where(Participant.user_id == user.id)).all()
    ids = [p.id for p in participants]
    votes = db.session.scalars(select(Vote).where(Vote.participant_id.in_(ids)).order_by(Vote.id)).all() if ids else []
    return {
        "conversation_participations": [{"conversation_id": p.conversation_id, "created_at": p.created_at}
                                        for p in participants],
        "conversation_votes": [{"conversation_id": v.conversation_id, "statement_id": v.statement_id,
                                "value": v.value, "created_at": v.created_at} for v in votes],
        "conversation_statements": [{"id": s.id, "conversation_id": s.conversation_id, "text": s.text,
                                     "state": s.state.value, "created_at": s.created_at, "hidden_at": s.hidden_at}
                                    for s in db.session.scalars(select(Statement).where(Statement.author_id == user.id)
                                                                .order_by(Statement.id))],
    }


def erase(app: Any, user: User) -> None:
    db.session.execute(update(Statement).where(Statement.author_id == user.id).values(author_id=None))
    for participant in db.session.scalars(select(Participant).where(Participant.user_id == user.id)).all():
        participant.user_id, participant.browser_token = None, f"erased-{secrets.token_hex(16)}"
    db.session.flush()


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
