"""Street issue actions: report (with the nearby-duplicate check), updates, status, triage, stats."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from shapely.geometry import Point, shape
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..core import audit, clock, geo, notifications, uploads
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.models import Department, Role
from ..core.permissions import is_admin, is_official
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post, lock_row, parse_id
from ..extensions import db
from . import permissions
from .models import (
    CLOSED_STATUSES,
    GROUPS,
    OPEN_STATUSES,
    Area,
    Category,
    CategoryOverride,
    Issue,
    IssuePhoto,
    IssueUpdate,
    MeToo,
    ResponseTemplate,
    Status,
)

NEARBY_RADIUS_M = 250
NEARBY_LIMIT = 5
PER_PAGE = 50
GEOJSON_LIMIT = 500
HIDE_CLOSED_AFTER = timedelta(days=183)  # about six months
TITLE_MIN, TITLE_MAX = 2, 100
DETAILS_MAX = 3000
NOTE_MAX = 2000


# --- loading ------------------------------------------------------------------------------------

def get_issue(issue_id: Any) -> Issue:
    issue_id = parse_id(issue_id)
    issue = db.session.get(Issue, issue_id) if issue_id else None
    if issue is None:
        raise NotFound(_l("This issue does not exist."))
    return issue


def get_category(category_id: Any) -> Category:
    category_id = parse_id(category_id)
    category = db.session.get(Category, category_id) if category_id else None
    if category is None or not category.active:
        raise InvalidInput(_l("Please choose a category from the list."), field="category_id")
    return category


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.active.is_(True))
                                   .order_by(Category.position, Category.id)))


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.id)))


def areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.id)))


# --- areas and routing --------------------------------------------------------------------------

_shapes: dict[tuple, list] = {}


def _area_shapes() -> list[tuple[Area, Any]]:
    """Areas with their shapely shapes, built once per set of areas."""
    rows = areas()
    key = tuple((a.id, a.code, a.min_lat, a.max_lat, a.min_lon, a.max_lon) for a in rows)
    if key not in _shapes:
        _shapes.clear()
        _shapes[key] = [(a.id, shape(a.geometry)) for a in rows]
    by_id = {a.id: a for a in rows}
    return [(by_id[i], polygon) for i, polygon in _shapes[key]]


def area_at(lat: float, lon: float) -> Area | None:
    """The area containing the point. The city boundary is the union of the areas, so a point in
    none of them is outside the city (refused); with no areas imported there is nothing to enforce."""
    pairs = _area_shapes()
    if not pairs:
        return None
    point = Point(lon, lat)
    for area, polygon in pairs:
        if polygon.covers(point):
            return area
    raise InvalidInput(_l("This place is outside the city. Please choose a place inside the city boundary."),
                       field="latitude")


def responsible_department(category: Category, area: Area | None) -> int:
    if area is not None:
        override = db.session.scalar(select(CategoryOverride.department_id).where(
            CategoryOverride.category_id == category.id, CategoryOverride.area_id == area.id))
        if override:
            return override
    return category.department_id


def import_areas(feature_collection: dict) -> tuple[int, int]:
    """Create or update areas from GeoJSON features with properties code, name_ja, name_en."""
    if not isinstance(feature_collection, dict) or feature_collection.get("type") != "FeatureCollection":
        raise InvalidInput(_l("The file must be a GeoJSON FeatureCollection."))
    created = updated = 0
    for feature in feature_collection.get("features") or []:
        props = feature.get("properties") or {}
        code = str(props.get("code") or "").strip()
        geometry = feature.get("geometry") or {}
        if not code or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise InvalidInput(_l("Every feature needs a code and a Polygon or MultiPolygon geometry."))
        try:
            polygon = shape(geometry)
        except Exception:  # noqa: BLE001 - any malformed geometry
            raise InvalidInput(_l("The geometry of %(code)s is not valid.", code=code)) from None
        if not polygon.is_valid or polygon.is_empty:
            raise InvalidInput(_l("The geometry of %(code)s is not valid.", code=code))
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        values = dict(name={"ja": props.get("name_ja") or code, "en": props.get("name_en") or ""},
                      geometry=geometry, min_lat=min_lat, min_lon=min_lon, max_lat=max_lat, max_lon=max_lon)
        area = db.session.scalar(select(Area).where(Area.code == code))
        if area is None:
            db.session.add(Area(code=code, **values))
            created += 1
        else:
            for key, value in values.items():
                setattr(area, key, value)
            updated += 1
    db.session.flush()
    _shapes.clear()
    return created, updated


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
        Issue.category_id == category_id, Issue.geocell.in_(geo.cells_for_bbox(box, limit=10_000)),
        Issue.latitude.between(min_lat, max_lat), Issue.longitude.between(min_lon, max_lon),
        Issue.status.in_([s.value for s in OPEN_STATUSES]), Issue.hidden_at.is_(None))
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


# --- reporting ----------------------------------------------------------------------------------

def _author_role(user: Any, issue: Issue) -> tuple[str, int | None]:
    if is_official(user, issue.department_id):
        return "official", issue.department_id
    if is_official(user):
        department = next((a.department_id for a in user.roles if a.role == Role.OFFICIAL.value), None)
        return "official", department
    if is_admin(user):
        return "admin", None
    if issue.reporter_id == getattr(user, "id", None):
        return "reporter", None
    return "resident", None


def validate_place(data: dict) -> dict:
    """Step one of a report: a category and a place inside the city."""
    category = get_category(data.get("category_id"))
    lat, lon = geo.clean_location(data.get("latitude"), data.get("longitude"), required=True)
    address = " ".join(clean_text(data.get("address")).split())[:200] or None
    return dict(category=category, latitude=lat, longitude=lon, area=area_at(lat, lon), address=address)


def validate_report(data: dict) -> dict:
    values = validate_place(data)
    title = " ".join(clean_text(data.get("title")).split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise InvalidInput(_l("The title must be between %(min)d and %(max)d characters long.",
                              min=TITLE_MIN, max=TITLE_MAX), field="title")
    details = clean_text(data.get("details")).strip()
    if len(details) > DETAILS_MAX:
        raise InvalidInput(_l("The details can be at most %(max)d characters long.", max=DETAILS_MAX),
                           field="details")
    return dict(values, title=title, details=details)


def report_issue(reporter: Any, data: dict) -> Issue:
    if not permissions.can_report_issue(reporter):
        raise PermissionDenied(_l("Please sign in to report an issue."))
    ensure_can_post(reporter)
    values = validate_report(data)
    category, area = values["category"], values["area"]
    issue = Issue(category_id=category.id, department_id=responsible_department(category, area),
                  area_id=area.id if area else None, reporter_id=reporter.id, title=values["title"],
                  details=values["details"], address=values["address"], latitude=values["latitude"],
                  longitude=values["longitude"], show_name=bool(data.get("show_name")),
                  language=data.get("language") or "ja", status=Status.OPEN.value)
    db.session.add(issue)
    db.session.flush()
    for position, upload in enumerate(uploads.save_images(data.get("photos") or [], reporter)):
        db.session.add(IssuePhoto(issue_id=issue.id, upload=upload, position=position))
    db.session.flush()
    notifications.follow(reporter, issue)
    return issue


def me_too(user: Any, issue: Issue) -> Issue:
    """Count once per resident, and follow the issue."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_l("Please sign in to report an issue."))
    if issue.group != "open":
        raise Conflict(_l("This issue is no longer open."))
    if issue.reporter_id == user.id:
        raise Conflict(_l("You reported this issue yourself."))
    lock_row(Issue, issue.id)
    try:
        with db.session.begin_nested():
            db.session.add(MeToo(issue_id=issue.id, user_id=user.id))
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("You already said you have this problem too.")) from None
    db.session.execute(update(Issue).where(Issue.id == issue.id).values(
        metoo_count=select(func.count(MeToo.id)).where(MeToo.issue_id == issue.id).scalar_subquery()))
    db.session.refresh(issue, ["metoo_count"])
    notifications.follow(user, issue)
    return issue


