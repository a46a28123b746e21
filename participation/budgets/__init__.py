"""Participatory budgets: budgets of a process, projects, residents' ballots, selection."""
from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from . import activity

    activity.init_app(app)  # /account/activity
    from ..core import signals
    from ..core.features import expose_predicates
    from ..core.registry import register_notification_kind
    from . import permissions
    from .views import bp

    app.register_blueprint(bp)
    expose_predicates(app, permissions)
    signals.process_figures.connect(_figures, sender=app, weak=False)
    signals.process_actions.connect(_actions, sender=app, weak=False)
    signals.process_admin_blocks.connect(_admin_block, sender=app, weak=False)
    signals.proposal_outcomes.connect(_proposal_outcomes, sender=app, weak=False)
    signals.selected_projects.connect(_selected_projects, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    from ..core.registry import register_upload_owner
    from .queries import projects_using_upload

    register_upload_owner(app, "budget_project_images", projects_using_upload,
                          lambda user, project: permissions.can_view_budget(user, project.budget))
    register_notification_kind(
        app, "budgets.project_created", _l("The proposal “%(title)s” became a project of the budget “%(budget)s”."),
        lambda n: url_for("budgets.project", slug=n.data["slug"], budget_id=n.data["budget_id"],
                          project_id=n.data["project_id"]))
    from .kpi import facts as kpi_facts

    signals.kpi_facts.connect(kpi_facts, sender=app, weak=False)


def _figures(app: Any, *, process: Any, **_: Any) -> list[tuple[str, int]]:
    from .queries import process_ballot_count, process_budgets

    if not process_budgets(process):
        return []
    return [(str(_l("Budget votes")), process_ballot_count(process))]


def _actions(app: Any, *, process: Any, user: Any, **_: Any) -> list[tuple[str, str]]:
    from ..processes.capabilities import is_allowed
    from ..processes.models import Capability
    from .queries import process_budgets

    if not process_budgets(process):
        return []
    decision = is_allowed(process, Capability.VOTE_BUDGET, user)
    label = _l("Vote on the budget") if decision.allowed or decision.needs_login else _l("See the budgets")
    return [(str(label), url_for("budgets.index", slug=process.slug))]


def _admin_block(app: Any, *, process: Any, **_: Any) -> Any:
    from ..core.signals import Block
    from .queries import process_budgets

    return Block("budgets/_process_admin.html", {"budgets": process_budgets(process)})


def _proposal_outcomes(app: Any, *, process: Any, proposal_ids: list[int], **_: Any) -> list[dict]:
    from ..core.i18n import localized
    from .queries import projects_of_proposals

    out = []
    for proposal_id, project in projects_of_proposals(process, proposal_ids):
        budget = project.budget
        if project.selected:
            label = _l("Budget project “%(title)s”: selected", title=localized(project.title))
        elif budget.selected_at is not None:
            label = _l("Budget project “%(title)s”: not selected (%(votes)s votes)",
                       title=localized(project.title), votes=project.votes_count)
        else:
            label = _l("Budget project “%(title)s”", title=localized(project.title))
        out.append({"proposal_id": proposal_id, "kind": "project", "label": str(label), "progress": None,
                    "url": url_for("budgets.project", slug=process.slug, budget_id=budget.id,
                                   project_id=project.id)})
    return out


def _selected_projects(app: Any, *, process: Any, **_: Any) -> list[dict]:
    from .queries import selected_projects

    return [{"id": p.id, "title": p.title, "description": p.description, "cost": p.cost, "area": p.area,
             "category": p.category, "proposal_ids": p.proposal_ids,
             "url": url_for("budgets.project", slug=process.slug, budget_id=p.budget_id, project_id=p.id)}
            for p in selected_projects(process)]


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
