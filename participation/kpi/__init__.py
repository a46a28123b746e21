"""Participation KPIs (`/kpi/`): participants and activity by month, responsiveness of the city,
inclusiveness from consented demographics.

Every feature contributes facts through `core.signals.kpi_facts` (its `kpi.py`); a background job
rolls them up into `kpi_figures`, which is all the pages read.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..core import signals
    from ..core.features import expose_predicates
    from . import (
        jobs,  # noqa: F401 - the consumer must know the tasks
        permissions,
    )
    from .cli import kpi_cli
    from .rollup import core_facts
    from .views import bp, month_label

    app.register_blueprint(bp)
    app.jinja_env.filters["kpi_month"] = month_label
    app.cli.add_command(kpi_cli)
    expose_predicates(app, permissions)
    signals.kpi_facts.connect(core_facts, sender=app, weak=False)
    signals.rebuild_counters.connect(_rebuild, sender=app, weak=False)
    signals.admin_sections.connect(_admin_sections, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)


def _rebuild(app: Any, **_: Any) -> str:
    from .rollup import rollup

    run = rollup(None)
    return f"KPI figures: {run.facts} facts."


def _admin_sections(app: Any, user: Any = None, **_: Any) -> list[tuple[Any, str]]:
    from flask import url_for

    from .permissions import can_edit_population

    if not can_edit_population(user):
        return []
    return [(_l("Participation KPIs"), url_for("kpi.index")), (_l("Population table for KPIs"),
                                                               url_for("kpi.population"))]


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
