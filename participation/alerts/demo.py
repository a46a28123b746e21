"""Demo alerts: feed items for the demo reports and proposals, and one resident's alert near the
station (500 m). Idempotent."""
from __future__ import annotations

from sqlalchemy import select

from ..core import clock
from ..core.models import User
from ..extensions import db
from .models import AlertKind, AlertSubscription, EventKind
from .services import path_for, record_event

DEMO_EMAIL = "resident@example.jp"
HOME = (35.6580, 139.7016)


def backfill() -> int:
    """Feed items for reports and proposals filed before alerts existed (read by table name)."""
    added = 0
    issues = db.metadata.tables["issues"]
    for row in db.session.execute(select(issues.c.id, issues.c.title, issues.c.latitude, issues.c.longitude,
                                         issues.c.area_id, issues.c.category_id).order_by(issues.c.id)):
        if record_event(EventKind.ISSUE, "issues", row.id, row.title, path_for("issues.detail", issue_id=row.id),
                        latitude=row.latitude, longitude=row.longitude, area_id=row.area_id,
                        category_id=row.category_id):
            added += 1
    proposals = db.metadata.tables["proposals"]
    for prop in db.session.execute(select(proposals.c.id, proposals.c.title, proposals.c.process_id)
                                   .order_by(proposals.c.id)):
        if record_event(EventKind.PROPOSAL, "proposals", prop.id, prop.title,
                        path_for("proposals.detail", proposal_id=prop.id), process_id=prop.process_id):
            added += 1
    return added


def seed() -> str | None:
    added = backfill()
    user = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
    made = 0
    if user is not None and db.session.scalar(select(AlertSubscription.id).where(
            AlertSubscription.user_id == user.id)) is None:
        db.session.add(AlertSubscription(user_id=user.id, email=user.email, language=user.language or "ja",
                                         kind=AlertKind.NEAR, latitude=HOME[0], longitude=HOME[1], radius_m=500,
                                         confirmed_at=clock.now()))
        made = 1
    db.session.flush()
    if not added and not made:
        return None
    return f"alerts: {added} feed items, {made} alert"
