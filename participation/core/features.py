"""Helpers each feature's `init_app` uses to plug itself in."""
from __future__ import annotations

from types import ModuleType

from flask import Flask


def expose_predicates(app: Flask, module: ModuleType) -> None:
    """Templates see the very predicates the services check: a hidden button is a refused action."""
    for attr in dir(module):
        value = getattr(module, attr)
        if attr.startswith("can_") and callable(value):
            app.jinja_env.globals[attr] = value
