"""Open311 GeoReport v2 routes under /open311/v2/, in XML (required) and JSON (`.xml` / `.json`).

Errors come in the spec's list of {code, description}: 400 bad input, 403 bad or missing api_key,
404 unknown. GET needs no key; POST requests needs one.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..core.errors import ServiceError
from . import open311
from .docs import documented
from .limits import request_key

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FMT = "<any(xml, json):fmt>"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _format() -> str:
    fmt = (request.view_args or {}).get("fmt")
    if fmt is None:
        fmt = "json" if request.path.endswith(".json") else "xml"
    return fmt


def respond(root: str, value: Any, status: int = 200) -> Response:
    fmt = _format()
    body = json.dumps(value, ensure_ascii=False) if fmt == "json" else open311.to_xml(root, value)
    return Response(body, status=status, content_type=f"{open311.FORMATS[fmt]}; charset=utf-8")


@bp.errorhandler(ServiceError)
def service_error(exc: ServiceError):
    from ..extensions import db

    db.session.rollback()
    code = exc.status_code if exc.status_code in (400, 403, 404) else 400
    return respond("errors", open311.errors(code, str(exc.message or exc)), code)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    code = exc.code or 500
    description = {429: _("Too many requests. Please slow down."),
                   413: _("The request is too large.")}.get(code, exc.name)
    return respond("errors", open311.errors(code, description), code)


@bp.get("/")
def root():
    return redirect(url_for("open311.discovery", fmt="json"))


@bp.get(f"/discovery.{FMT}")
@documented("Open311", "Service discovery: where this GeoReport v2 endpoint is and what it speaks.")
def discovery(fmt: str):
    return respond("discovery", open311.discovery())


@bp.get(f"/services.{FMT}")
@documented("Open311", "Every service (issue category) that accepts reports.", params=["lang"])
def services(fmt: str):
    return respond("services", open311.services())


@bp.get(f"/services/<code>.{FMT}")
@documented("Open311", "The definition of one service: the extra attributes its reports take.")
def service_definition(code: str, fmt: str):
    return respond("service_definition", open311.service_definition(code))


@bp.get(f"/requests.{FMT}")
@documented("Open311", "Service requests, newest first: by ids, or by service_code, dates (at most 90 "
            "days; default the last 90) and status; at most 1,000.",
            params=["service_request_id", "service_code", "start_date", "end_date", "status", "lang"])
def requests(fmt: str):
    return respond("service_requests", open311.request_fields(open311.find_requests(request.args)))


@bp.post(f"/requests.{FMT}")
@documented("Open311", "File a report (form-encoded, with an api_key). It goes through the same rules as "
            "the web form: inside the city, routed to the responsible department, moderated.",
            form=["api_key", "service_code", "lat", "long", "address_string", "description", "email",
                  "first_name", "last_name", "phone", "media_url"], writes=True)
def create_request(fmt: str):
    if request.mimetype not in FORM_TYPES:
        return respond("errors", open311.errors(400, _("Send the request form-encoded.")), 400)
    key = request_key()
    if key is None:
        return respond("errors", open311.errors(403, _("A valid api_key is required.")), 403)
    return respond("service_requests", [open311.create_request(key, request.form)])


@bp.get(f"/requests/<request_id>.{FMT}")
@documented("Open311", "One service request.")
def request_detail(request_id: str, fmt: str):
    return respond("service_requests", open311.request_fields([open311.get_request(request_id)]))


@bp.get(f"/tokens/<token>.{FMT}")
@documented("Open311", "The service request filed with this token.")
def token(token: str, fmt: str):
    return respond("service_requests", [open311.token_lookup(token)])
