"""Notifications by e-mail: per person and per topic, immediately, daily or weekly digest, or never.

Connected to `signals.notifications_created`: a notification whose topic the person wants
immediately is queued as a mail (sent after the commit). Digests are a periodic task that runs every
hour and sends at 07:00 city time (daily) and on Mondays at 07:00 (weekly); each digest has a
dedupe key (person, kind, city date), so running twice never sends twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from . import clock, jobs, mail, signals, site
from .errors import InvalidInput
from .mail_models import Frequency, NotificationPreference
from .models import Notification, User

TOPICS: dict[str, Any] = {
    "proposals": _l("Answers and comments on proposals I wrote or follow"),
    "issues": _l("Status changes and updates of my reports and the issues I follow"),
    "comments": _l("Replies to my comments"),
    "moderation": _l("Moderation decisions about my content"),
    "meetings": _l("Meetings I registered for"),
    "other": _l("Everything else"),
}
# Only officials see this topic: new and reopened reports of their department (default: never).
OFFICIAL_TOPIC = "department"
OFFICIAL_TOPIC_LABEL = _l("New and reopened street issues of my department (officials)")
FREQUENCY_LABELS = {
    Frequency.IMMEDIATELY: _l("Immediately"),
    Frequency.DAILY: _l("Daily summary (07:00)"),
    Frequency.WEEKLY: _l("Weekly summary (Monday 07:00)"),
    Frequency.NEVER: _l("Never"),
}
_PREFIXES = {"proposal": "proposals", "issue": "issues", "comment": "comments", "moderation": "moderation",
             "meeting": "meetings"}
DIGEST_HOUR = 7


def topic_of(kind: str) -> str:
    return _PREFIXES.get(kind.split(".", 1)[0], "other")


def init_app(app: Flask) -> None:
    signals.notifications_created.connect(_on_notifications, sender=app)


def topics_for(user: User) -> dict[str, Any]:
    return {**TOPICS, OFFICIAL_TOPIC: OFFICIAL_TOPIC_LABEL} if user.department_ids else dict(TOPICS)


def preferences(user: User) -> dict[str, Frequency]:
    chosen = {p.topic: p.frequency for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    defaults = {OFFICIAL_TOPIC: Frequency.NEVER}
    return {topic: chosen.get(topic, defaults.get(topic, Frequency.IMMEDIATELY)) for topic in topics_for(user)}


def officials_wanting_department_mail(department_id: int) -> list[User]:
    """Officials of the department who opted in to its new and reopened reports by e-mail (not
    blocked ones: a blocked account receives nothing about other people's reports)."""
    from .models import Role, RoleAssignment

    return list(db.session.scalars(select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).join(
        NotificationPreference, NotificationPreference.user_id == User.id).where(
        RoleAssignment.role == Role.OFFICIAL, RoleAssignment.department_id == department_id,
        NotificationPreference.topic == OFFICIAL_TOPIC, NotificationPreference.frequency == Frequency.IMMEDIATELY,
        User.active.is_(True), User.blocked_at.is_(None)).distinct()))


def set_preferences(user: User, choices: dict[str, str]) -> None:
    rows = {p.topic: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    allowed = topics_for(user)
    for topic, value in choices.items():
        if topic not in allowed:
            raise InvalidInput(_l("Unknown kind of notification."))
        try:
            frequency = Frequency(value)
        except ValueError:
            raise InvalidInput(_l("Please choose how often."), field=topic) from None
        if topic in rows:
            rows[topic].frequency = frequency
        else:
            db.session.add(NotificationPreference(user_id=user.id, topic=topic, frequency=frequency))
    db.session.flush()


def subscriber(user_id: int, stamp: Any) -> User | None:
    """The account an unsubscribe link was made for, or None (deleted, or its id reused since)."""
    user = db.session.get(User, user_id)
    if user is None or stamp != mail.account_stamp(user):
        return None
    return user


def unsubscribe(user: User, topic: str) -> User:
    allowed = topics_for(user)
    set_preferences(user, {t: Frequency.NEVER for t in (allowed if topic == "all" else [topic]) if t in allowed})
    return user


def _message(notification: Notification, lang: str) -> tuple[str, str]:
    from . import notifications

    with mail.public_request_context(), force_locale(lang):
        text, link = notifications.render(notification)
    return text, mail.absolute(link) if link.startswith("/") else link


def _on_notifications(app: Any, rows: list[Notification], **_: Any) -> None:
    for row in rows:
        user = db.session.get(User, row.user_id)
        if user is None or not user.is_active:
            continue
        topic = topic_of(row.kind)
        if preferences(user).get(topic) is not Frequency.IMMEDIATELY:
            continue
        lang = mail.language_of(user)
        message, link = _message(row, lang)
        mail.queue(user.email, "notification", user=user, lang=lang, dedupe_key=f"notification:{row.id}",
                   unsubscribe=topic, message=message, link=link, note=(row.data or {}).get("note"))


# --- digests ----------------------------------------------------------------------------------------

def _local(now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(site.get("CITY_TIMEZONE")))


def send_digests(now: datetime | None = None) -> int:
    """Queue the digests due at `now` (07:00 city time: daily; Mondays also weekly). Idempotent."""
    now = now or clock.now()
    local = _local(now)
    if local.hour != DIGEST_HOUR:
        return 0
    due = [(Frequency.DAILY, timedelta(days=1))]
    if local.weekday() == 0:
        due.append((Frequency.WEEKLY, timedelta(days=7)))
    sent = 0
    for frequency, span in due:
        users = db.session.scalars(select(User).join(
            NotificationPreference, NotificationPreference.user_id == User.id).where(
            NotificationPreference.frequency == frequency, User.active.is_(True)).distinct())
        for user in users:
            topics = {t for t, f in preferences(user).items() if f is frequency}
            since = now.replace(minute=0, second=0, microsecond=0) - span
            rows = [n for n in db.session.scalars(select(Notification).where(
                Notification.user_id == user.id, Notification.created_at >= since,
                Notification.created_at < now).order_by(Notification.id)) if topic_of(n.kind) in topics]
            if not rows:
                continue
            lang = mail.language_of(user)
            items = [_message(n, lang) for n in rows]
            key = f"digest:{frequency.value}:{user.id}:{local.date().isoformat()}"
            if mail.queue(user.email, "digest", user=user, lang=lang, dedupe_key=key, unsubscribe="all",
                          items=items, weekly=frequency is Frequency.WEEKLY,
                          settings_link=mail.external_url("accounts.notification_settings")):
                sent += 1
    return sent


@jobs.periodic_task(jobs.crontab(minute="0"))
def digests() -> None:
    send_digests()
    db.session.commit()
