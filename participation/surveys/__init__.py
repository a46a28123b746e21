"""Questionnaires inside a process phase."""
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
    from . import permissions
    from .views import bp

    app.register_blueprint(bp)
    from ..core.counts import RowCount, register_row_count
    from .models import Response

    # responses per survey, kept with the rows: the process page's figure never counts them
    register_row_count(app, RowCount("survey_responses", Response, ("survey_id",), lambda row: row.survey_id))
    expose_predicates(app, permissions)
    signals.process_figures.connect(_figures, sender=app, weak=False)
    signals.process_actions.connect(_actions, sender=app, weak=False)
    signals.process_admin_blocks.connect(_admin_block, sender=app, weak=False)
    signals.phase_dependents.connect(_phase_dependents, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    from .kpi import facts as kpi_facts

    signals.kpi_facts.connect(kpi_facts, sender=app, weak=False)


def _figures(app: Any, *, process: Any, **_: Any) -> list[tuple[str, int]]:
    from .queries import process_response_count

    return [(str(_l("Survey responses")), process_response_count(process))]


def _actions(app: Any, *, process: Any, user: Any, **_: Any) -> list[tuple[str, ...]]:
    from ..core.i18n import localized
    from ..core.models import User
    from .answering import is_open
    from .queries import existing_response, process_surveys

    actions: list[tuple[str, ...]] = []
    for survey in process_surveys(process):
        decision = is_open(survey, user)
        if isinstance(user, User) and decision.allowed and existing_response(survey, user, None):
            actions.append((str(_l("Answered: %(title)s", title=localized(survey.title))),
                            url_for("surveys.answer", slug=process.slug, survey_id=survey.id), "done"))
        elif decision.allowed or decision.needs_login:
            actions.append((str(_l("Answer the survey: %(title)s", title=localized(survey.title))),
                            url_for("surveys.answer", slug=process.slug, survey_id=survey.id)))
    return actions


def _admin_block(app: Any, *, process: Any, **_: Any) -> Any:
    from ..core.signals import Block
    from .queries import process_surveys

    return Block("surveys/_process_admin.html", {"surveys": process_surveys(process)})


def _phase_dependents(app: Any, *, phase: Any, **_: Any) -> Any:
    from .queries import phase_has_surveys

    return _l("This phase has surveys. Move or delete them first.") if phase_has_surveys(phase) else None


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
