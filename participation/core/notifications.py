"""Following and in-app notifications, shared by every feature.

A feature registers each notification kind in its `init_app`
(`core.registry.register_notification_kind`) with a message and a link builder;
`notify_followers` stores one row per follower. Rows carry `kind` + `data`, never rendered text,
so each reader sees them in their own language. Delivery channels beyond the in-app list (e-mail)
connect to the `core.signals.notifications_created` event.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from ..extensions import Model, db
from . import clock, signals
from .models import Follow, Notification, User
from .permissions import is_signed_in
from .registry import registry
from .services import ensure_can_post
from .types import Actor

HIDDEN_TEXT = _l("(hidden by moderators)")


def _target(target: Any) -> tuple[str, int]:
    return target.__tablename__, target.id


def is_hidden(target: Any) -> bool:
    """Hidden by moderators (anything with a `hidden_at` column)."""
    return getattr(target, "hidden_at", None) is not None


def _hidden_targets(rows: list[Notification]) -> set[tuple[str, int]]:
    """Which of these notifications' targets are hidden now (one query per kind of target)."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        wanted.setdefault(row.target_type, set()).add(row.target_id)
    models = {m.class_.__tablename__: m.class_ for m in Model.registry.mappers
              if hasattr(m.class_, "__tablename__")}
    hidden: set[tuple[str, int]] = set()
    for table, ids in wanted.items():
        model = models.get(table)
        if model is None or not hasattr(model, "hidden_at"):
            continue
        for target_id in db.session.scalars(select(model.id).where(
                model.id.in_(sorted(ids)), model.hidden_at.is_not(None))):
            hidden.add((table, target_id))
    return hidden


def follow(user: User, target: Any) -> Follow:
    """Follow `target`: blocked accounts cannot, and hidden content cannot be followed."""
    ensure_can_post(user, on=target)
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
    ensure_can_post(user)
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
    if is_hidden(target):
        return []  # hidden means hidden: no notification carries its text
    target_type, target_id = _target(target)
    skip = getattr(exclude, "id", None)
    rows = [Notification(user_id=uid, kind=kind, target_type=target_type, target_id=target_id,
                         data=data)
            for uid in follower_ids(target) if uid != skip]
    db.session.add_all(rows)
    db.session.flush()
    signals.send(signals.notifications_created, rows=rows)
    return rows


def notify_users(user_ids: list[int] | list[int | None], target: Any, kind: str, data: dict) -> list[Notification]:
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


def render(notification: Notification, hidden: bool | None = None) -> tuple[str, str]:
    """(message in the current language, link) for a stored notification. The text of content
    hidden since (title, note) is replaced by a placeholder."""
    kind = registry().notification_kinds.get(notification.kind)
    if kind is None:
        return notification.kind, "#"
    if hidden is None:
        hidden = bool(_hidden_targets([notification]))
    data = shown_data(notification, hidden)
    if kind.prepare:
        data = kind.prepare(data)
    return str(kind.message) % data, kind.url(notification)


def shown_data(notification: Notification, hidden: bool) -> dict:
    """The stored data as it may be shown now (a page, "download my data"): the text of content
    hidden since (title, note) is replaced by a placeholder."""
    data = dict(notification.data or {})
    if hidden:
        data = {k: (str(HIDDEN_TEXT) if isinstance(v, str) and k in ("title", "note", "text") else v)
                for k, v in data.items()}
    return data


def shown_data_of(rows: list[Notification]) -> dict[int, dict]:
    """`shown_data` of several notifications, by id (one query per kind of target)."""
    hidden = _hidden_targets(rows)
    return {n.id: shown_data(n, (n.target_type, n.target_id) in hidden) for n in rows}


def render_all(rows: list[Notification]) -> list[tuple[Notification, str, str]]:
    """(notification, message, link) for a page of notifications, hidden text replaced."""
    hidden = _hidden_targets(rows)
    return [(n, *render(n, (n.target_type, n.target_id) in hidden)) for n in rows]
