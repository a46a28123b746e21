"""The audit log service: every staff action is recorded here, and only here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_request_context, request

from ..extensions import db
from .models import AuditLog
from .types import Actor


def _jsonable(data: dict | None) -> dict | None:
    if data is None:
        return None
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, (str, int, float, bool)) or value is None or isinstance(value, (dict, list)):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def record(actor: Actor, action: str, target: Any = None, *, target_type: str | None = None,
           target_id: int | None = None, before: dict | None = None,
           after: dict | None = None) -> AuditLog:
    """Add an audit entry for `actor` doing `action` to `target` (a model instance)."""
    if target is not None:
        target_type = target_type or getattr(target, "__tablename__", type(target).__name__)
        target_id = target_id if target_id is not None else getattr(target, "id", None)
    entry = AuditLog(
        actor_id=getattr(actor, "id", None) if actor is not None and getattr(actor, "is_authenticated", True) else None,
        action=action,
        target_type=target_type or "-",
        target_id=target_id,
        before=_jsonable(before),
        after=_jsonable(after),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


# --- reading: the audit log as sentences ------------------------------------------------------------

def actor_text(user: Any) -> str:
    """「佐藤（道路課）」: the person and the departments they work for."""
    from flask_babel import gettext as _

    from .i18n import localized
    from .models import Role

    if user is None:
        return _("command line")
    departments = [localized(a.department.name) for a in user.roles if a.role == Role.OFFICIAL and a.department]
    if not departments:
        return user.display_name
    return _("%(name)s (%(department)s)", name=user.display_name, department=_(", ").join(departments))


def value_text(value: Any) -> str:
    """A stored JSON value as a reader sees it: translated texts in the reader's language, yes/no."""
    from flask_babel import gettext as _

    from .i18n import localized, supported

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        if set(value) <= set(supported()):
            return localized(value) or "—"
        return _(", ").join(f"{key}: {value_text(item)}" for key, item in value.items())
    if isinstance(value, list):
        return _(", ").join(value_text(item) for item in value) or "—"
    return str(value)


def target_text(entry: AuditLog) -> str:
    if entry.target_id is None:
        return str(entry.target_type)
    return f"#{entry.target_id}"


def type_label(target_type: str) -> str:
    """What kind of item: the moderation target's label when the type is one (「まちの課題」)."""
    from .registry import registry

    target = registry().moderation_targets.get(target_type)
    return str(target.label) if target else target_type


def action_label(name: str) -> str:
    from .registry import registry

    spec = registry().audit_actions.get(name)
    return str(spec.label) if spec else name


def sentence(entry: AuditLog) -> str:
    """The entry as one translated sentence: 「佐藤（道路課）が #12 の状態を調査中に変更」.
    Actions no feature registered read as a generic sentence naming the action and the item."""
    from flask_babel import gettext as _

    from .registry import registry

    base = {"actor": actor_text(entry.actor), "target": target_text(entry)}
    spec = registry().audit_actions.get(entry.action)
    if spec is not None:
        try:
            values = spec.values(entry) if spec.values else {}
            return str(spec.message) % {**base, **{k: v if isinstance(v, str) else value_text(v)
                                                   for k, v in values.items()}}
        except (KeyError, LookupError, TypeError, ValueError):
            pass  # an older entry without the values today's wording needs
    return _("%(actor)s: “%(action)s” on %(type)s %(target)s", actor=base["actor"],
             action=action_label(entry.action), type=type_label(entry.target_type), target=base["target"])


def changes(entry: AuditLog) -> list[tuple[str, str, str]]:
    """(field, before, after) as text, for every field the entry recorded."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(key, value_text(before.get(key)) if key in before else "",
             value_text(after.get(key)) if key in after else "") for key in keys]


@dataclass
class AuditFilters:
    actor_ids: list[int] | None = None  # None: anyone
    action: str = ""
    target_type: str = ""
    target_id: int | None = None
    since: date | None = None  # city dates, both included
    until: date | None = None


def _city_midnight(day: date) -> datetime:
    from flask import current_app

    tz = ZoneInfo(current_app.config.get("CITY_TIMEZONE", "Asia/Tokyo"))
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def find(filters: AuditFilters, *, before_id: int | None = None, limit: int = 50) -> tuple[list[AuditLog], int | None]:
    """Newest first, `limit` entries older than `before_id`; and the id to continue from (None at the
    end). Pages by key, never counting the table."""
    from sqlalchemy import select

    query = select(AuditLog)
    if filters.actor_ids is not None:
        query = query.where(AuditLog.actor_id.in_(filters.actor_ids))
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    if filters.target_type:
        query = query.where(AuditLog.target_type == filters.target_type)
    if filters.target_id is not None:
        query = query.where(AuditLog.target_id == filters.target_id)
    if filters.since:
        query = query.where(AuditLog.created_at >= _city_midnight(filters.since))
    if filters.until:
        query = query.where(AuditLog.created_at < _city_midnight(filters.until + timedelta(days=1)))
    if before_id:
        query = query.where(AuditLog.id < before_id)
    rows = list(db.session.scalars(query.order_by(AuditLog.id.desc()).limit(limit + 1)))
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


def people_matching(text: str) -> list[int]:
    """Accounts a "person" filter names: a user number, an e-mail address or an exact display name."""
    from sqlalchemy import func, or_, select

    from .models import User

    text = text.strip()
    if text.isdecimal() and len(text) <= 9:  # isdigit() would let "²" reach int()
        return [int(text)]
    return list(db.session.scalars(select(User.id).where(or_(
        func.lower(User.email) == text.lower(), User.display_name == text)).limit(50)))


def person_then(entry: AuditLog, user_id: Any) -> Any:
    """The account `user_id` named when `entry` was written: None once it was deleted, also when the
    number now belongs to a later account (SQLite gives the newest deleted account's number again)."""
    from .models import User

    person = db.session.get(User, user_id) if isinstance(user_id, int) and user_id > 0 else None
    if person is None or (person.created_at and entry.created_at and person.created_at > entry.created_at):
        return None
    return person


def _person(entry: AuditLog) -> dict[str, Any]:
    person = person_then(entry, entry.target_id)
    return {"person": person.display_name if person else f"#{entry.target_id}"}


def _role(key: str):
    def values(entry: AuditLog) -> dict[str, Any]:
        from .templating import role_label

        return {**_person(entry), "role": role_label(((entry.after if key == "after" else entry.before) or {})["role"])}

    return values


def init_app(app: Any) -> None:
    """How core's own actions read in the audit log."""
    from flask_babel import lazy_gettext as _l

    from .registry import register_audit_action

    register_audit_action(app, "role.grant", _l("Role granted"),
                          _l("%(actor)s gave %(person)s the role “%(role)s”"), _role("after"))
    register_audit_action(app, "role.revoke", _l("Role removed"),
                          _l("%(actor)s removed the role “%(role)s” from %(person)s"), _role("before"))
    register_audit_action(app, "user.block", _l("Account blocked"), _l("%(actor)s blocked %(person)s"), _person)
    register_audit_action(app, "user.unblock", _l("Account unblocked"), _l("%(actor)s unblocked %(person)s"),
                          _person)
