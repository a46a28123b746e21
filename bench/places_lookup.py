"""Gazetteer look-ups at city scale: building the reverse index and answering reverse() and search().

    .venv/bin/python bench/places_lookup.py [towns] [blocks per town]

A temporary SQLite database gets `towns` towns with `blocks` blocks each (default 2,000 × 25 =
50,000 blocks, a large city); prints the index build time, reverse() per call and search() per call.
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time


def main(towns: int = 2000, blocks: int = 25) -> None:
    tmp = tempfile.mkdtemp()
    os.environ["PARTICIPATION_INSTANCE_PATH"] = tmp
    from flask_migrate import upgrade

    from participation import create_app
    from participation.config import Config
    from participation.extensions import db
    from participation.places import lookup
    from participation.places.models import Kind, Place, PlaceImport

    app = create_app(type("Bench", (Config,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                                               "SECRET_KEY": "bench"}))
    rng = random.Random(1)
    with app.app_context():
        upgrade()
        for t in range(towns):
            lat, lon = 35.6 + rng.random() * 0.2, 139.6 + rng.random() * 0.25
            town = Place(kind=Kind.TOWN, source_key=f"t{t}", name_ja=f"町{t}丁目", key=f"町{t}", city_ja="市",
                         latitude=lat, longitude=lon)
            db.session.add(town)
            db.session.flush()
            db.session.add_all([Place(kind=Kind.BLOCK, source_key=f"t{t}:{b}", name_ja=f"町{t}丁目{b}番",
                                      key=f"町{t}-{b}", city_ja="市", parent_id=town.id,
                                      latitude=lat + rng.uniform(-0.002, 0.002),
                                      longitude=lon + rng.uniform(-0.002, 0.002)) for b in range(1, blocks + 1)])
        db.session.add(PlaceImport(token="bench", filename="bench", format="bench", rows=0))
        db.session.commit()
        import numpy  # noqa: F401  (imported by the app anyway; not part of the build)

        start = time.perf_counter()
        lookup.reverse(35.7, 139.7)
        build = time.perf_counter() - start
        points = [(35.6 + rng.random() * 0.2, 139.6 + rng.random() * 0.25) for _ in range(10_000)]
        start = time.perf_counter()
        with app.test_request_context("/"):  # as on a page: the import token is read once per request
            for lat, lon in points:
                lookup.reverse(lat, lon)
        per_reverse = (time.perf_counter() - start) / len(points)
        queries = [f"町{rng.randrange(towns)}-{rng.randrange(1, blocks)}" for _ in range(300)]
        start = time.perf_counter()
        with app.test_request_context("/"):
            for q in queries:
                lookup.search(q)
        per_search = (time.perf_counter() - start) / len(queries)
    print(f"{towns} towns, {towns * blocks} blocks: index built in {build * 1000:.0f} ms; "
          f"reverse() {per_reverse * 1e6:.0f} µs per point; "
          f"search() {per_search * 1000:.1f} ms per query")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
