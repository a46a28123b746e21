"""Blocked means blocked: the one gate in front of every state-changing request.

A blocked account can sign in and read, but no POST/PUT/PATCH/DELETE request of theirs reaches a
view, whatever the feature: `refuse_blocked_writers` runs before every request and answers 403.
Features get this for free; a route that a blocked person must still be able to use (signing out,
securing or deleting their own account, the language switcher) is marked with
`@allowed_when_blocked`. Services keep their own check (`core.services.ensure_can_post`, or the
predicate `core.permissions.can_post`) so the API, the CLI and jobs refuse too.

Blocked staff keep their roles, but every staff predicate (`core.permissions.acts_as_staff`)
refuses them while the block lasts; only admins may block staff.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from .actions import WRITING_METHODS

View = TypeVar("View", bound=Callable[..., Any])


def allowed_when_blocked(view: View) -> View:
    """Mark a state-changing view that a blocked account may still use (it writes nothing that
    others see: signing out, the account's own security, the language)."""
    view.allowed_when_blocked = True  # type: ignore[attr-defined]
    return view


def is_allowed_when_blocked(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint or "")
    return view is not None and getattr(view, "allowed_when_blocked", False)


def refuse_blocked_writers() -> None:
    """before_request: a blocked account's state-changing request ends here with 403."""
    if request.method not in WRITING_METHODS or request.endpoint is None:
        return
    if not getattr(current_user, "is_authenticated", False) or not current_user.is_blocked:
        return
    if is_allowed_when_blocked(request.endpoint):
        return
    from .errors import PermissionDenied
    from .services import ensure_can_post

    try:
        ensure_can_post(current_user)  # the one check, with its message and the block's reason
    except PermissionDenied as exc:
        abort(403, description=exc.message)


def init_app(app: Flask) -> None:
    app.before_request(refuse_blocked_writers)
