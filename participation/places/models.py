"""The gazetteer: towns (大字・町丁目), blocks (街区) and landmarks, with their search keys."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core import clock
from ..core.models import UTCDateTime
from ..core.types import enum_column
from ..extensions import Model

NAME_MAX = 200
KEY_MAX = 200
CITY_MAX = 100
SOURCE_KEY_MAX = 200


class Kind(enum.StrEnum):
    TOWN = "town"  # 大字・町丁目
    BLOCK = "block"  # 街区
    LANDMARK = "landmark"


class Place(Model):
    """One named point. `key`, `kana_key` and `en_key` are normalised (places.normalize) for prefix search;
    `source_key` identifies the row of the imported file, so a second import updates instead of adding."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, "kind"), index=True)
    source_key: Mapped[str] = mapped_column(String(SOURCE_KEY_MAX), unique=True)
    name_ja: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str | None] = mapped_column(String(NAME_MAX))
    kana: Mapped[str | None] = mapped_column(String(NAME_MAX))
    key: Mapped[str] = mapped_column(String(KEY_MAX), index=True)
    kana_key: Mapped[str | None] = mapped_column(String(KEY_MAX), index=True)
    en_key: Mapped[str | None] = mapped_column(String(KEY_MAX), index=True)
    city_ja: Mapped[str] = mapped_column(String(CITY_MAX), default="")  # 市区町村名 with the ward: 「みどり川市西区」
    city_en: Mapped[str | None] = mapped_column(String(CITY_MAX))
    latitude: Mapped[float | None] = mapped_column(Float)  # None until a position file gave it (ABR pos files)
    longitude: Mapped[float | None] = mapped_column(Float)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class PlaceImport(Model):
    """One `flask places import` run. Its random token is the gazetteer's version: the in-process
    index of town points (places.lookup) is rebuilt when the newest token changes."""

    __tablename__ = "place_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