def has_me_too(user: Any, issue: Issue) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(MeToo.id).where(MeToo.issue_id == issue.id, MeToo.user_id == user.id)) is not None


# --- updates and status ---------------------------------------------------------------------------

def _clean_note(text: str | None, *, required: bool = False) -> str:
    text = clean_text(text).strip()
    if required and not text:
        raise InvalidInput(_l("Please write a public note explaining this change."), field="note")
    if len(text) > NOTE_MAX:
        raise InvalidInput(_l("The note can be at most %(max)d characters long.", max=NOTE_MAX), field="note")
    return text


def _add_update(user: Any, issue: Issue, text: str, *, old_status: str | None = None,
                new_status: str | None = None, new_department_id: int | None = None,
                photos: list | None = None) -> IssueUpdate:
    role, department_id = _author_role(user, issue)
    entry = IssueUpdate(issue_id=issue.id, author_id=user.id, author_role=role,
                        author_department_id=department_id, text=text, old_status=old_status,
                        new_status=new_status, new_department_id=new_department_id)
    db.session.add(entry)
    db.session.flush()
    for position, upload in enumerate(uploads.save_images(photos or [], user, limit=3)):
        db.session.add(IssuePhoto(issue_id=issue.id, update_id=entry.id, upload=upload, position=position))
    if role == "official" and issue.acknowledged_at is None and (new_status or new_department_id or text):
        issue.acknowledged_at = clock.now()
    issue.updated_at = clock.now()
    db.session.flush()
    return entry


