"""Open311 GeoReport v2: services, requests and the spec's XML/JSON shapes (no Flask views here).

Reads street issues through the documented interface of the issues package (its models); files
reports through `issues.services.report_issue`, the web form's own command. Hidden reports never
appear; the reporter is never named.
"""
from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select

from ..core import audit, clock, site
from ..core.errors import InvalidInput, NotFound
from ..core.i18n import current_language, localized
from ..core.models import Department, Upload
from ..extensions import db
from ..issues.models import (
    DETAILS_MAX,
    GROUPS,
    STATUS_GROUP,
    TITLE_MAX,
    TITLE_MIN,
    Category,
    Issue,
    IssuePhoto,
    IssueUpdate,
    Status,
)
from ..issues.services import report_issue
from .models import ApiKey, Open311Token

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_DAYS = 90
MAX_RESULTS = 1000
DESCRIPTION_MAX = 4000
FORMATS = {"xml": "text/xml", "json": "application/json"}
# How lists are spelled in XML: the element of each item of a list-valued field.
ITEM_TAGS = {"services": "service", "service_requests": "request", "endpoints": "endpoint",
             "formats": "format", "attributes": "attribute", "values": "value", "errors": "error"}
OFFICIAL_ROLES = ("official", "admin")
REQUEST_COLUMNS = (Issue.id, Issue.status, Issue.title, Issue.details, Issue.category_id, Issue.department_id,
                   Issue.created_at, Issue.updated_at, Issue.address, Issue.latitude, Issue.longitude)


# --- output -------------------------------------------------------------------------------------

def _xml_value(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, ITEM_TAGS.get(tag, "item"), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root: str, value: Any) -> str:
    """`value` (a list or a dict) under `root`, UTF-8 with the XML declaration the spec asks for."""
    holder = ET.Element("holder")
    _xml_value(holder, root, value)
    return '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(holder[0], encoding="unicode")


def errors(code: int, description: str) -> list[dict[str, Any]]:
    return [{"code": code, "description": description}]


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    tz = ZoneInfo(site.get("CITY_TIMEZONE"))
    return value.astimezone(tz).replace(microsecond=0).isoformat()


# --- services -----------------------------------------------------------------------------------

def services() -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Category).where(Category.active.is_(True))
                              .order_by(Category.position, Category.id))
    return [{"service_code": c.code, "service_name": localized(c.name),
             "description": localized(c.help) or localized(c.name), "metadata": bool(_questions(c)),
             "type": "realtime", "keywords": "", "group": localized(c.group)}
            for c in rows]


def category_by_code(code: str | None) -> Category:
    category = db.session.scalar(select(Category).where(Category.code == (code or ""))) if code else None
    if category is None or not category.active:
        raise NotFound(_l("Unknown service_code."))
    return category


_DATATYPES = {"short_text": "string", "long_text": "text", "single_choice": "singlevaluelist",
              "multiple_choice": "multivaluelist"}


def _questions(category: Category) -> list[dict[str, Any]]:
    return [q for q in category.questions or [] if not q.get("removed") and q.get("kind") in _DATATYPES]


def service_definition(code: str) -> dict[str, Any]:
    """The category's extra questions as attributes (code q<id>; answers as attribute[q<id>])."""
    category = category_by_code(code)
    return {"service_code": category.code, "attributes": [
        {"variable": True, "code": f"q{q['id']}", "datatype": _DATATYPES[q["kind"]],
         "required": bool(q.get("required")), "datatype_description": "", "order": order,
         "description": localized(q.get("text")),
         "values": [{"key": str(i), "name": localized(label)} for i, label in enumerate(q.get("choices") or [], 1)]}
        for order, q in enumerate(_questions(category), 1)]}


def _attributes(category: Category, form: Any) -> dict[int, Any]:
    """attribute[q<id>] (several values for a multiple choice) -> {question id: value}."""
    answers: dict[int, Any] = {}
    for q in _questions(category):
        name = f"attribute[q{q['id']}]"
        values = form.getlist(name) if hasattr(form, "getlist") else [form.get(name)]
        answers[int(q["id"])] = values if q["kind"] == "multiple_choice" else (values[0] if values else "")
    return answers


