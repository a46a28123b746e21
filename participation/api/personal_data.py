"""What the API holds about a person: their access tokens (names only in the export; revoked and
deleted with the account)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from ..core.models import User
from ..extensions import db
from .models import ApiKey, PersonalToken


def export(app: Any, user: User) -> dict[str, list[dict]]:
    return {"api_tokens": [{"name": t.name, "scope": t.scope.value, "created_at": t.created_at,
                            "last_used_at": t.last_used_at, "revoked_at": t.revoked_at}
                           for t in db.session.scalars(select(PersonalToken).where(PersonalToken.user_id == user.id)
                                                       .order_by(PersonalToken.id))]}


def erase(app: Any, user: User) -> None:
    db.session.execute(delete(PersonalToken).where(PersonalToken.user_id == user.id))
    db.session.execute(update(ApiKey).where(ApiKey.created_by_id == user.id).values(created_by_id=None))


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
