"""A sweep of every public machine-readable output (JSON API, Open311, open data, feeds): hidden
items, e-mail addresses, internal notes and reporters who chose not to be named never appear."""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.issues.models import Area

from .conftest import SECRETS

PREFIXES = ("/api/v1", "/open311/v2", "/opendata", "/feeds")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
ALLOWED_EMAILS: set[str] = set()


def _values(app, world, city) -> dict[str, list[str]]:
    from participation.api.datasets import DATASETS

    with app.app_context():
        area = db.session.scalar(select(Area.id).order_by(Area.id))
    return {"slug": [world["process"]] + [d.slug for d in DATASETS], "issue_id": [str(world["named"])],
            "request_id": [str(world["named"]), str(world["anonymous"])], "proposal_id": [str(world["proposal"])],
            "area_id": [str(area)], "category_id": [str(city["pothole"])], "fmt": ["xml", "json"],
            "kind": ["csv", "geojson"], "code": ["pothole"], "token": ["unknown"]}


def _paths(app, values) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIXES) or "GET" not in rule.methods:
            continue
        expanded = [rule.rule]
        for argument in rule.arguments:
            expanded = [re.sub(rf"<[^>]*\b{argument}>", value, p) for p in expanded for value in values[argument]]
        paths += expanded
    return sorted(set(paths))


def _text(response) -> str:
    body = response.get_data()
    if response.mimetype == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(body))
        return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    text = body.decode("utf-8")
    if response.mimetype == "application/json":
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def test_no_public_output_leaks(app, client, world, city):
    checked = 0
    for path in _paths(app, _values(app, world, city)):
        query = "?lat=35.658&lon=139.7016&radius=2000" if "near" in path else ""
        with client.get(path + query) as response:
            assert response.status_code < 500, path
            if response.status_code != 200:
                continue
            text = _text(response)
        leaks = [s for s in SECRETS if s in text] + [e for e in EMAIL.findall(text) if e not in ALLOWED_EMAILS]
        assert leaks == [], path
        checked += 1
    assert checked >= 30


@pytest.mark.parametrize("body", [
    {"description": "長" * 30_000}, {"description": "a\x00b"},
    {"lat": "1e400", "long": "NaN"}, {"service_code": ["pothole", "graffiti"], "description": ["a", "b"]},
    {"lat": "35.658", "long": "139.7016", "description": "%ff%fe"},
])
def test_open311_bad_bodies_store_nothing(app, client, city, api_key, body):
    from sqlalchemy import func

    from participation.issues.models import Issue

    _id, key = api_key()
    data = {"api_key": key, "service_code": "pothole", "lat": "35.658", "long": "139.7016", **body}
    with app.app_context():
        before = db.session.scalar(select(func.count(Issue.id)))
    response = client.post("/open311/v2/requests.json", data=data)
    assert response.status_code < 500
    with app.app_context():
        after = db.session.scalar(select(func.count(Issue.id)))
    if response.status_code >= 400:
        assert after == before and response.get_json()[0]["description"]
