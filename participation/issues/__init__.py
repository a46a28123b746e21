"""Geotagged street issue reports, categories, departments, areas and updates."""
from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l


def _status_change(data: dict) -> dict:
    """A status notification says the new status and the official's note."""
    from .models import STATUS_LABELS, Status

    try:
        status = str(STATUS_LABELS[Status(str(data.get("status")))])
    except ValueError:
        status = str(data.get("status") or "")
    return {**data, "status": status, "note": data.get("note") or "—"}


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from ..core import signals
    from ..core.features import expose_predicates
    from ..core.registry import ModerationTarget, register_moderation_target, register_notification_kind
    from . import activity, audit_texts, permissions, triage_views
    from .cli import areas_cli
    from .models import Issue, IssueUpdate
    from .views import bp

    assert triage_views.bp is bp  # the staff routes (triage_views.py) join the blueprint
    from . import admin  # the administration routes (categories, areas) join the blueprint too

    signals.admin_sections.connect(admin.admin_sections, sender=app, weak=False)
    from .category_questions import shown_answers

    app.jinja_env.globals["issue_answers"] = lambda issue: shown_answers(issue.category, issue.answers)
    app.register_blueprint(bp)
    audit_texts.init_app(app)
    activity.init_app(app)  # /account/activity
    app.cli.add_command(areas_cli)
    expose_predicates(app, permissions)
    signals.home_blocks.connect(_home_block, sender=app, weak=False)
    signals.home_figures.connect(_home_figures, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    signals.rebuild_counters.connect(_rebuild_counters, sender=app, weak=False)
    from . import tallies

    tallies.install()
    register_notification_kind(
        app, "issue.status", _l("“%(title)s” is now %(status)s. Note from the city: %(note)s"),
        lambda n: url_for("issues.detail", issue_id=n.target_id) + "#timeline", _status_change)
    register_notification_kind(
        app, "issue.updated", _l("New update on “%(title)s”."),
        lambda n: url_for("issues.detail", issue_id=n.target_id) + "#timeline")
    register_notification_kind(
        app, "issue.fixed_suggested", _l("Someone thinks “%(title)s” is fixed: please check."),
        lambda n: url_for("issues.detail", issue_id=n.target_id) + "#timeline")
    register_notification_kind(
        app, "issue.reopened", _l("The reporter reopened “%(title)s”."),
        lambda n: url_for("issues.detail", issue_id=n.target_id) + "#timeline")
    register_moderation_target(app, "issues", ModerationTarget(
        Issue, _l("Street issue"), lambda o: None, lambda o: o.reporter_id,
        lambda o: url_for("issues.detail", issue_id=o.id), lambda o: f"{o.title}\n{o.details}",
        Issue.reporter_id))
    register_moderation_target(app, "issue_updates", ModerationTarget(
        IssueUpdate, _l("Update on a street issue"), lambda o: None, lambda o: o.author_id,
        lambda o: url_for("issues.detail", issue_id=o.issue_id) + "#timeline", lambda o: o.text,
        IssueUpdate.author_id))
    from ..core.registry import register_upload_owner
    from .queries import can_read_photo, photos_using_upload

    register_upload_owner(app, "issue_photos", photos_using_upload, can_read_photo)
    from .kpi import facts as kpi_facts

    signals.kpi_facts.connect(kpi_facts, sender=app, weak=False)


def _home_block(app: Any, **_: Any) -> Any:
    from ..core.signals import Block
    from .queries import recent_issues

    return Block("issues/_home.html", {"recent_issues": recent_issues(5)})


def _home_figures(app: Any, **_: Any) -> list[tuple[str, int]]:
    from .queries import home_figures

    figures = home_figures()
    return [(str(_l("Open street issues")), figures["open"]), (str(_l("Street issues fixed")), figures["fixed"])]


def _rebuild_counters(app: Any, **_: Any) -> str:
    from .tallies import rebuild

    return rebuild()


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
