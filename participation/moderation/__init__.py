"""Flags, hiding, user blocks and the moderation queue.

Moderation knows no feature: each feature registers what can be flagged in its own `init_app`
(`core.registry.register_moderation_target`); this package registers only users.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l


def _hidden_pending_review(target_type: str, target_id: int) -> bool:
    """Hidden automatically when enough residents reported it, and no moderator has decided yet."""
    from sqlalchemy import select

    from ..extensions import db
    from .models import Case, CaseState

    return bool(db.session.scalar(select(Case.id).where(
        Case.target_type == target_type, Case.target_id == target_id, Case.state == CaseState.HIDDEN,
        Case.decided_by_id.is_(None))))


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from ..core.features import expose_predicates
    from ..core.models import User
    from ..core.registry import ModerationTarget, register_moderation_target, register_notification_kind
    from . import permissions
    from .views import bp

    app.register_blueprint(bp)
    from ..core import signals

    signals.admin_sections.connect(_admin_sections, sender=app, weak=False)
    expose_predicates(app, permissions)
    register_notification_kind(
        app, "moderation.auto_hidden",
        _l("Something you wrote was hidden automatically after several reports, until a moderator reviews it "
           "(reason: %(reason)s)."),
        lambda n: url_for("moderation.transparency"), _reason_label)
    app.jinja_env.globals["hidden_pending_review"] = _hidden_pending_review
    register_notification_kind(
        app, "moderation.hidden", _l("A moderator hid something you wrote (reason: %(reason)s)."),
        lambda n: url_for("moderation.transparency"), _reason_label)
    register_notification_kind(
        app, "moderation.blocked", _l("Your account has been blocked: %(reason)s"),
        lambda n: url_for("core.account"))
    register_moderation_target(app, "users", ModerationTarget(
        User, _l("User"), lambda o: None, lambda o: o.id, lambda o: url_for("moderation.user", user_id=o.id),
        lambda o: o.display_name, User.id, hideable=False))


def _reason_label(data: dict[str, Any]) -> dict[str, Any]:
    from .models import REASON_LABELS, Reason

    try:
        return {**data, "reason": str(REASON_LABELS[Reason(data.get("reason") or "other")])}
    except ValueError:
        return data


def _admin_sections(app, user=None) -> list:
    """Links on the administration dashboard."""
    from ..core.permissions import can_view_audit_log
    from .permissions import can_view_queue

    links = []
    if can_view_queue(user):
        links.append((_l("Moderation queue"), url_for("moderation.queue")))
    if can_view_audit_log(user):
        links.append((_l("Audit log"), url_for("moderation.audit_log")))
    return links
