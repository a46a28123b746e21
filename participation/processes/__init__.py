"""Participatory processes and their phases.

Process-scoped features build on this package through its documented interface only:
`processes.models`, `processes.permissions` and `processes.capabilities` (is X open now?).
"""
from __future__ import annotations

from typing import Any

from flask import Flask


def init_app(app: Flask) -> None:
    from ..core import signals
    from ..core.features import expose_predicates
    from . import permissions
    from .views import bp

    app.register_blueprint(bp)
    expose_predicates(app, permissions)
    signals.home_blocks.connect(_home_block, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    from ..core.registry import register_upload_owner
    from .queries import processes_using_upload

    register_upload_owner(app, "process_hero_images", processes_using_upload, permissions.can_view_process)


def _home_block(app: Any, **_: Any) -> Any:
    from ..core.signals import Block
    from .queries import list_public_processes

    processes = list_public_processes("active")[:6]
    return Block("processes/_home.html", {"processes": processes}) if processes else None


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