def add_update(user: Any, issue: Issue, text: str, photos: list | None = None) -> IssueUpdate:
    if not permissions.can_update_issue(user, issue):
        raise PermissionDenied(_l("Please sign in to add an update."))
    ensure_can_post(user)
    text = _clean_note(text)
    if not text and not [p for p in photos or [] if getattr(p, "filename", None)]:
        raise InvalidInput(_l("Please write something or attach a photo."), field="note")
    entry = _add_update(user, issue, text, photos=photos)
    notifications.notify_followers(issue, "issue.updated", {"title": issue.title}, exclude=user)
    return entry


def mark_fixed(user: Any, issue: Issue, text: str, photos: list | None = None) -> IssueUpdate:
    """Anyone signed in may say it is fixed."""
    if not permissions.can_mark_fixed(user, issue):
        raise PermissionDenied(_l("Only an open issue can be reported as fixed."))
    ensure_can_post(user)
    text = _clean_note(text)
    old = issue.status
    issue.move_to(Status.FIXED_BY_REPORTER)
    entry = _add_update(user, issue, text, old_status=old, new_status=issue.status, photos=photos)
    notifications.notify_followers(issue, "issue.status", {"title": issue.title, "status": issue.status},
                                   exclude=user)
    return entry


def reopen(user: Any, issue: Issue, reason: str) -> IssueUpdate:
    if not permissions.can_reopen_issue(user, issue):
        raise PermissionDenied(_l("Only the person who reported this issue can reopen it."))
    ensure_can_post(user)
    reason = _clean_note(reason, required=True)
    old = issue.status
    issue.reopen()
    entry = _add_update(user, issue, reason, old_status=old, new_status=issue.status)
    notifications.notify_followers(issue, "issue.status", {"title": issue.title, "status": issue.status},
                                   exclude=user)
    return entry


def change_status(official: Any, issue: Issue, status: Any, note: str, *,
                  duplicate_of_id: Any = None, photos: list | None = None) -> IssueUpdate:
    """Officials of the responsible department (and admins), always with a public update."""
    if not permissions.can_manage_issue(official, issue):
        raise PermissionDenied(_l("Only officials of the responsible department can change this issue."))
    try:
        target = Status(status)
    except ValueError:
        raise InvalidInput(_l("Please choose a status."), field="status") from None
    if target is Status.FIXED_BY_REPORTER:
        raise InvalidInput(_l("Please choose a status."), field="status")
    note = _clean_note(note, required=target in CLOSED_STATUSES)
    original = None
    if target is Status.DUPLICATE:
        try:
            original = get_issue(duplicate_of_id)
        except NotFound:
            raise InvalidInput(_l("Please give the number of the original issue."), field="duplicate_of_id") from None
    old = issue.status
    issue.move_to(target, duplicate_of=original)
    entry = _add_update(official, issue, note, old_status=old, new_status=issue.status, photos=photos)
    audit.record(official, "issue.status", issue, before={"status": old},
                 after={"status": issue.status, "note": note, "duplicate_of_id": issue.duplicate_of_id})
    notifications.notify_followers(issue, "issue.status", {"title": issue.title, "status": issue.status},
                                   exclude=official)
    return entry


def bulk_change_status(official: Any, issue_ids: list[int], status: Any, note: str) -> int:
    """The same status change and note on several issues; all or nothing."""
    if not issue_ids:
        raise InvalidInput(_l("Please select at least one issue."), field="issue_ids")
    changed = 0
    for issue_id in sorted(set(issue_ids)):
        change_status(official, get_issue(issue_id), status, note)
        changed += 1
    return changed


