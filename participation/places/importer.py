"""`flask places import FILE`: the Address Base Registry (ABR) and MLIT 位置参照情報 CSVs, and landmarks.

The format is recognised from the header row:

- ABR 町字 (mt_town_*): lg_code, machiaza_id, city, ward, oaza_cho, chome, koaza (+ _kana, _roma),
  with rep_lat/rep_lon when the 位置参照拡張 columns are joined in;
- ABR 住居表示-街区 (mt_rsdtdsp_blk_*): lg_code, machiaza_id, blk_id, blk_num (+ rep_lat/rep_lon);
- ABR 位置参照拡張 alone (mt_town_pos_*, mt_rsdtdsp_blk_pos_*): lg_code, machiaza_id[, blk_id],
  rep_lon, rep_lat: sets the point of towns/blocks imported before from the master file;
- MLIT 大字・町丁目レベル: 都道府県名, 市区町村名, 大字町丁目コード, 大字町丁目名, 緯度, 経度;
- MLIT 街区レベル: 都道府県名, 市区町村名, 大字・丁目名, 小字・通称名, 街区符号・地番, 緯度, 経度,
  代表フラグ (the representative row of a block wins; towns missing from the 町丁目 file are added at
  the mean of their blocks);
- landmarks: name_ja, name_en, kana, lat, lon.

UTF-8 with or without BOM, or Shift_JIS (cp932, as MLIT ships it). Rows are matched on a source
key, so importing the same file again updates instead of adding.
"""
from __future__ import annotations

import csv
import io
import math
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import InvalidInput
from ..extensions import db
from . import normalize
from .models import CITY_MAX, NAME_MAX, Kind, Place, PlaceImport

FORMATS = ("abr_town", "abr_block", "abr_town_pos", "abr_block_pos", "mlit_town", "mlit_block", "landmarks")

# Header spellings: the ABR column names, with the Japanese headers of its older CSVs.
_ALIASES = {"代表点_緯度": "rep_lat", "代表点_経度": "rep_lon", "全国地方公共団体コード": "lg_code",
            "町字id": "machiaza_id", "町字ID": "machiaza_id", "大字・町名": "oaza_cho", "丁目名": "chome",
            "小字名": "koaza", "政令市区名": "ward", "街区id": "blk_id", "街区ID": "blk_id", "街区符号": "blk_num",
            "大字・町名_カナ": "oaza_cho_kana", "大字・町名_英字": "oaza_cho_roma", "丁目名_数字": "chome_number",
            "大字_丁目名": "大字・丁目名", "街区符号_地番": "街区符号・地番", "大字_町丁目名": "大字町丁目名",
            "代表点_緯度_": "rep_lat"}


@dataclass
class Result:
    format: str
    created: int = 0
    updated: int = 0
    skipped: int = 0
    towns_added: int = 0
    problems: list[str] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS (cp932)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp932")
    except UnicodeDecodeError:
        raise InvalidInput(_l("The file is neither UTF-8 nor Shift_JIS text.")) from None


def detect(header: list[str]) -> str:
    columns = set(header)
    if "街区符号・地番" in columns:
        return "mlit_block"
    if "大字町丁目名" in columns:
        return "mlit_town"
    if "machiaza_id" in columns:
        if "blk_num" in columns:
            return "abr_block"
        if "oaza_cho" in columns or "chome" in columns or "koaza" in columns:
            return "abr_town"
        if "rep_lat" in columns:
            return "abr_block_pos" if "blk_id" in columns else "abr_town_pos"
    if {"name_ja", "lat", "lon"} <= columns:
        return "landmarks"
    raise InvalidInput(_l("Line 1: this header is not one of an Address Base Registry town or block file, "
                          "an MLIT 位置参照情報 file or a landmarks file (name_ja, name_en, kana, lat, lon)."))


