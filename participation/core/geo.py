"""Geometry shared by proposals and street issues: distances, bounding boxes, input checks."""
from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l

from .errors import InvalidInput

EARTH_RADIUS_M = 6_371_008.8
METERS_PER_DEGREE_LAT = 111_320.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) that surely contains the circle (index prefilter)."""
    dlat = radius_m / METERS_PER_DEGREE_LAT * 1.01
    dlon = radius_m / (METERS_PER_DEGREE_LAT * max(0.01, math.cos(math.radians(lat)))) * 1.01
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


BBOX_MESSAGE = _l("bbox must be four numbers: min longitude, min latitude, max longitude, max latitude.")


def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    if raw is None or raw == "":
        return None
    try:
        values = tuple(float(p) for p in raw.split(","))
    except ValueError:
        raise InvalidInput(BBOX_MESSAGE) from None
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidInput(BBOX_MESSAGE)
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise InvalidInput(BBOX_MESSAGE)
    return values


def clean_location(latitude, longitude, *, required: bool = False) -> tuple[float | None, float | None]:
    """Both or neither (unless required); numbers in range; refuses NaN and infinities."""
    if latitude in (None, "") and longitude in (None, ""):
        if required:
            raise InvalidInput(_l("Please choose the place on the map or enter its latitude and longitude."),
                               field="latitude")
        return None, None
    from .forms import halfwidth_number  # 「３５．６５」 typed with a Japanese keyboard reads as 35.65

    try:
        lat, lon = float(halfwidth_number(latitude)), float(halfwidth_number(longitude))
    except (TypeError, ValueError):
        raise InvalidInput(_l("Please give the location as latitude and longitude numbers."),
                           field="latitude") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(_l("The location is not a valid latitude and longitude."), field="latitude")
    return lat, lon


# --- grid cells: an integer per ~270 m square, so "near here" is an indexed IN (...) lookup -------

CELL_LAT = 0.0025  # degrees, about 278 m
CELL_LON = 0.003  # degrees, about 270 m at 35° north
_ROW = 1_000_000


def cell_of(lat: float, lon: float) -> int:
    return math.floor((lat + 90) / CELL_LAT) * _ROW + math.floor((lon + 180) / CELL_LON)


def cells_for_bbox(bbox: tuple[float, float, float, float], limit: int = 100) -> list[int] | None:
    """Every cell the bbox touches, or None when there would be more than `limit` of them."""
    min_lon, min_lat, max_lon, max_lat = bbox
    rows = range(math.floor((min_lat + 90) / CELL_LAT), math.floor((max_lat + 90) / CELL_LAT) + 1)
    cols = range(math.floor((min_lon + 180) / CELL_LON), math.floor((max_lon + 180) / CELL_LON) + 1)
    if len(rows) * len(cols) > limit:
        return None
    return [r * _ROW + c for r in rows for c in cols]
