"""What alerts hold about a person: their subscriptions (by account or by the same address)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select

from ..core.models import User
from ..extensions import db
from .models import AlertSubscription


def _mine(user: User) -> Any:
    return or_(AlertSubscription.user_id == user.id, AlertSubscription.email == user.email)


def export(app: Any, user: User) -> dict[str, list[dict]]:
    return {"alert_subscriptions": [
        {"kind": s.kind.value, "email": s.email, "language": s.language, "latitude": s.latitude,
         "longitude": s.longitude, "radius_m": s.radius_m, "area_id": s.area_id, "category_id": s.category_id,
         "process_id": s.process_id, "confirmed_at": s.confirmed_at, "created_at": s.created_at}
        for s in db.session.scalars(select(AlertSubscription).where(_mine(user)).order_by(AlertSubscription.id))]}


def erase(app: Any, user: User) -> None:
    db.session.execute(delete(AlertSubscription).where(_mine(user)))


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
