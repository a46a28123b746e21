"""The gazetteer: towns (大字・町丁目), blocks (街区) and landmarks for address search and place names.

Other features use it through `participation.places.lookup` only (its documented interface).
"""
from __future__ import annotations

import os
from typing import Any

from flask import Flask


def init_app(app: Flask) -> None:
    from ..core import signals
    from . import lookup
    from .cli import places_cli
    from .views import bp

    app.config.setdefault("PLACES_SEARCH_RATE_LIMIT",
                          os.environ.get("PLACES_SEARCH_RATE_LIMIT", "60 per minute;1000 per hour"))
    app.register_blueprint(bp)
    app.cli.add_command(places_cli)
    app.add_template_global(lookup.place_name, "place_name")
    signals.seed_demo.connect(_seed, sender=app, weak=False)


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
