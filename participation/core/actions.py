"""The one transaction boundary, and the one way a view runs a service for a submitted form.

Every request ends in `end_transaction`: a state-changing request (POST, PUT, PATCH, DELETE) whose
response is below 400 is committed; anything else (every GET, every error, every refused form) is
rolled back, so nothing is ever half-written and a GET never writes. Views never commit.

`submit` runs a service for a form: a refusal (ServiceError) rolls back and is shown next to the
field it names; a success is announced (and committed by the boundary).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, flash, request

from ..extensions import db
from .errors import ServiceError
from .forms import attach_error

WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask) -> None:
    app.after_request(end_transaction)


def end_transaction(response: Response) -> Response:
    """Commit a successful state-changing request; roll back everything else."""
    if request.method in WRITING_METHODS and response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def submit(form: Any, action: Callable[[], Any], success: str) -> tuple[bool, Any]:
    """(True, result) after flashing `success`, or (False, None) after a refusal (rolled back)."""
    try:
        result = action()
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return False, None
    flash(success, "success")
    return True, result


def form_status() -> int:
    """200 for showing a form, 400 when a submitted one comes back with errors."""
    return 400 if request.method == "POST" else 200
