"""JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of what the API, Open311 and open data return."""
from __future__ import annotations

from typing import Any

STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
INT = {"type": "integer"}
NINT = {"type": ["integer", "null"]}
NUM = {"type": "number"}
NNUM = {"type": ["number", "null"]}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
NTIME = {"type": ["string", "null"], "format": "date-time"}
DATE = {"type": "string", "format": "date"}
URL = {"type": "string", "format": "uri"}


def obj(properties: dict[str, Any], *, extra: bool = False) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": extra}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


PHASE = obj({"id": INT, "title": STR, "description": STR, "start_date": DATE, "end_date": DATE,
             "allow_proposals": BOOL, "allow_supports": BOOL, "allow_comments": BOOL})
PROCESS = {"id": INT, "slug": STR, "title": STR, "subtitle": STR, "status": {"enum": ["published", "archived"]},
           "start_date": DATE, "end_date": DATE, "url": URL}
ANSWER = obj({"state": {"enum": ["evaluating", "accepted", "rejected"]}, "text": STR, "cost": NINT,
              "planned_period": NSTR, "department": NSTR, "published_at": NTIME})
ISSUE = {"id": INT, "title": STR, "details": STR, "language": STR, "status": STR,
         "status_group": {"enum": ["open", "fixed", "closed"]},
         "category": obj({"id": INT, "code": STR, "name": STR}), "department": obj({"id": INT, "name": STR}),
         "area": {"oneOf": [{"type": "null"}, obj({"id": INT, "name": STR})]},
         "address": NSTR, "latitude": NUM, "longitude": NUM, "metoo_count": INT, "reporter": NSTR,
         "created_at": TIME, "updated_at": TIME, "acknowledged_at": NTIME, "fixed_at": NTIME, "closed_at": NTIME,
         "url": URL}
UPDATE = obj({"created_at": TIME, "author_role": STR, "department": NSTR, "text": STR, "old_status": NSTR,
              "new_status": NSTR})


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return obj({"items": {"type": "array", "items": item}})


OPEN311_REQUEST = obj({
    "service_request_id": INT, "status": {"enum": ["open", "closed"]}, "status_notes": NSTR,
    "service_name": STR, "service_code": STR, "description": STR, "agency_responsible": STR,
    "service_notice": NSTR, "requested_datetime": TIME, "updated_datetime": TIME, "expected_datetime": NTIME,
    "address": NSTR, "address_id": NSTR, "zipcode": NSTR, "lat": NUM, "long": NUM, "media_url": NSTR})

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": obj({"error": obj({"code": INT, "title": STR, "message": STR})}),
    "Index": obj({"resources": {"type": "object", "additionalProperties": URL}, "openapi": URL,
                  "open311": URL, "opendata": URL}),
    "Process": obj(PROCESS),
    "ProcessDetail": obj({**PROCESS, "description": STR, "phases": {"type": "array", "items": PHASE}}),
    "Proposal": obj({"id": INT, "process_id": INT, "title": STR, "body": STR, "language": STR,
                     "state": {"enum": ["published", "evaluating", "accepted", "rejected", "withdrawn"]},
                     "supports_count": INT, "comments_count": INT, "address": NSTR, "latitude": NNUM,
                     "longitude": NNUM, "created_at": TIME, "answers": {"type": "array", "items": ANSWER},
                     "url": URL}),
    "Comment": obj({"id": INT, "proposal_id": INT, "parent_id": NINT, "depth": INT, "body": STR, "language": STR,
                    "alignment": {"enum": [-1, 0, 1]}, "upvotes": INT, "downvotes": INT, "created_at": TIME}),
    "Issue": obj(ISSUE),
    "IssueDetail": obj({**ISSUE, "timeline": {"type": "array", "items": UPDATE}}),
    "CategoryList": _list(obj({"id": INT, "code": STR, "name": STR, "group": STR, "department_id": INT,
                               "active": BOOL})),
    "DepartmentList": _list(obj({"id": INT, "code": STR, "name": STR})),
    "AreaList": _list({"type": "object", "required": ["id", "code", "name", "bbox"], "additionalProperties": False,
                       "properties": {"id": INT, "code": STR, "name": STR, "geometry": {"type": "object"},
                                      "bbox": {"type": "array", "items": NUM, "minItems": 4, "maxItems": 4}}}),
    "Meeting": obj({"id": INT, "process_id": NINT, "title": STR, "description": STR, "type": STR, "kind": STR,
                    "state": STR, "starts_at": TIME, "ends_at": TIME, "address": NSTR, "latitude": NNUM,
                    "longitude": NNUM, "organiser": STR, "accessibility": {"type": "array", "items": STR},
                    "capacity": NINT, "registered_count": INT, "minutes": NSTR, "attendance_count": NINT, "url": URL}),
    "BudgetList": _list(obj({"id": INT, "title": STR, "description": STR, "total": INT, "rule": STR,
                             "results_public": BOOL, "ballots_count": NINT, "projects": {"type": "array", "items": obj({
                                 "id": INT, "title": STR, "description": STR, "cost": INT, "area": NSTR,
                                 "category": NSTR, "address": NSTR, "latitude": NNUM, "longitude": NNUM,
                                 "votes_count": NINT, "selected": {"type": ["boolean", "null"]},
                                 "selection_note": NSTR})}})),
    "Open311Errors": {"type": "array", "items": obj({"code": INT, "description": STR})},
    "Open311Discovery": obj({"changeset": TIME, "contact": STR, "key_service": URL, "endpoints": {
        "type": "array", "items": obj({"specification": URL, "url": URL, "changeset": TIME, "type": STR,
                                       "formats": {"type": "array", "items": STR}})}}),
    "Open311Services": {"type": "array", "items": obj({
        "service_code": STR, "service_name": STR, "description": STR, "metadata": BOOL,
        "type": {"enum": ["realtime", "batch", "blackbox"]}, "keywords": STR, "group": STR})},
    "Open311ServiceDefinition": obj({"service_code": STR, "attributes": {"type": "array", "items": {
        "type": "object"}}}),
    "Open311Requests": {"type": "array", "items": OPEN311_REQUEST},
    "Open311Created": {"type": "array", "items": obj({"service_request_id": INT, "token": STR,
                                                      "service_notice": NSTR, "account_id": NSTR})},
    "Open311Token": {"type": "array", "items": obj({"service_request_id": INT, "token": STR})},
    "NewProposal": {"type": "object", "required": ["title", "body"], "properties": {
        "title": STR, "body": STR, "address": STR, "latitude": NUM, "longitude": NUM}},
    "NewComment": {"type": "object", "required": ["body"], "properties": {
        "body": STR, "alignment": {"enum": [-1, 0, 1]}, "parent_id": INT}},
    "NewIssue": {"type": "object", "required": ["category_id", "latitude", "longitude", "title"], "properties": {
        "category_id": INT, "latitude": NUM, "longitude": NUM, "title": STR, "details": STR, "address": STR,
        "show_name": BOOL}},
    "SupportCount": obj({"supports_count": INT}),
    "FeatureCollection": {"type": "object", "required": ["type", "features"],
                          "properties": {"type": {"const": "FeatureCollection"},
                                         "features": {"type": "array", "items": {"type": "object"}}}},
    "Catalog": {"type": "object", "required": ["@context", "@type", "dataset"]},
}
