"""Service-layer errors and the HTTP error pages (HTML, or JSON for API requests)."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class ServiceError(Exception):
    """A business rule refused an action. `message` is shown to the user (translated)."""

    status_code = 400

    def __init__(self, message: str | None = None, *, field: str | None = None):
        super().__init__(str(message) if message is not None else self.__class__.__name__)
        self.message = message
        self.field = field


class InvalidInput(ServiceError):
    status_code = 400


class PermissionDenied(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    status_code = 409


class RateLimited(ServiceError):
    """The posting limit is reached: the form comes back with what was typed and this message."""

    status_code = 429


TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Upload too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}

EXPLANATIONS = {
    400: _l("The request could not be understood. Please check what you entered and try again."),
    403: _l("You do not have permission to do this."),
    404: _l("We could not find this page. It may have been moved or removed."),
    405: _l("This address does not accept this kind of request."),
    409: _l("This conflicts with the current state. Please reload the page and try again."),
    413: _l("The files you sent are too large. The limit is 10 MB per submission."),
    429: _l("You have made too many requests in a short time. Please wait a moment and try again."),
    500: _l("An unexpected error occurred on our side. Please try again later."),
    503: _l("The service is temporarily unavailable. Please try again later."),
}


def wants_json() -> bool:
    if request.path.endswith((".json", ".geojson")) or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, message: str | None = None):
    title = str(TITLES.get(code, TITLES[500]))
    explanation = str(message) if message else str(EXPLANATIONS.get(code, EXPLANATIONS[500]))
    if wants_json():
        return jsonify({"error": {"code": code, "title": title, "message": explanation}}), code
    return render_template("errors/error.html", code=code, title=title, message=explanation), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        from ..extensions import db

        db.session.rollback()
        return render_error(exc.status_code, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(
            400, _l("Your form expired or was sent from another site. Please reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code not in TITLES:
            return exc
        # Our own abort(403, description=...) carries a translated reason; werkzeug defaults don't.
        # (Flask-Limiter's 429 carries the limit itself, which is not for residents' eyes.)
        custom = exc.description if exc.description != type(exc).description and code != 429 else None
        response = render_error(code, custom)
        if code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(exc.valid_methods)}
        return response

    @app.errorhandler(500)
    def server_error(exc):
        from ..extensions import db

        db.session.rollback()
        return render_error(500)