def discovery() -> dict[str, Any]:
    return {"changeset": _time(clock.now()), "contact": current_app.config.get("API_CONTACT", ""),
            "key_service": url_for("api.docs", _external=True),
            "endpoints": [{"specification": SPECIFICATION, "url": url_for("open311.root", _external=True),
                           "changeset": "2026-11-23T00:00:00+09:00", "type": "production",
                           "formats": list(FORMATS.values())}]}


# --- requests -----------------------------------------------------------------------------------

def _parse_time(raw: str, field: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(_l("%(field)s must be an ISO 8601 date and time.", field=field), field=field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(site.get("CITY_TIMEZONE")))
    return value


def _parse_ids(raw: str) -> list[int]:
    ids = []
    for part in raw.split(","):
        part = part.strip()
        if not part.isdecimal() or len(part) > 10:
            raise InvalidInput(_l("service_request_id must be a comma-separated list of numbers."))
        ids.append(int(part))
    if len(ids) > MAX_RESULTS:
        raise InvalidInput(_l("At most %(max)d ids at a time.", max=MAX_RESULTS))
    return ids


def find_requests(args: Any) -> list[Any]:
    """GET requests: by ids, or by service_code, dates (at most 90 days; default the last 90) and
    status; newest first, at most 1,000."""
    conditions: list[ColumnElement[bool]] = [Issue.hidden_at.is_(None)]
    ids_raw = args.get("service_request_id")
    if ids_raw:
        conditions.append(Issue.id.in_(_parse_ids(ids_raw)))
    else:
        end = _parse_time(args["end_date"], "end_date") if args.get("end_date") else None
        start = _parse_time(args["start_date"], "start_date") if args.get("start_date") else None
        if end is None:
            end = clock.now() if start is None else start + timedelta(days=MAX_DAYS)
        if start is None:
            start = end - timedelta(days=MAX_DAYS)
        if start > end or end - start > timedelta(days=MAX_DAYS):
            raise InvalidInput(_l("start_date must come before end_date, at most %(days)d days apart.",
                                  days=MAX_DAYS))
        conditions += [Issue.created_at >= start, Issue.created_at <= end]
        if args.get("service_code"):
            codes = [c.strip() for c in args["service_code"].split(",") if c.strip()]
            category_ids = list(db.session.scalars(select(Category.id).where(Category.code.in_(codes))))
            conditions.append(Issue.category_id.in_(category_ids))
        if args.get("status"):
            wanted = {s.strip() for s in args["status"].split(",")}
            if not wanted <= {"open", "closed"}:
                raise InvalidInput(_l("status must be open or closed."))
            statuses = [*(GROUPS["open"] if "open" in wanted else ()),
                        *((*GROUPS["fixed"], *GROUPS["closed"]) if "closed" in wanted else ())]
            conditions.append(Issue.status.in_(statuses))
    return list(db.session.execute(select(*REQUEST_COLUMNS).where(*conditions)
                                   .order_by(Issue.created_at.desc(), Issue.id.desc()).limit(MAX_RESULTS)))


def _latest_notes(issue_ids: list[int]) -> dict[int, str]:
    """The newest public note an official wrote on each issue."""
    notes: dict[int, str] = {}
    if not issue_ids:
        return notes
    rows = db.session.execute(
        select(IssueUpdate.issue_id, IssueUpdate.text).where(
            IssueUpdate.issue_id.in_(issue_ids), IssueUpdate.hidden_at.is_(None), IssueUpdate.text != "",
            IssueUpdate.author_role.in_(OFFICIAL_ROLES))
        .order_by(IssueUpdate.issue_id, IssueUpdate.created_at.desc(), IssueUpdate.id.desc()))
    for issue_id, text in rows:
        notes.setdefault(issue_id, text)
    return notes


def _first_photos(issue_ids: list[int]) -> dict[int, str]:
    photos: dict[int, str] = {}
    if issue_ids:
        rows = db.session.execute(
            select(IssuePhoto.issue_id, Upload.sha256).join(Upload, Upload.id == IssuePhoto.upload_id)
            .where(IssuePhoto.issue_id.in_(issue_ids), IssuePhoto.update_id.is_(None))
            .order_by(IssuePhoto.issue_id, IssuePhoto.position))
        for issue_id, sha256 in rows:
            photos.setdefault(issue_id, f"{sha256}.jpg")
    return photos


def request_fields(rows: list[Any]) -> list[dict[str, Any]]:
    """The spec's fields of each request: columns, then one query each for notes and photos, and the
    (small) category and department tables."""
    ids = [r.id for r in rows]
    notes, photos = _latest_notes(ids), _first_photos(ids)
    categories = {c.id: c for c in db.session.scalars(select(Category))} if rows else {}
    departments = {d.id: localized(d.name) for d in db.session.scalars(select(Department))} if rows else {}
    out = []
    for row in rows:
        category, photo = categories[row.category_id], photos.get(row.id)
        out.append({
            "service_request_id": row.id,
            "status": "open" if STATUS_GROUP[Status(row.status)] == "open" else "closed",
            "status_notes": notes.get(row.id),
            "service_name": localized(category.name),
            "service_code": category.code,
            "description": "\n\n".join(p for p in (row.title, row.details) if p),
            "agency_responsible": departments.get(row.department_id, ""),
            "service_notice": None,
            "requested_datetime": _time(row.created_at),
            "updated_datetime": _time(row.updated_at),
            "expected_datetime": None,
            "address": row.address,
            "address_id": None,
            "zipcode": None,
            "lat": row.latitude,
            "long": row.longitude,
            "media_url": url_for("core.uploaded_file", name=photo, _external=True) if photo else None,
        })
    return out


def get_request(request_id: str) -> Any:
    row = db.session.execute(select(*REQUEST_COLUMNS).where(
        Issue.id == int(request_id), Issue.hidden_at.is_(None))).first() if request_id.isdecimal() and len(
        request_id) < 10 else None
    if row is None:
        raise NotFound(_l("This request does not exist."))
    return row


def token_lookup(token: str) -> dict[str, Any]:
    row = db.session.scalar(select(Open311Token).where(Open311Token.token == token[:40]))
    issue = db.session.get(Issue, row.issue_id) if row is not None else None
    if issue is None or issue.hidden_at is not None:
        raise NotFound(_l("This token does not exist."))
    return {"service_request_id": issue.id, "token": row.token}  # type: ignore[union-attr]


# --- POST requests ------------------------------------------------------------------------------

def _title_from(description: str, category: Category) -> str:
    """The first line of the description (the category's name before a very short one)."""
    first = " ".join(description.strip().splitlines()[0].split()) if description.strip() else ""
    if len(first) < TITLE_MIN:
        first = f"{localized(category.name)}: {first}"
    return first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1] + "…"


