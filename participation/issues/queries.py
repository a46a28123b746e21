"""Reading street issues: getters, lists, nearby reports, the map's GeoJSON, the triage queue."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, literal, literal_column, select, union_all

from ..core import clock, geo
from ..core.errors import InvalidInput, NotFound, PermissionDenied
from ..core.i18n import localized
from ..core.models import Department, User
from ..core.permissions import can_read, is_signed_in
from ..core.services import parse_id
from ..core.types import Actor
from ..extensions import db
from . import permissions
from .models import (
    GROUPS,
    OPEN_STATUSES,
    STATUS_GROUP,
    Area,
    Category,
    Issue,
    IssueUpdate,
    MeToo,
    ResponseTemplate,
    Status,
)

NEARBY_RADIUS_M = 250
NEARBY_LIMIT = 5
PER_PAGE = 50
GEOJSON_LIMIT = 500
HIDE_CLOSED_AFTER = timedelta(days=183)  # about six months (to the start of that month: see closed_cutoff)
TRIAGE_LIMIT = 500


# --- loading ------------------------------------------------------------------------------------

def get_issue(issue_id: Any) -> Issue:
    issue_id = parse_id(issue_id)
    issue = db.session.get(Issue, issue_id) if issue_id else None
    if issue is None:
        raise NotFound(_l("This issue does not exist."))
    return issue


def get_category(category_id: Any) -> Category:
    """An active category chosen in a form (an unknown one is an input error, not a 404)."""
    category_id = parse_id(category_id)
    category = db.session.get(Category, category_id) if category_id else None
    if category is None or not category.active:
        raise InvalidInput(_l("Please choose a category from the list."), field="category_id")
    return category


def list_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.active.is_(True))
                                   .order_by(Category.position, Category.id)))


def list_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.id)))


def list_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.id)))


def _names_of_all() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """{id: name in the reader's language} of the categories, departments and areas, in one query
    reading only those columns (an area's geometry is large)."""
    kinds: tuple[Any, ...] = (Category, Department, Area)
    query: Any = union_all(*(select(literal_column(str(i)).label("kind"), model.id, model.name)
                        for i, model in enumerate(kinds)))
    found: tuple[dict[int, str], ...] = ({}, {}, {})
    for kind, row_id, name in db.session.connection().execute(query):
        found[kind][row_id] = localized(name)
    return found[0], found[1], found[2]


def clean_place(latitude: Any, longitude: Any) -> tuple[float, float]:
    """A required location from user input, checked by core.geo."""
    lat, lon = geo.clean_location(latitude, longitude, required=True)
    assert lat is not None and lon is not None  # required=True raises instead of returning None
    return lat, lon


# --- nearby duplicates --------------------------------------------------------------------------

@dataclass
class Nearby:
    issue: Issue
    distance_m: float


def nearby_open_issues(category_id: int, lat: float, lon: float, *, radius_m: float = NEARBY_RADIUS_M,
                       limit: int = NEARBY_LIMIT, exclude_id: int | None = None) -> list[Nearby]:
    """Open issues of the category within `radius_m`, nearest first: an index range query on a
    bounding box, then the exact great-circle distance."""
    box = geo.bbox_around(lat, lon, radius_m)
    min_lon, min_lat, max_lon, max_lat = box
    query = select(Issue.id, Issue.latitude, Issue.longitude).where(
        Issue.category_id == category_id, Issue.geocell.in_(geo.cells_for_bbox(box, limit=10_000) or []),
        Issue.latitude.between(min_lat, max_lat), Issue.longitude.between(min_lon, max_lon),
        Issue.status.in_(OPEN_STATUSES), Issue.hidden_at.is_(None))
    if exclude_id:
        query = query.where(Issue.id != exclude_id)
    found = []
    for issue_id, issue_lat, issue_lon in db.session.execute(query.limit(5000)):
        distance = geo.distance_m(lat, lon, issue_lat, issue_lon)
        if distance <= radius_m:
            found.append((distance, issue_id))
    found.sort()
    found = found[:limit]
    if not found:
        return []
    issues = {i.id: i for i in db.session.scalars(select(Issue).where(Issue.id.in_([i for _d, i in found])))}
    return [Nearby(issues[issue_id], distance) for distance, issue_id in found]


# --- one issue ----------------------------------------------------------------------------------

def has_me_too(user: Actor, issue: Issue) -> bool:
    if not is_signed_in(user):
        return False
    return db.session.scalar(select(MeToo.id).where(MeToo.issue_id == issue.id, MeToo.user_id == user.id)) is not None


def timeline(issue: Issue) -> list[IssueUpdate]:
    return list(db.session.scalars(select(IssueUpdate).where(IssueUpdate.issue_id == issue.id)
                                   .order_by(IssueUpdate.created_at, IssueUpdate.id)))


def templates_for(department_id: int) -> list[ResponseTemplate]:
    return list(db.session.scalars(select(ResponseTemplate).where(
        ResponseTemplate.department_id == department_id).order_by(ResponseTemplate.status, ResponseTemplate.id)))


# --- finding ------------------------------------------------------------------------------------

def _filters(*, group: str | None = None, status: str | None = None, category_id: int | None = None,
             department_id: int | None = None, area_id: int | None = None,
             include_old_closed: bool = False) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Issue.hidden_at.is_(None)]
    if group in GROUPS:
        conditions.append(Issue.status.in_(GROUPS[group]))
    if status:
        try:
            conditions.append(Issue.status == Status(status))
        except ValueError:
            raise InvalidInput(_l("Unknown status.")) from None
    if category_id:
        conditions.append(Issue.category_id == category_id)
    if department_id:
        conditions.append(Issue.department_id == department_id)
    if area_id:
        conditions.append(Issue.area_id == area_id)
    if not include_old_closed:
        # "open, or closed since the cutoff" as one expression no index answers: with an OR the
        # planners merged two closed_at index searches over most of the table and sorted them; this
        # way the newest-first index is walked and stops after a page.
        conditions.append(func.coalesce(Issue.closed_at, literal(NEVER_CLOSED, Issue.closed_at.type))
                          >= closed_cutoff())
    return conditions


#: stands for "not closed" where a date is compared
NEVER_CLOSED = datetime(9999, 1, 1, tzinfo=UTC)


def closed_cutoff() -> datetime:
    """Reports closed before this are left out of the list by default: the start (city time) of the
    month six months ago, so that the counters, kept per month of closing, count the list exactly."""
    from .totals import month_start

    return month_start(clock.now() - HIDE_CLOSED_AFTER)


@dataclass
class Listing:
    items: list[Issue]
    total: int | None  # None: a filter without a counter (the page then only knows if there is a next)
    page: int
    pages: int | None
    has_next: bool = False


def list_issues(page: int = 1, **filters: Any) -> Listing:
    """A page of the list; the total comes from the counters (never a count over the issues)."""
    from . import totals

    conditions = _filters(**filters)
    closed_after = None if filters.get("include_old_closed") else closed_cutoff()
    total = totals.count_issues(closed_after=closed_after, group=filters.get("group"),
                                status=filters.get("status"), category_id=filters.get("category_id"),
                                department_id=filters.get("department_id"), area_id=filters.get("area_id"))
    pages = max(1, math.ceil(total / PER_PAGE)) if total is not None else None
    page = min(max(1, page), pages or page)
    rows = list(db.session.scalars(select(Issue).where(*conditions)
                                   .order_by(Issue.created_at.desc(), Issue.id.desc())
                                   .offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return Listing(rows[:PER_PAGE], total, page, pages, has_next=len(rows) > PER_PAGE)


def recent_issues(limit: int = 5) -> list[Issue]:
    """The newest visible reports (the list's rules, without counting every page)."""
    return list(db.session.scalars(select(Issue).where(*_filters())
                                   .order_by(Issue.created_at.desc(), Issue.id.desc()).limit(limit)))


def geojson(bbox: tuple[float, float, float, float] | None, *, status: str | None = None,
            category_id: int | None = None, group: str | None = None, department_id: int | None = None,
            area_id: int | None = None, include_old_closed: bool = False,
            extra: list[ColumnElement[bool]] | None = None) -> dict:
    """The map's points with the list page's filters; names, status group, dates, "me too" count and a
    permalink in each feature's properties (names from the small category/department/area tables).
    `extra`: more conditions (the triage queue's age, reopened, "me too" and overdue filters)."""
    conditions = _filters(status=status, category_id=category_id, group=group, department_id=department_id,
                          area_id=area_id, include_old_closed=include_old_closed) + list(extra or [])
    query = select(Issue.id, Issue.title, Issue.status, Issue.latitude, Issue.longitude, Issue.category_id,
                   Issue.department_id, Issue.area_id, Issue.metoo_count, Issue.created_at, Issue.updated_at,
                   Issue.closed_at)
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        conditions += [Issue.latitude.between(min_lat, max_lat), Issue.longitude.between(min_lon, max_lon)]
        cells = geo.cells_for_bbox(bbox)
        if cells is not None:  # a street-level view: look up its grid cells through the index
            conditions.append(Issue.geocell.in_(cells))
        # else a wide view: the newest-first index is walked and reports outside are skipped
    # Plain rows through the session's connection: the ORM adds nothing to tuples of columns.
    rows = db.session.connection().execute(
        query.where(*conditions).order_by(Issue.created_at.desc(), Issue.id.desc())
        .limit(GEOJSON_LIMIT + 1)).all()
    categories, departments, areas = _names_of_all()
    # One url_for, then string formatting: url_for per feature cost more than the query at 500 points.
    marker = 2147483647
    relative = url_for("issues.detail", issue_id=marker).replace(str(marker), "{}")
    external = url_for("issues.detail", issue_id=marker, _external=True).replace(str(marker), "{}")
    # Rows unpacked as tuples (attribute access on each row cost more than the rest of the loop).
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"id": issue_id, "title": title, "status": status, "status_group": STATUS_GROUP[status],
                       "category_id": category_id, "category": categories.get(category_id),
                       "department": departments.get(department_id),
                       "area": areas.get(area_id) if area_id else None, "metoo_count": metoo_count,
                       "created_at": created_at.isoformat(), "updated_at": updated_at.isoformat(),
                       "closed_at": closed_at.isoformat() if closed_at else None,
                       "url": relative.format(issue_id), "permalink": external.format(issue_id)},
    } for (issue_id, title, status, lat, lon, category_id, department_id, area_id, metoo_count, created_at,
           updated_at, closed_at) in rows[:GEOJSON_LIMIT]]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > GEOJSON_LIMIT}


