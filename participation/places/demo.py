"""The demo gazetteer: fictional towns (中町1〜3丁目 …), blocks and landmarks inside the demo wards.

The files are in the formats a city imports (Address Base Registry towns and blocks, landmarks), so
`flask seed-demo` goes through the same importer as `flask places import`.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from .importer import import_file
from .models import Place

DATA = Path(__file__).parent / "data"
FILES = ("demo_abr_towns.csv", "demo_abr_blocks.csv", "demo_landmarks.csv")


def seed() -> str | None:
    if db.session.scalar(select(Place.id).where(Place.source_key.like("abr:999015:%")).limit(1)) is not None:
        return None
    created = sum(import_file((DATA / name).read_bytes(), name).created for name in FILES)
    return f"Gazetteer: {created} demo towns, blocks and landmarks."