def create_request(key: ApiKey, form: Any) -> dict[str, Any]:
    """File a report for the key's application through the web form's command. The reporter's
    contact fields (email, names, phone) are accepted as the spec allows but never stored: the
    application that holds the key answers for its users."""
    category = category_by_code(form.get("service_code"))
    description = (form.get("description") or "").strip()
    if not description:
        raise InvalidInput(_l("Please describe the problem (description)."), field="description")
    if len(description) > min(DESCRIPTION_MAX, DETAILS_MAX):
        raise InvalidInput(_l("The description can be at most %(max)d characters long.",
                              max=min(DESCRIPTION_MAX, DETAILS_MAX)), field="description")
    lat, lon = form.get("lat"), form.get("long")
    if not (lat and lon):
        raise InvalidInput(_l("Please give the location as lat and long (addresses cannot be looked up yet)."),
                           field="lat")
    data = {"category_id": category.id, "latitude": lat, "longitude": lon, "address": form.get("address_string"),
            "title": _title_from(description, category), "details": description, "show_name": False,
            "language": current_language(), "answers": _attributes(category, form)}
    issue = report_issue(key.user, data, shown_nearby=None)
    token = secrets.token_urlsafe(24)
    db.session.add(Open311Token(token=token, issue_id=issue.id, api_key_id=key.id))
    key.last_used_at = clock.now()
    db.session.flush()
    audit.record(key.user, "open311.request", issue, after={"api_key": key.name, "service_code": category.code})
    return {"service_request_id": issue.id, "token": token, "service_notice": None, "account_id": None}
