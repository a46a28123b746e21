from __future__ import annotations

from pathlib import Path

import pytest

from participation.extensions import db
from participation.places.importer import import_file

DATA = Path(__file__).parent / "data"


def load(*names: str):
    results = [import_file((DATA / name).read_bytes(), name) for name in names]
    db.session.flush()
    return results


@pytest.fixture
def gazetteer(app):
    """The fixture towns, blocks and landmarks of every format, committed (inside the test's transaction)."""
    with app.app_context():
        load("abr_towns.csv", "abr_blocks.csv", "abr_towns_nopos.csv", "abr_town_pos.csv", "mlit_towns.csv",
             "mlit_blocks.csv", "landmarks.csv")
        db.session.commit()
