"""Questionnaires inside a process phase."""
from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..core import signals
    from ..core.features import expose_predicates
    from . import permissions
    from .views import bp

    app.register_blueprint(bp)
    expose_predicates(app, permissions)
    signals.process_figures.connect(_figures, sender=app, weak=False)
    signals.process_actions.connect(_actions, sender=app, weak=False)
    signals.process_admin_blocks.connect(_admin_block, sender=app, weak=False)
    signals.phase_dependents.connect(_phase_dependents, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)


def _process_surveys(process: Any) -> list[Any]:
    from sqlalchemy import select

    from ..extensions import db
    from .models import Survey

    return list(db.session.scalars(select(Survey).where(Survey.process_id == process.id).order_by(Survey.id)))


def _figures(app: Any, *, process: Any, **_: Any) -> list[tuple[str, int]]:
    from sqlalchemy import func, select

    from ..extensions import db
    from .models import Response, Survey

    count = db.session.scalar(select(func.count(Response.id)).join(Survey)
                              .where(Survey.process_id == process.id)) or 0
    return [(str(_l("Survey responses")), count)]


def _actions(app: Any, *, process: Any, user: Any, **_: Any) -> list[tuple[str, str]]:
    from ..core.i18n import localized
    try:  # TEMP while the surveys split lands
        from .answering import is_open
    except ImportError:
        from .services import is_open  # type: ignore[no-redef]

    actions = []
    for survey in _process_surveys(process):
        decision = is_open(survey, user)
        if decision.allowed or decision.needs_login:
            actions.append((str(_l("Answer the survey: %(title)s", title=localized(survey.title))),
                            url_for("surveys.answer", slug=process.slug, survey_id=survey.id)))
    return actions


def _admin_block(app: Any, *, process: Any, **_: Any) -> Any:
    from ..core.signals import Block

    return Block("surveys/_process_admin.html", {"surveys": _process_surveys(process)})


def _phase_dependents(app: Any, *, phase: Any, **_: Any) -> Any:
    from sqlalchemy import func, select

    from ..extensions import db
    from .models import Survey

    if db.session.scalar(select(func.count(Survey.id)).where(Survey.phase_id == phase.id)):
        return _l("This phase has surveys. Move or delete them first.")
    return None


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
