"""The OpenAPI 3.1 document validates, and describes every API, Open311 and open data route."""
from __future__ import annotations

from openapi_spec_validator import validate

from participation.api.openapi import BLUEPRINTS, openapi_path

UNDOCUMENTED = {"api.docs", "open311.root", "opendata.index"}  # HTML pages and a redirect


def test_the_document_is_valid_openapi_3_1(client):
    with client.get("/api/openapi.json") as response:
        document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_described(app, spec):
    expected = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in BLUEPRINTS and rule.endpoint not in UNDOCUMENTED:
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                expected.add((openapi_path(rule.rule)[0], method.lower()))
    described = {(path, method) for path, ops in spec["paths"].items() for method in ops if method != "parameters"}
    assert expected == described


def test_docs_page_is_rendered_on_the_server(client):
    with client.get("/api/docs?lang=en") as response:
        html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/open311/v2/requests.{fmt}" in html and "/api/v1/issues" in html and "/opendata/catalog.jsonld" in html
    assert "<script" not in html.split("</header>", 1)[-1] and "cdn" not in html.lower()