def home_figures() -> dict[str, int]:
    """{"open": ..., "fixed": ...}: the home page's street issue figures (visible issues, from counters)."""
    from . import totals

    return totals.by_group()


# --- triage -------------------------------------------------------------------------------------

def triage_department(user: Actor, requested_id: int | None) -> Department:
    """The department whose queue to show: the one asked for when allowed, else the official's own
    (the first one), else (an admin without a department) the first department."""
    if not permissions.can_triage(user):
        raise PermissionDenied(permissions.TRIAGE_FOR_OFFICIALS)
    department_id = requested_id
    if not (department_id and permissions.can_triage_department(user, department_id)):
        own = sorted(user.department_ids) if is_signed_in(user) else []
        department_id = own[0] if own else db.session.scalar(select(Department.id).order_by(Department.id))
    department = db.session.get(Department, department_id) if department_id else None
    if department is None:
        raise NotFound()
    return department


def triage_queue(official: User, department_id: int | None = None) -> list[Issue]:
    """Open issues of the department: reopened ones first, then unacknowledged, then oldest first."""
    if department_id is None:
        ids = sorted(official.department_ids)
        if not ids:
            return []
        department_id = ids[0]
    return list(db.session.scalars(
        select(Issue).where(Issue.department_id == department_id, Issue.status.in_(OPEN_STATUSES))
        .order_by(Issue.reopened_at.is_(None), Issue.acknowledged_at.is_not(None), Issue.created_at, Issue.id)
        .limit(TRIAGE_LIMIT)))


def photos_using_upload(upload_id: int) -> list[Any]:
    """The issue photos (of a report or of an update) using this upload, for `core.uploads`."""
    from .models import IssuePhoto

    return list(db.session.scalars(select(IssuePhoto).where(IssuePhoto.upload_id == upload_id)))


def can_read_photo(user: Actor, photo: Any) -> bool:
    """A photo is readable with its report and, for an update's photo, with that update."""
    issue = db.session.get(Issue, photo.issue_id)
    if issue is None or not permissions.can_read_issue(user, issue):
        return False
    if photo.update_id is None:
        return True
    update = db.session.get(IssueUpdate, photo.update_id)
    return update is not None and can_read(user, update, None)
