"""The one way a view runs a service for a submitted form.

A refusal (ServiceError) rolls the request back and is shown next to the field it names; a
success is committed and announced. Views keep only loading, checking and choosing the page.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import flash, request

from ..extensions import db
from .errors import ServiceError
from .forms import attach_error


def submit(form: Any, action: Callable[[], Any], success: str) -> tuple[bool, Any]:
    """(True, result) after committing and flashing `success`, or (False, None) after a refusal."""
    try:
        result = action()
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return False, None
    db.session.commit()
    flash(success, "success")
    return True, result


def form_status() -> int:
    """200 for showing a form, 400 when a submitted one comes back with errors."""
    return 400 if request.method == "POST" else 200
