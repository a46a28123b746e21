"""Conversations: statements residents vote on, opinion groups and consensus.

The maths is pure (`engine`, `groups`, `statistics`, `routing`, `bridging`: numpy, scipy,
scikit-learn, no Flask); the rest is the feature: models, services, queries, analysis (recompute and
store), report (what the map and the report show), Pol.is import/export, views and CLI.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from . import activity

    activity.init_app(app)  # /account/activity
    from sqlalchemy.orm import joinedload

    from ..core import signals
    from ..core.features import expose_predicates
    from ..core.registry import ModerationTarget, register_moderation_target, register_notification_kind
    from . import admin, jobs, permissions
    from .cli import conversations_cli
    from .models import Conversation, Statement
    from .views import bp

    assert admin.bp is bp and jobs.recompute_conversation  # staff pages share the blueprint; tasks known
    app.register_blueprint(bp)
    app.cli.add_command(conversations_cli)
    expose_predicates(app, permissions)
    signals.process_figures.connect(_figures, sender=app, weak=False)
    signals.process_actions.connect(_actions, sender=app, weak=False)
    signals.process_admin_blocks.connect(_admin_block, sender=app, weak=False)
    signals.phase_dependents.connect(_phase_dependents, sender=app, weak=False)
    signals.content_visibility_changed.connect(_visibility_changed, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    signals.opinion_groups.connect(_opinion_groups, sender=app, weak=False)
    register_notification_kind(
        app, "conversation.statement_accepted", _l("Your statement “%(text)s” is now shown to participants."),
        _statement_url)
    register_notification_kind(
        app, "conversation.statement_rejected",
        _l("Your statement “%(text)s” was not accepted. Reason: %(reason)s"), _statement_url)
    register_moderation_target(app, "conversation_statements", ModerationTarget(
        Statement, _l("Statement in a conversation"), lambda o: o.conversation.process_id, lambda o: o.author_id,
        lambda o: url_for("conversations.detail", slug=o.conversation.process.slug,
                          conversation_id=o.conversation_id, statement=o.id),
        lambda o: o.text, Statement.author_id, readable=permissions.can_read_statement,
        load_options=(joinedload(Statement.conversation).joinedload(Conversation.process).lazyload("*"),)))
    from .kpi import facts as kpi_facts

    signals.kpi_facts.connect(kpi_facts, sender=app, weak=False)


def _statement_url(notification: Any) -> str:
    from ..extensions import db
    from .models import Statement

    statement = db.session.get(Statement, notification.target_id)
    if statement is None:
        return url_for("processes.index")
    return url_for("conversations.detail", slug=statement.conversation.process.slug,
                   conversation_id=statement.conversation_id)


def _figures(app: Any, *, process: Any, **_: Any) -> list[tuple[str, int]]:
    from .queries import conversations_of

    conversations = conversations_of(process)
    if not conversations:
        return []
    return [(str(_l("Conversation participants")), sum(c.participants_count for c in conversations)),
            (str(_l("Conversation votes")), sum(c.votes_count for c in conversations))]


def _actions(app: Any, *, process: Any, user: Any, **_: Any) -> list[tuple[str, str]]:
    from ..core.i18n import localized
    from .queries import conversations_of, may_vote

    actions = []
    for conversation in conversations_of(process):
        decision = may_vote(conversation, user)
        if decision.allowed or decision.needs_login:
            actions.append((str(_l("Take part in the conversation: %(topic)s", topic=localized(conversation.topic))),
                            url_for("conversations.detail", slug=process.slug, conversation_id=conversation.id)))
    return actions


def _admin_block(app: Any, *, process: Any, **_: Any) -> Any:
    from ..core.signals import Block
    from .queries import conversations_of

    return Block("conversations/_process_admin.html", {"conversations": conversations_of(process)})


def _phase_dependents(app: Any, *, phase: Any, **_: Any) -> Any:
    from sqlalchemy import func, select

    from ..extensions import db
    from .models import Conversation

    if db.session.scalar(select(func.count(Conversation.id)).where(Conversation.phase_id == phase.id)):
        return _l("This phase has conversations. Move or delete them first.")
    return None


def _visibility_changed(app: Any, *, item: Any, **_: Any) -> None:
    from .models import Statement
    from .services import recount_visible_statements

    if isinstance(item, Statement):
        recount_visible_statements(item.conversation)


def _opinion_groups(app: Any, *, process: Any, members: bool = True, **_: Any) -> dict[str, Any] | None:
    """The groups of the process's first analysed conversation, for "broad support" orders."""
    from sqlalchemy import select

    from ..extensions import db
    from .models import Analysis, Participant
    from .queries import conversations_of

    for conversation in conversations_of(process):
        row = db.session.execute(select(Analysis.k, Analysis.groups)  # not the per-participant state
                                 .where(Analysis.conversation_id == conversation.id)).first()
        if row is None or row.k < 2:
            continue
        found: dict[str, Any] = {"sizes": [g["size"] for g in row.groups]}
        if members:
            found["members"] = dict(db.session.execute(
                select(Participant.user_id, Participant.group).where(
                    Participant.conversation_id == conversation.id, Participant.user_id.is_not(None),
                    Participant.in_conversation.is_(True), Participant.group.is_not(None))).all())
        return found
    return None


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
