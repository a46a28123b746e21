"""The OpenAPI 3.1 document, generated from the URL map and each view's `@documented` description."""
from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from flask import Flask
from flask_babel import gettext as _

from .docs import Operation
from .schemas import SCHEMAS, ref

BLUEPRINTS = ("api", "api_write", "open311", "opendata")
RULE_PART = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")

QUERY = {
    "after": ({"type": "integer", "minimum": 1}, "The last id of the previous page (see `next`)."),
    "limit": ({"type": "integer", "minimum": 1, "maximum": 100, "default": 50}, "Items per page."),
    "lang": ({"enum": ["ja", "en"]}, "Language of staff-written texts (names, titles)."),
    "state": ({"enum": ["published", "evaluating", "accepted", "rejected", "withdrawn"]}, "Proposal state."),
    "group": ({"enum": ["open", "fixed", "closed"]}, "Status group."),
    "status": ({"type": "string"}, "Status (Open311: open or closed, comma-separated)."),
    "category": ({"type": "integer"}, "Category id."),
    "department": ({"type": "integer"}, "Department id."),
    "area": ({"type": "integer"}, "Area id."),
    "geometry": ({"enum": ["0", "1"]}, "Include the GeoJSON geometry."),
    "process": ({"type": "string"}, "Only the meetings of this process (its slug)."),
    "service_request_id": ({"type": "string"}, "Comma-separated request ids (other filters are then ignored)."),
    "service_code": ({"type": "string"}, "Service code (comma-separated for several)."),
    "start_date": ({"type": "string", "format": "date-time"}, "Earliest requested_datetime (ISO 8601)."),
    "end_date": ({"type": "string", "format": "date-time"}, "Latest requested_datetime (ISO 8601)."),
}
FORM = {"api_key": "The key issued to the application.", "service_code": "The service (category) code.",
        "lat": "Latitude (WGS84).", "long": "Longitude (WGS84).",
        "address_string": "Address (kept with the report; the location comes from lat/long).",
        "description": "The report, at most 3,000 characters; its first line becomes the title.",
        "email": "Accepted, not stored.", "first_name": "Accepted, not stored.",
        "last_name": "Accepted, not stored.", "phone": "Accepted, not stored.",
        "media_url": "Accepted, not fetched."}
OPEN311_SCHEMAS = {"discovery": "Open311Discovery", "services": "Open311Services",
                   "service_definition": "Open311ServiceDefinition", "requests": "Open311Requests",
                   "create_request": "Open311Created", "request_detail": "Open311Requests", "token": "Open311Token"}


def openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for match in RULE_PART.finditer(rule):
        converter, args, name = match.group("converter"), match.group("args"), match.group("name")
        if converter == "int":
            schema: dict[str, Any] = {"type": "integer", "minimum": 0}
        elif converter == "any":
            schema = {"enum": [a.strip() for a in (args or "").split(",")]}
        else:
            schema = {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return RULE_PART.sub(lambda m: "{" + m.group("name") + "}", rule), params


def _errors(schema: str) -> dict[str, Any]:
    content = {"application/json": {"schema": ref(schema)}}
    if schema == "Open311Errors":
        content["text/xml"] = {"schema": {"type": "string"}}
    return {str(code): {"description": text, "content": content}
            for code, text in ((400, "Bad input"), (403, "Refused"), (404, "Not found"), (429, "Too many requests"))}


def _operation(endpoint: str, method: str, op: Operation) -> dict[str, Any]:
    blueprint, name = endpoint.split(".", 1)
    params = [{"name": p, "in": "query", "required": False, "schema": QUERY[p][0], "description": QUERY[p][1]}
              for p in op.params]
    if blueprint == "open311":
        schema: dict[str, Any] = ref(OPEN311_SCHEMAS.get(name, "Open311Requests"))
        content = {"application/json": {"schema": schema}, "text/xml": {"schema": {"type": "string"}}}
        errors = _errors("Open311Errors")
    else:
        if op.schema and op.many:
            schema = {"type": "object", "required": ["items", "next"], "additionalProperties": False,
                      "properties": {"items": {"type": "array", "items": ref(op.schema)},
                                     "next": {"type": ["string", "null"], "format": "uri"}}}
        else:
            schema = ref(op.schema) if op.schema else {"type": "object"}
        content = {op.media_type: {"schema": schema}}
        errors = _errors("Error")
    operation: dict[str, Any] = {"tags": [op.tag], "summary": op.summary, "operationId": f"{endpoint}.{method}",
                                 "parameters": params, "responses": {str(op.status): {"description": "OK",
                                                                                      "content": content}, **errors}}
    if op.body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(op.body)}}}
        operation["security"] = [{"bearerAuth": []}]
    if method == "get" and blueprint != "open311" and op.media_type == "application/json":
        operation["responses"]["304"] = {"description": "Not modified (If-None-Match matched the ETag)."}
    if op.form:
        operation["requestBody"] = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["api_key", "service_code"],
            "properties": {f: {"type": "string", "description": FORM.get(f, f)} for f in op.form}}}}}
    return operation


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(title=_("Participation platform API"), version="1.0.0", openapi_version="3.1.0",
                   info={"description": _("Public data of the platform: processes, proposals, street issues "
                                          "(also as Open311 GeoReport v2) and the open data catalogue. "
                                          "Licence of the data: CC BY 4.0."),
                         "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}},
                   servers=[{"url": "/"}])
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "A personal access token (account page). Writes need the write scope."})
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.split(".", 1)[0] not in BLUEPRINTS:
            continue
        op = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if op is None:
            continue
        path, path_params = openapi_path(rule.rule)
        entry = paths.setdefault(path, {"parameters": path_params} if path_params else {})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            entry[method.lower()] = _operation(rule.endpoint, method.lower(), op)
    for path, operations in paths.items():
        parameters = operations.pop("parameters", None)
        spec.path(path=path, operations=operations, parameters=parameters)
    return spec.to_dict()