def reassign(official: Any, issue: Issue, department_id: Any, note: str) -> IssueUpdate:
    if not permissions.can_manage_issue(official, issue):
        raise PermissionDenied(_l("Only officials of the responsible department can change this issue."))
    department_id = parse_id(department_id)
    department = db.session.get(Department, department_id) if department_id else None
    if department is None:
        raise InvalidInput(_l("Please choose a department."), field="department_id")
    if department.id == issue.department_id:
        raise InvalidInput(_l("The issue is already with this department."), field="department_id")
    note = _clean_note(note, required=True)
    old = issue.department_id
    entry = _add_update(official, issue, note, new_department_id=department.id)
    issue.department_id = department.id
    issue.assignee_id = None
    db.session.flush()
    audit.record(official, "issue.reassign", issue, before={"department_id": old},
                 after={"department_id": department.id, "note": note})
    return entry


def assign_to_me(official: Any, issue: Issue) -> Issue:
    if not permissions.can_manage_issue(official, issue):
        raise PermissionDenied(_l("Only officials of the responsible department can change this issue."))
    issue.assignee_id = official.id
    db.session.flush()
    audit.record(official, "issue.assign", issue, after={"assignee_id": official.id})
    return issue


def timeline(issue: Issue) -> list[IssueUpdate]:
    return list(db.session.scalars(select(IssueUpdate).where(IssueUpdate.issue_id == issue.id)
                                   .order_by(IssueUpdate.created_at, IssueUpdate.id)))


def templates_for(department_id: int) -> list[ResponseTemplate]:
    return list(db.session.scalars(select(ResponseTemplate).where(
        ResponseTemplate.department_id == department_id).order_by(ResponseTemplate.status, ResponseTemplate.id)))


def add_template(official: Any, department_id: int, status: Any, title: dict, text: dict) -> ResponseTemplate:
    if not permissions.can_manage_templates(official, department_id):
        raise PermissionDenied(_l("Only officials of this department can manage its templates."))
    try:
        Status(status)
    except ValueError:
        raise InvalidInput(_l("Please choose a status."), field="status") from None
    if not (title.get("ja") or "").strip() or not (text.get("ja") or "").strip():
        raise InvalidInput(_l("Please enter the title and the text in Japanese."), field="title_ja")
    template = ResponseTemplate(department_id=department_id, status=status, title=title, text=text)
    db.session.add(template)
    db.session.flush()
    audit.record(official, "issue.template.create", template, after={"status": status, "title": title})
    return template


def delete_template(official: Any, template_id: int) -> None:
    template = db.session.get(ResponseTemplate, template_id)
    if template is None:
        raise NotFound(_l("This template does not exist."))
    if not permissions.can_manage_templates(official, template.department_id):
        raise PermissionDenied(_l("Only officials of this department can manage its templates."))
    audit.record(official, "issue.template.delete", template, before={"title": template.title})
    db.session.delete(template)
    db.session.flush()


# --- finding ------------------------------------------------------------------------------------

def _filters(*, group: str | None = None, status: str | None = None, category_id: int | None = None,
             department_id: int | None = None, area_id: int | None = None,
             include_old_closed: bool = False) -> list:
    conditions = [Issue.hidden_at.is_(None)]
    if group in GROUPS:
        conditions.append(Issue.status.in_([s.value for s in GROUPS[group]]))
    if status:
        try:
            conditions.append(Issue.status == Status(status).value)
        except ValueError:
            raise InvalidInput(_l("Unknown status.")) from None
    if category_id:
        conditions.append(Issue.category_id == category_id)
    if department_id:
        conditions.append(Issue.department_id == department_id)
    if area_id:
        conditions.append(Issue.area_id == area_id)
    if not include_old_closed:
        cutoff = clock.now() - HIDE_CLOSED_AFTER
        conditions.append(or_(Issue.closed_at.is_(None), Issue.closed_at >= cutoff))
    return conditions


@dataclass
class Listing:
    items: list[Issue]
    total: int
    page: int
    pages: int


