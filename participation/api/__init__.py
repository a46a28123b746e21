"""The JSON API, Open311 GeoReport v2, the OpenAPI document and the open data catalogue.

Reads other features only through their models (the documented interfaces listed in
tests/core/test_structure.py) and files Open311 reports through `issues.services.report_issue`.
"""
from __future__ import annotations

import os
from typing import Any

from flask import Flask, Response, request

CORS_PREFIXES = ("/api/", "/open311/", "/opendata/")
READ_METHODS = ("GET", "HEAD")
# Settings (from the environment): API reads per client without a key / per address; the site's public
# address for links in the open data files (else the address of the request that built them); the
# contact shown in Open311 discovery; where the open data files are kept (else instance/opendata).
SETTINGS = {"API_RATE_LIMIT": "120 per minute", "API_ADDRESS_RATE_LIMIT": "600 per minute",
            "PUBLIC_BASE_URL": "", "API_CONTACT": "", "OPENDATA_DIR": ""}


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from ..core import signals

    signals.admin_sections.connect(_admin_sections, sender=app, weak=False)
    from ..core.features import expose_predicates
    from ..extensions import csrf
    from . import jobs, permissions  # noqa: F401 - jobs: the worker learns the daily build
    from .admin_views import bp as admin_bp
    from .cli import keys_cli, opendata_cli
    from .limits import limit_api
    from .open311_views import bp as open311_bp
    from .opendata_views import bp as opendata_bp
    from .token_views import bp as tokens_bp
    from .views import bp as api_bp
    from .writes import bp as write_bp
    from .writes import init_limits

    for name, default in SETTINGS.items():
        app.config.setdefault(name, os.environ.get(name, default))
    for blueprint in (api_bp, write_bp, open311_bp, opendata_bp):
        limit_api(blueprint)
        app.register_blueprint(blueprint)
    init_limits()
    # Open311 clients authenticate with an api_key and token writes with a bearer token, never with a
    # cookie: CSRF does not apply to them.
    csrf.exempt(open311_bp)
    csrf.exempt(write_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(tokens_bp)
    app.cli.add_command(keys_cli)
    app.cli.add_command(opendata_cli)
    expose_predicates(app, permissions)
    app.after_request(_cors_and_etag)
    signals.seed_demo.connect(_seed, sender=app, weak=False)


def _cors_and_etag(response: Response) -> Response:
    """Any site may read (GET) the public API; none may write through a browser. JSON reads carry an
    ETag and answer If-None-Match with 304."""
    if not request.path.startswith(CORS_PREFIXES) or request.path.startswith("/api/docs"):
        return response
    if request.method in READ_METHODS or request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Link"
    if (request.method in READ_METHODS and response.status_code == 200 and not response.direct_passthrough
            and response.mimetype in ("application/json", "text/xml")):
        response.add_etag()
        response.make_conditional(request)
    return response


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()


def _admin_sections(app, user=None) -> list:
    """Links on the administration dashboard."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    from .permissions import can_manage_api_keys

    if not can_manage_api_keys(user):
        return []
    return [(_l("API keys"), url_for("api_admin.index"))]
