"""The documented interface of the gazetteer: other features import this module (and only this one).

- `search(q, limit=8)`: places whose name, reading or English name starts with what was typed
  (then contains it), exact matches and towns first;
- `resolve(q)`: the one place `q` means, or None (several matches: ask with `search`);
- `reverse(lat, lon)`: the town (大字・町丁目) nearest to a point, or None outside the gazetteer;
- `place_name(lat, lon)`: 「みどり川市西区中町2丁目付近」 / "near Naka-machi 2-chome, Nishi-ku, ..." in
  the current language, or None (a template global too);
- `get(place_id)`: one place as a Match, or None.

Reverse look-ups never query the database per point: the town and block points live in a grid of
numpy arrays per process (about 1.7 km cells; the 3 × 3 cells around a point are searched), rebuilt
when the newest import's token changes (one small query per request, made only when a page asks
for a name). List pages can name every row for free.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from ..core.i18n import current_language
from ..extensions import db
from . import normalize
from .models import Kind, Place, PlaceImport

REVERSE_MAX_M = 1500  # farther than this from every town or block point: outside the gazetteer
SEARCH_LIMIT = 8
QUERY_MAX = 100
_EARTH_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class Match:
    id: int
    kind: str
    name_ja: str  # 「中町2丁目5番」 (chome in digits, as on signs)
    name_en: str | None
    city_ja: str
    city_en: str | None
    latitude: float
    longitude: float

    def name(self, language: str | None = None) -> str:
        return self.name_en if (language or current_language()) == "en" and self.name_en else self.name_ja

    def full_name(self, language: str | None = None) -> str:
        """With the city and ward: 「みどり川市西区中町2丁目」 / "Naka-machi 2-chome, Nishi-ku, Midorikawa-shi"."""
        if (language or current_language()) == "en" and self.name_en:
            return ", ".join(p for p in (self.name_en, self.city_en) if p)
        return self.city_ja + self.name_ja if self.kind != Kind.LANDMARK else self.name_ja


def _match(place: Place) -> Match:
    return Match(place.id, str(place.kind), normalize.arabic_chome(place.name_ja), place.name_en, place.city_ja,
                 place.city_en, float(place.latitude or 0), float(place.longitude or 0))


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _starts(column, prefix: str):
    """`column` starts with `prefix`. On SQLite a range over the index as well (its LIKE ignores
    indexes); elsewhere LIKE alone (a linguistic collation's order is not a prefix order)."""
    like = column.like(_like_prefix(prefix), escape="\\")
    if db.session.get_bind().dialect.name == "sqlite":
        return and_(column >= prefix, column < prefix + "\U0010ffff", like)
    return like


def _query_keys(q: str) -> tuple[list[str], str]:
    """The typed text's keys: as typed, and without a leading city/ward name the gazetteer knows."""
    text = (q or "")[:QUERY_MAX]
    k = normalize.key(text)
    keys = [k] if k else []
    for city_key in _index().city_keys:
        if k.startswith(city_key) and len(k) > len(city_key):
            keys.append(k[len(city_key):])
    return keys, normalize.en_key(text)


def _search_keys(keys: list[str], en: str, limit: int, *, contains: bool = False) -> list[Place]:
    if not keys and not en:
        return []
    conditions: list[Any]
    if contains:  # anywhere in the name: landmarks only (「公園」→「中央公園」), a small set
        conditions = [c for k in keys for c in (Place.key.like("%" + _like_prefix(k), escape="\\"),
                                                 Place.kana_key.like("%" + _like_prefix(k), escape="\\"))]
        if len(en) >= 2:
            conditions.append(Place.en_key.like("%" + _like_prefix(en), escape="\\"))
        conditions = [and_(Place.kind == Kind.LANDMARK, or_(*conditions))]
    else:
        conditions = [c for k in keys for c in (_starts(Place.key, k), _starts(Place.kana_key, k))]
        if len(en) >= 2:
            conditions.append(_starts(Place.en_key, en))
    exact = or_(Place.key.in_(keys), Place.kana_key.in_(keys)) if keys else Place.en_key == en
    order = [case((exact, 0), else_=1), case((Place.kind == Kind.TOWN, 0), (Place.kind == Kind.LANDMARK, 1),
                                             else_=2), func.length(Place.key), Place.id]
    return list(db.session.scalars(select(Place).where(or_(*conditions), Place.latitude.is_not(None))
                                   .order_by(*order).limit(limit)))


def search(q: str, limit: int = SEARCH_LIMIT) -> list[Match]:
    """Up to `limit` (at most 8) places for what a resident typed; [] for an empty query."""
    limit = max(0, min(limit, SEARCH_LIMIT))
    keys, en = _query_keys(q)
    if not limit or (not keys and len(en) < 2):
        return []
    found = _search_keys(keys, en, limit)
    shorter = keys
    while not found and shorter:  # 「中町2-5-3」: a house number the gazetteer does not list → its block
        shorter = [s for s in (normalize.shorter(k) for k in shorter) if s and len(s) >= 2]
        found = _search_keys(shorter, "", limit) if shorter else []
    if len(found) < limit and keys and max(len(k) for k in keys) >= 2:
        seen = {p.id for p in found}
        found += [p for p in _search_keys(keys, en, limit, contains=True) if p.id not in seen][:limit - len(found)]
    return [_match(p) for p in found]


def resolve(q: str) -> Match | None:
    """The place `q` names: an exact match of its key (or of the key without a house number), or the
    only match; None when nothing or several places match."""
    keys, en = _query_keys(q)
    while keys:
        exact = db.session.scalars(select(Place).where(or_(Place.key.in_(keys), Place.kana_key.in_(keys)),
                                                       Place.latitude.is_not(None))
                                   .order_by(Place.kind, Place.id).limit(2)).all()
        if len(exact) == 1:
            return _match(exact[0])
        if exact:
            return None
        keys = [s for s in (normalize.shorter(k) for k in keys) if s and len(s) >= 2]
    if en:
        named = db.session.scalars(select(Place).where(Place.en_key == en, Place.latitude.is_not(None)).limit(2)).all()
        if len(named) == 1:
            return _match(named[0])
    found = search(q, limit=2)
    return found[0] if len(found) == 1 else None


def get(place_id: Any) -> Match | None:
    if not str(place_id or "").isdecimal() or len(str(place_id)) > 12:
        return None
    place = db.session.get(Place, int(place_id))
    return _match(place) if place is not None and place.latitude is not None else None


# --- reverse: an in-process grid of town and block points ---------------------------------------

CELL_DEG = 0.015  # about 1.7 km north-south: the 3 × 3 cells around a point hold everything within REVERSE_MAX_M


@dataclass
class _Index:
    token: str | None
    towns: tuple[Match, ...] = ()
    cells: dict[tuple[int, int], tuple[Any, Any]] = field(default_factory=dict)  # cell -> (points, town index)
    city_keys: tuple[str, ...] = ()


_lock = threading.Lock()


def _current_token() -> str | None:
    if has_request_context() and "places_token" in g:
        return g.places_token
    token = db.session.scalar(select(PlaceImport.token).order_by(PlaceImport.id.desc()).limit(1))
    if has_request_context():
        g.places_token = token
    return token


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


def _build(token: str | None) -> _Index:
    import numpy as np  # only when a page first names a place

    towns = db.session.scalars(select(Place).where(Place.kind == Kind.TOWN, Place.latitude.is_not(None))).all()
    position = {t.id: i for i, t in enumerate(towns)}
    points: list[tuple[float, float, int]] = [(float(t.latitude or 0), float(t.longitude or 0), i)
                                              for i, t in enumerate(towns)]
    rows = db.session.execute(select(Place.parent_id, Place.latitude, Place.longitude).where(
        Place.kind == Kind.BLOCK, Place.latitude.is_not(None), Place.parent_id.is_not(None))).all()
    points += [(float(lat or 0), float(lon or 0), position[parent]) for parent, lat, lon in rows
               if parent in position]
    grouped: dict[tuple[int, int], list[tuple[float, float, int]]] = {}
    for point in points:
        grouped.setdefault(_cell(point[0], point[1]), []).append(point)
    cells = {cell: (np.array([(p[0], p[1]) for p in members], dtype=float), np.array([p[2] for p in members]))
             for cell, members in grouped.items()}
    cities = sorted({normalize.key(t.city_ja) for t in towns if t.city_ja}, key=len, reverse=True)
    return _Index(token, tuple(_match(t) for t in towns), cells, tuple(cities))


def _index() -> _Index:
    token = _current_token()
    cache = current_app.extensions.setdefault("places_index", {})
    index = cache.get("index")
    if index is None or index.token != token:
        with _lock:
            index = cache.get("index")
            if index is None or index.token != token:
                index = cache["index"] = _build(token)
    return index


def reverse(lat: float | None, lon: float | None) -> Match | None:
    """The town nearest to the point (its nearest town or block point), None beyond REVERSE_MAX_M."""
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    index = _index()
    row, col = _cell(lat, lon)
    best, best_town = math.inf, -1
    scale = math.cos(math.radians(lat))
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            found = index.cells.get((row + dr, col + dc))
            if found is None:
                continue
            points, towns = found
            squared = (points[:, 0] - lat) ** 2 + ((points[:, 1] - lon) * scale) ** 2
            i = int(squared.argmin())
            if squared[i] < best:
                best, best_town = float(squared[i]), int(towns[i])
    if best_town < 0 or math.sqrt(best) * _EARTH_M_PER_DEG > REVERSE_MAX_M:
        return None
    return index.towns[best_town]


def place_name(lat: float | None, lon: float | None, language: str | None = None) -> str | None:
    """「みどり川市西区中町2丁目付近」 for a point, in the current language; None outside the gazetteer."""
    town = reverse(lat, lon)
    if town is None:
        return None
    if language is None:
        return _("near %(place)s", place=town.full_name())
    with force_locale(language):
        return _("near %(place)s", place=town.full_name(language))