def list_issues(page: int = 1, **filters) -> Listing:
    conditions = _filters(**filters)
    total = db.session.scalar(select(func.count(Issue.id)).where(*conditions)) or 0
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(1, page), pages)
    items = list(db.session.scalars(select(Issue).where(*conditions)
                                    .order_by(Issue.created_at.desc(), Issue.id.desc())
                                    .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return Listing(items, total, page, pages)


def recent_issues(limit: int = 5) -> list[Issue]:
    """The newest visible reports (the list's rules, without counting every page)."""
    return list(db.session.scalars(select(Issue).where(*_filters())
                                   .order_by(Issue.created_at.desc(), Issue.id.desc()).limit(limit)))


def geojson(bbox: tuple[float, float, float, float] | None, *, status: str | None = None,
            category_id: int | None = None, group: str | None = None) -> dict:
    conditions = _filters(status=status, category_id=category_id, group=group)
    query = select(Issue.id, Issue.title, Issue.status, Issue.latitude, Issue.longitude,
                   Issue.category_id, Issue.created_at)
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        conditions += [Issue.latitude.between(min_lat, max_lat), Issue.longitude.between(min_lon, max_lon)]
        cells = geo.cells_for_bbox(bbox)
        if cells is not None:  # a street-level view: look up its grid cells through the index
            conditions.append(Issue.geocell.in_(cells))
        # else a wide view: the newest-first index is walked and reports outside are skipped
    rows = db.session.execute(
        query.where(*conditions).order_by(Issue.created_at.desc(), Issue.id.desc())
        .limit(GEOJSON_LIMIT + 1)).all()
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
        "properties": {"id": row.id, "title": row.title, "status": row.status,
                       "category_id": row.category_id, "created_at": row.created_at.isoformat(),
                       "url": url_for("issues.detail", issue_id=row.id)},
    } for row in rows[:GEOJSON_LIMIT]]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > GEOJSON_LIMIT}


def triage_queue(official: Any, department_id: int | None = None) -> list[Issue]:
    """Open issues of the department: unacknowledged first, then oldest first."""
    if department_id is None:
        ids = sorted(official.department_ids)
        if not ids:
            return []
        department_id = ids[0]
    return list(db.session.scalars(
        select(Issue).where(Issue.department_id == department_id,
                            Issue.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(Issue.acknowledged_at.is_not(None), Issue.created_at, Issue.id).limit(500)))


def home_figures() -> dict[str, int]:
    open_count, fixed_count = db.session.execute(select(
        func.count(Issue.id).filter(Issue.status.in_([s.value for s in OPEN_STATUSES])),
        func.count(Issue.id).filter(Issue.fixed_at.is_not(None)))).one()
    return {"open": open_count or 0, "fixed": fixed_count or 0}


# --- public response-time figures ---------------------------------------------------------------

@dataclass
class Figures:
    name: dict
    reports: int
    median_hours_to_response: float | None
    median_hours_to_fixed: float | None
    fixed_within_30_days: float | None  # share of reports, 0..100


def _hours(a, b) -> float:
    return (b - a).total_seconds() / 3600


def _figures(rows) -> tuple[int, float | None, float | None, float | None]:
    rows = list(rows)
    responses = [_hours(r.created_at, r.acknowledged_at) for r in rows if r.acknowledged_at]
    fixes = [_hours(r.created_at, r.fixed_at) for r in rows if r.fixed_at]
    old_enough = [r for r in rows if clock.now() - r.created_at >= timedelta(days=30) or r.fixed_at]
    quick = [r for r in old_enough if r.fixed_at and r.fixed_at - r.created_at <= timedelta(days=30)]
    return (len(rows),
            round(statistics.median(responses), 1) if responses else None,
            round(statistics.median(fixes), 1) if fixes else None,
            round(100 * len(quick) / len(old_enough), 1) if old_enough else None)


def response_stats() -> dict[str, list[Figures]]:
    rows = db.session.execute(select(Issue.category_id, Issue.department_id, Issue.created_at,
                                     Issue.acknowledged_at, Issue.fixed_at)
                              .where(Issue.status != Status.DUPLICATE.value)).all()
    by_category: dict[int, list] = {}
    by_department: dict[int, list] = {}
    for row in rows:
        by_category.setdefault(row.category_id, []).append(row)
        by_department.setdefault(row.department_id, []).append(row)
    names_c = {c.id: c.name for c in db.session.scalars(select(Category))}
    names_d = {d.id: d.name for d in db.session.scalars(select(Department))}
    return {
        "categories": [Figures(names_c[k], *_figures(v)) for k, v in sorted(by_category.items())],
        "departments": [Figures(names_d[k], *_figures(v)) for k, v in sorted(by_department.items())],
    }


# --- notifications ------------------------------------------------------------------------------

notifications.register_kind(
    "issue.status", _l("The status of “%(title)s” changed."),
    lambda n: url_for("issues.detail", issue_id=n.target_id) + "#timeline")
notifications.register_kind(
    "issue.updated", _l("New update on “%(title)s”."),
    lambda n: url_for("issues.detail", issue_id=n.target_id) + "#timeline")
