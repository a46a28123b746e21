"""Administration of issue categories (names, group, help, department, per-area routing, target,
order, extra questions) and of areas (GeoJSON upload with the checks of `flask areas import`,
rename). Every change is audited; a category in use is never deleted (disable it instead)."""
from __future__ import annotations

import json
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import audit
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.models import Department
from ..core.services import lock_row, parse_id
from ..core.types import Actor
from ..extensions import db
from . import areas, permissions
from .models import Area, Category, CategoryOverride, Issue

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
NAME_MAX, HELP_MAX = 100, 500
AREAS_UPLOAD_MAX = 5_000_000  # bytes of GeoJSON
ONLY_ADMINS = _l("Only administrators can change categories and areas.")


def _require(user: Actor) -> None:
    if not permissions.can_administer_issues(user):
        raise PermissionDenied(ONLY_ADMINS)


def _texts(value: dict | None, field: str, limit: int, *, required: bool = False) -> dict:
    texts = {lang: (text or "").strip() for lang, text in (value or {}).items() if lang in ("ja", "en")}
    texts = {lang: text for lang, text in texts.items() if text}
    if required and not texts:
        raise InvalidInput(_l("Please enter the name in Japanese or English."), field=field)
    if any(len(text) > limit for text in texts.values()):
        raise InvalidInput(_l("Please enter at most %(n)s characters.", n=limit), field=field)
    return texts


def _department(value: Any, field: str = "department_id") -> Department:
    department_id = parse_id(value)
    department = db.session.get(Department, department_id) if department_id else None
    if department is None:
        raise InvalidInput(_l("Please choose a department."), field=field)
    return department


def _whole(value: Any, low: int, high: int, field: str, *, optional: bool = False) -> int | None:
    if optional and value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise InvalidInput(_l("Please enter a whole number from %(low)s to %(high)s.", low=low, high=high),
                           field=field)
    return number


def save_category(actor: Actor, category: Category | None, data: dict) -> Category:
    """Create (category None) or edit a category."""
    _require(actor)
    code = (data.get("code") or "").strip().lower()
    if not CODE_RE.match(code):
        raise InvalidInput(_l("Use 1 to 50 lowercase letters, digits, - or _ (for example road-damage)."),
                           field="code")
    other = db.session.scalar(select(Category.id).where(Category.code == code))
    if other is not None and (category is None or other != category.id):
        raise Conflict(_l("This code is already used."), field="code")
    values = dict(
        code=code,
        name=_texts(data.get("name"), "name_ja", NAME_MAX, required=True),
        group=_texts(data.get("group"), "group_ja", NAME_MAX),
        help=_texts(data.get("help"), "help_ja", HELP_MAX) or None,
        department_id=_department(data.get("department_id")).id,
        position=_whole(data.get("position") or 0, 0, 10_000, "position"),
        target_days=_whole(data.get("target_days"), 1, 365, "target_days", optional=True),
        active=bool(data.get("active", True)),
    )
    before = None
    if category is None:
        category = Category(**values)
        db.session.add(category)
    else:
        before = {key: getattr(category, key) for key in values}
        for key, value in values.items():
            setattr(category, key, value)
    db.session.flush()
    audit.record(actor, "category.create" if before is None else "category.update", category,
                 before=before, after=values)
    return category


def delete_category(actor: Actor, category: Category) -> None:
    """Only a category no report ever used can be deleted; one in use is disabled instead."""
    _require(actor)
    lock_row(Category, category.id)  # a report being filed in it now is counted (it waits for us or we for it)
    used = db.session.scalar(select(func.count(Issue.id)).where(Issue.category_id == category.id)) or 0
    if used:
        raise Conflict(_l("Reports use this category (%(n)s): disable it instead, so it is no longer offered.",
                          n=used))
    audit.record(actor, "category.delete", category, before={"code": category.code, "name": category.name})
    db.session.delete(category)
    db.session.flush()


def set_override(actor: Actor, category: Category, area_id: Any, department_id: Any) -> CategoryOverride:
    """Reports of `category` in an area go to another department."""
    _require(actor)
    area = db.session.get(Area, parse_id(area_id) or 0)
    if area is None:
        raise InvalidInput(_l("Please choose an area."), field="area_id")
    department = _department(department_id)
    override = db.session.scalar(select(CategoryOverride).where(
        CategoryOverride.category_id == category.id, CategoryOverride.area_id == area.id))
    if override is None:
        override = CategoryOverride(category_id=category.id, area_id=area.id, department_id=department.id)
        db.session.add(override)
    else:
        override.department_id = department.id
    db.session.flush()
    audit.record(actor, "category.override", category,
                 after={"area": area.code, "department": department.code})
    return override


def remove_override(actor: Actor, category: Category, override_id: Any) -> None:
    _require(actor)
    override = db.session.get(CategoryOverride, parse_id(override_id) or 0)
    if override is None or override.category_id != category.id:
        raise NotFound(_l("This routing rule does not exist."))
    audit.record(actor, "category.override_remove", category,
                 before={"area_id": override.area_id, "department_id": override.department_id})
    db.session.delete(override)
    db.session.flush()


# --- areas ---------------------------------------------------------------------------------------

def parse_geojson(raw: bytes | str) -> dict:
    """The uploaded file as a FeatureCollection, or a translated refusal."""
    if len(raw) > AREAS_UPLOAD_MAX:
        raise InvalidInput(_l("The file is too large (at most 5 MB)."), field="file")
    try:
        # UTF-8 only (json would also read UTF-16/32, which the preview cannot show again)
        data = json.loads(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deeply
        raise InvalidInput(_l("This is not a GeoJSON file."), field="file") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InvalidInput(_l("The file must be a GeoJSON FeatureCollection."), field="file")
    return data


def import_areas(actor: Actor, raw: bytes | str, *, preview: bool = False) -> tuple[int, int, dict]:
    """Create or replace areas (by code) from GeoJSON, with the checks of `flask areas import`.
    Reports keep their area (an area is replaced in place). With `preview`, nothing is stored.
    Returns (created, updated, the feature collection)."""
    _require(actor)
    data = parse_geojson(raw)
    savepoint = db.session.begin_nested()
    try:
        created, updated = areas.import_areas(data)
    except InvalidInput as exc:
        savepoint.rollback()
        exc.field = exc.field or "file"
        raise
    if preview:
        savepoint.rollback()
        areas._shapes.clear()
        return created, updated, data
    savepoint.commit()
    audit.record(actor, "areas.import", target_type="areas", target_id=None,
                 after={"created": created, "updated": updated,
                        "codes": [str((f.get("properties") or {}).get("code")) for f in data.get("features") or []]})
    return created, updated, data


def rename_area(actor: Actor, area: Area, name: dict) -> Area:
    _require(actor)
    before = dict(area.name or {})
    area.name = _texts(name, "name_ja", NAME_MAX, required=True)
    db.session.flush()
    audit.record(actor, "area.rename", area, before={"name": before}, after={"name": area.name})
    return area


def areas_feature_collection(rows: list[Area]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": a.geometry,
         "properties": {"code": a.code, "name_ja": (a.name or {}).get("ja", ""),
                        "name_en": (a.name or {}).get("en", "")}}
        for a in rows]}


def add_category_question(actor: Actor, category: Category, data: dict) -> dict:
    """An extra question residents answer in step 2 of a report of this category."""
    _require(actor)
    from .category_questions import add_question

    return add_question(actor, category, data)


def remove_category_question(actor: Actor, category: Category, question_id: int) -> None:
    _require(actor)
    from .category_questions import remove_question

    remove_question(actor, category, question_id)