def _rows(text: str) -> tuple[str, Iterator[tuple[int, dict[str, str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_ALIASES.get(h.strip(), h.strip()) for h in next(reader)]
    except StopIteration:
        raise InvalidInput(_l("The file is empty.")) from None
    kind = detect(header)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            yield reader.line_num, {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}

    return kind, rows()


def _point(line: int, row: dict[str, str], lat_name: str, lon_name: str,
           required: bool = True) -> tuple[float | None, float | None]:
    raw_lat, raw_lon = row.get(lat_name, ""), row.get(lon_name, "")
    if not raw_lat and not raw_lon and not required:
        return None, None
    try:
        lat, lon = float(raw_lat), float(raw_lon)
    except ValueError:
        raise InvalidInput(_l("Line %(line)d: the latitude and longitude must be numbers (%(lat)s, %(lon)s).",
                              line=line, lat=raw_lat[:30], lon=raw_lon[:30])) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(_l("Line %(line)d: the latitude and longitude are out of range.", line=line))
    return lat, lon


def _need(line: int, row: dict[str, str], *names: str) -> None:
    for name in names:
        if not row.get(name):
            raise InvalidInput(_l("Line %(line)d: the column %(column)s is empty.", line=line, column=name))


def _roma_city(row: dict[str, str]) -> str | None:
    parts = [row.get("ward_roma", ""), row.get("city_roma", "")]
    return ", ".join(p for p in parts if p) or None


def _chome_en(row: dict[str, str]) -> str:
    number = row.get("chome_number", "")
    return f" {int(number)}-chome" if number.isdecimal() and int(number) else ""


class _Writer:
    """Upserts by source key; existing rows of the file's kinds are loaded once."""

    def __init__(self, result: Result):
        self.result = result
        self.cache: dict[str, Place] = {}

    def load(self, prefix: str) -> None:
        for place in db.session.scalars(select(Place).where(Place.source_key.like(prefix + "%"))):
            self.cache[place.source_key] = place

    def put(self, source_key: str, kind: Kind, **values: Any) -> Place:
        place = self.cache.get(source_key)
        if place is None:
            place = Place(source_key=source_key, kind=kind)
            db.session.add(place)
            self.cache[source_key] = place
            self.result.created += 1
        else:
            self.result.updated += 1
        values["name_ja"] = values["name_ja"][:NAME_MAX]
        values["city_ja"] = (values.get("city_ja") or "")[:CITY_MAX]
        values["key"] = normalize.key(values["name_ja"])[:NAME_MAX]
        if values.get("kana") is not None:
            values["kana_key"] = normalize.key(values["kana"])[:NAME_MAX] or None
        if values.get("name_en") is not None:
            values["en_key"] = normalize.en_key(values["name_en"])[:NAME_MAX] or None
        for name, value in values.items():
            setattr(place, name, value)
        return place


def _abr_town(rows, writer: _Writer) -> None:
    writer.load("abr:")
    for line, row in rows:
        _need(line, row, "lg_code", "machiaza_id")
        name = row.get("oaza_cho", "") + row.get("chome", "") + row.get("koaza", "")
        if not name:
            raise InvalidInput(_l("Line %(line)d: the town has no name (oaza_cho, chome, koaza).", line=line))
        lat, lon = _point(line, row, "rep_lat", "rep_lon", required=False)
        roma = row.get("oaza_cho_roma") or row.get("koaza_roma")
        number = row.get("chome_number", "")
        chome_kana = str(int(number)) if number.isdecimal() and int(number) else ""
        values: dict[str, Any] = dict(
            name_ja=name, name_en=(roma + _chome_en(row)) if roma else None,
            kana=((row.get("oaza_cho_kana") or row.get("koaza_kana") or "") + chome_kana) or None,
            city_ja=row.get("county", "") + row.get("city", "") + row.get("ward", ""), city_en=_roma_city(row))
        if lat is not None:
            values.update(latitude=lat, longitude=lon)
        writer.put(f"abr:{row['lg_code']}:{row['machiaza_id']}", Kind.TOWN, **values)


def _abr_block(rows, writer: _Writer) -> None:
    writer.load("abr:")
    for line, row in rows:
        _need(line, row, "lg_code", "machiaza_id", "blk_num")
        town = writer.cache.get(f"abr:{row['lg_code']}:{row['machiaza_id']}")
        if town is None:
            raise InvalidInput(_l("Line %(line)d: town %(town)s is not in the gazetteer: import the town file "
                                  "first.", line=line, town=f"{row['lg_code']}:{row['machiaza_id']}"))
        lat, lon = _point(line, row, "rep_lat", "rep_lon", required=False)
        block_id = row.get("blk_id") or row["blk_num"]
        values: dict[str, Any] = dict(
            name_ja=f"{town.name_ja}{row['blk_num']}番", name_en=f"{town.name_en} {row['blk_num']}" if town.name_en
            else None, kana=f"{town.kana}-{row['blk_num']}" if town.kana else None, city_ja=town.city_ja,
            city_en=town.city_en, parent_id=town.id)
        if lat is not None:
            values.update(latitude=lat, longitude=lon)
        if town.id is None:
            db.session.flush()
            values["parent_id"] = town.id
        writer.put(f"abr:{row['lg_code']}:{row['machiaza_id']}:{block_id}", Kind.BLOCK, **values)


def _abr_pos(rows, writer: _Writer, blocks: bool) -> None:
    writer.load("abr:")
    for line, row in rows:
        _need(line, row, "lg_code", "machiaza_id", *(["blk_id"] if blocks else []))
        source = f"abr:{row['lg_code']}:{row['machiaza_id']}" + (f":{row['blk_id']}" if blocks else "")
        place = writer.cache.get(source)
        if place is None:
            writer.result.skipped += 1  # a position for a row the master file did not have (abolished)
            continue
        place.latitude, place.longitude = _point(line, row, "rep_lat", "rep_lon")
        writer.result.updated += 1


def _mlit_town(rows, writer: _Writer) -> None:
    writer.load("mlit:")
    for line, row in rows:
        _need(line, row, "市区町村名", "大字町丁目名")
        lat, lon = _point(line, row, "緯度", "経度")
        city = row["市区町村名"]
        writer.put(f"mlit:{city}:{row['大字町丁目名']}", Kind.TOWN, name_ja=row["大字町丁目名"], city_ja=city,
                   latitude=lat, longitude=lon)


def _mlit_block(rows, writer: _Writer) -> None:
    writer.load("mlit:")
    chosen: dict[str, tuple[int, dict[str, str], float, float]] = {}
    for line, row in rows:
        _need(line, row, "市区町村名", "大字・丁目名", "街区符号・地番")
        lat, lon = _point(line, row, "緯度", "経度")
        town_name = row["大字・丁目名"] + row.get("小字・通称名", "")
        source = f"mlit:{row['市区町村名']}:{town_name}:{row['街区符号・地番']}"
        if source not in chosen or row.get("代表フラグ") == "1":
            chosen[source] = (line, row, lat, lon)  # type: ignore[assignment]
    new_towns: dict[str, list[tuple[float, float]]] = {}
    for source, (_line, row, lat, lon) in chosen.items():
        city, town_name = row["市区町村名"], row["大字・丁目名"] + row.get("小字・通称名", "")
        town_source = f"mlit:{city}:{town_name}"
        town = writer.cache.get(town_source)
        if town is None or town_source in new_towns:
            if town is None:
                town = writer.put(town_source, Kind.TOWN, name_ja=town_name, city_ja=city, latitude=lat, longitude=lon)
                writer.result.created -= 1
                writer.result.towns_added += 1
            new_towns.setdefault(town_source, []).append((lat, lon))
        if town.id is None:
            db.session.flush()
        number = row["街区符号・地番"]
        writer.put(source, Kind.BLOCK, name_ja=f"{town_name}{number}番" if number.isdecimal() else town_name + number,
                   city_ja=city, latitude=lat, longitude=lon, parent_id=town.id)
    for town_source, points in new_towns.items():  # a town only the block file names: the mean of its blocks
        town = writer.cache[town_source]
        town.latitude = sum(p[0] for p in points) / len(points)
        town.longitude = sum(p[1] for p in points) / len(points)


def _landmarks(rows, writer: _Writer) -> None:
    writer.load("landmark:")
    for line, row in rows:
        _need(line, row, "name_ja")
        lat, lon = _point(line, row, "lat", "lon")
        writer.put(f"landmark:{row['name_ja']}", Kind.LANDMARK, name_ja=row["name_ja"],
                   name_en=row.get("name_en") or None, kana=row.get("kana") or None,
                   city_ja=row.get("city", ""), latitude=lat, longitude=lon)


def import_file(raw: bytes, filename: str) -> Result:
    """Read one gazetteer CSV into the places table (flushes; the CLI commits)."""
    kind, rows = _rows(decode(raw))
    result = Result(format=kind)
    writer = _Writer(result)
    with db.session.no_autoflush:
        if kind == "abr_town":
            _abr_town(rows, writer)
        elif kind == "abr_block":
            _abr_block(rows, writer)
        elif kind in ("abr_town_pos", "abr_block_pos"):
            _abr_pos(rows, writer, blocks=kind == "abr_block_pos")
        elif kind == "mlit_town":
            _mlit_town(rows, writer)
        elif kind == "mlit_block":
            _mlit_block(rows, writer)
        else:
            _landmarks(rows, writer)
    db.session.add(PlaceImport(token=secrets.token_hex(16), filename=filename[-255:], format=kind,
                               rows=result.created + result.updated))
    db.session.flush()
    return result
