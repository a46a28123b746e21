"""Following and in-app notifications, shared by every feature.

A feature registers each notification kind in its `init_app`
(`core.registry.register_notification_kind`) with a message and a link builder;
`notify_followers` stores one row per follower. Rows carry `kind` + `data`, never rendered text,
so each reader sees them in their own language. Delivery channels beyond the in-app list (e-mail)
connect to the `core.signals.notifications_created` event.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update

from ..extensions import db
from . import clock, signals
from .models import Follow, Notification, User
from .permissions import is_signed_in
from .registry import registry
from .types import Actor


def _target(target: Any) -> tuple[str, int]:
    return target.__tablename__, target.id


def follow(user: User, target: Any) -> Follow:
    target_type, target_id = _target(target)
    existing = db.session.scalar(select(Follow).where(
        Follow.user_id == user.id, Follow.target_type == target_type, Follow.target_id == target_id))
    if existing is not None:
        return existing
    row = Follow(user_id=user.id, target_type=target_type, target_id=target_id)
    db.session.add(row)
    db.session.flush()
    return row


def unfollow(user: User, target: Any) -> None:
    target_type, target_id = _target(target)
    db.session.execute(delete(Follow).where(
        Follow.user_id == user.id, Follow.target_type == target_type, Follow.target_id == target_id))


def is_following(user: Actor, target: Any) -> bool:
    if not is_signed_in(user):
        return False
    target_type, target_id = _target(target)
    return (db.session.scalar(select(func.count(Follow.id)).where(
        Follow.user_id == user.id, Follow.target_type == target_type,
        Follow.target_id == target_id)) or 0) > 0


def follower_ids(target: Any) -> list[int]:
    target_type, target_id = _target(target)
    return list(db.session.scalars(select(Follow.user_id).where(
        Follow.target_type == target_type, Follow.target_id == target_id)))


def notify_followers(target: Any, kind: str, data: dict, *, exclude: Actor = None) -> list[Notification]:
    """One notification per follower of `target` (not the actor who caused it)."""
    if kind not in registry().notification_kinds:
        raise KeyError(f"unknown notification kind {kind}")
    target_type, target_id = _target(target)
    skip = getattr(exclude, "id", None)
    rows = [Notification(user_id=uid, kind=kind, target_type=target_type, target_id=target_id,
                         data=data)
            for uid in follower_ids(target) if uid != skip]
    db.session.add_all(rows)
    db.session.flush()
    signals.send(signals.notifications_created, rows=rows)
    return rows


def notify_users(user_ids: list[int], target: Any, kind: str, data: dict) -> list[Notification]:
    """Notify particular people (an author whose content was hidden, say)."""
    if kind not in registry().notification_kinds:
        raise KeyError(f"unknown notification kind {kind}")
    target_type, target_id = _target(target)
    rows = [Notification(user_id=uid, kind=kind, target_type=target_type, target_id=target_id, data=data)
            for uid in dict.fromkeys(user_ids) if uid]
    db.session.add_all(rows)
    db.session.flush()
    signals.send(signals.notifications_created, rows=rows)
    return rows


def unread_count(user: Actor) -> int:
    if not is_signed_in(user):
        return 0
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(user: User) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=clock.now()))


def render(notification: Notification) -> tuple[str, str]:
    """(message in the current language, link) for a stored notification."""
    kind = registry().notification_kinds.get(notification.kind)
    if kind is None:
        return notification.kind, "#"
    data = {k: v for k, v in (notification.data or {}).items()}
    if kind.prepare:
        data = kind.prepare(data)
    return str(kind.message) % data, kind.url(notification)
