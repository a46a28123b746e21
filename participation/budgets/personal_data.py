"""What participatory budgets hold about a person: export and erase (a cast ballot stays counted,
linked to no one; a ballot never cast is deleted)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..core.models import User
from ..extensions import db
from .models import Ballot


def export(app: Any, user: User) -> dict[str, list[dict]]:
    return {"budget_ballots": [{"budget_id": b.budget_id, "checked_out_at": b.checked_out_at,
                                "created_at": b.created_at, "project_ids": [item.project_id for item in b.items]}
                               for b in db.session.scalars(select(Ballot).where(Ballot.user_id == user.id)
                                                           .order_by(Ballot.id))]}


def erase(app: Any, user: User) -> None:
    for ballot in db.session.scalars(select(Ballot).where(Ballot.user_id == user.id)).all():
        if ballot.checked_out_at is None:
            db.session.delete(ballot)
        else:
            ballot.user_id = None
    db.session.flush()


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
