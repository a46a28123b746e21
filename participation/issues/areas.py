"""Area routing: which area (ward) a point is in, and which department handles a category there.

The city boundary is the union of the areas. A category goes to its own department unless an
override names another department for the area.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import InvalidInput
from ..extensions import db
from .models import Area, Category, CategoryOverride
from .queries import list_areas

_shapes: dict[tuple, list[tuple[int, Any]]] = {}
CODE_MAX, NAME_MAX = 50, 100  # Area.code's column; an area's name


def _area_shapes() -> list[tuple[Area, Any]]:
    """Areas with their shapely shapes, built once per set of areas (shapely loads on first use)."""
    from shapely.geometry import shape

    rows = list_areas()
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
    from shapely.geometry import Point

    point = Point(lon, lat)
    for area, polygon in pairs:
        if polygon.covers(point):
            return area
    raise InvalidInput(_l("This place is outside the city. Please choose a place inside the city boundary."),
                       field="latitude")


def responsible_department(category: Category, area: Area | None) -> int:
    """The department id for reports of `category` in `area`: the area's override, else the category's."""
    if area is not None:
        override = db.session.scalar(select(CategoryOverride.department_id).where(
            CategoryOverride.category_id == category.id, CategoryOverride.area_id == area.id))
        if override:
            return override
    return category.department_id


#: areas in one upload (each is checked as a polygon and kept with its bounds)
MAX_AREAS = 1_000


def import_areas(feature_collection: dict) -> tuple[int, int]:
    """Create or update areas from GeoJSON features with properties code, name_ja, name_en.
    Returns (created, updated)."""
    if not isinstance(feature_collection, dict) or feature_collection.get("type") != "FeatureCollection":
        raise InvalidInput(_l("The file must be a GeoJSON FeatureCollection."))
    from shapely.geometry import shape

    features = feature_collection.get("features") or []
    if not isinstance(features, list):
        raise InvalidInput(_l("Every feature needs a code and a Polygon or MultiPolygon geometry."))
    if len(features) > MAX_AREAS:  # wards and districts, not every block: checked before any work
        raise InvalidInput(_l("A file may hold at most %(n)s areas.", n=f"{MAX_AREAS:,}"))
    created = updated = 0
    for feature in features:
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        geometry = feature.get("geometry")
        geometry = geometry if isinstance(geometry, dict) else {}
        code = str(props.get("code") or "").strip()
        names = {lang: props.get(f"name_{lang}") or "" for lang in ("ja", "en")}
        if not code or len(code) > CODE_MAX or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise InvalidInput(_l("Every feature needs a code and a Polygon or MultiPolygon geometry."))
        if not all(isinstance(name, str) and len(name) <= NAME_MAX for name in names.values()):
            raise InvalidInput(_l("The names of %(code)s must be text of at most %(n)s characters.",
                                  code=code, n=NAME_MAX))
        try:
            polygon = shape(geometry)
        except Exception:  # noqa: BLE001 - any malformed geometry
            raise InvalidInput(_l("The geometry of %(code)s is not valid.", code=code)) from None
        if not polygon.is_valid or polygon.is_empty:
            raise InvalidInput(_l("The geometry of %(code)s is not valid.", code=code))
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise InvalidInput(_l("The geometry of %(code)s is not valid.", code=code))
        values = dict(name={"ja": names["ja"] or code, "en": names["en"]},
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
