"""Transport: compressed responses, content-hashed static URLs with long caching, Leaflet only with a map."""
from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
import pytest
from flask import url_for

from participation.core import transport

STATIC = Path(__file__).resolve().parents[2] / "participation" / "core" / "static"


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.mark.parametrize(("accept", "encoding", "decode"), [
    ("gzip", "gzip", gzip.decompress),
    ("gzip, deflate, br", "br", brotli.decompress),
    ("br;q=0.5, gzip;q=1.0", "gzip", gzip.decompress),
])
def test_pages_and_json_are_compressed_when_the_client_accepts_it(client, accept, encoding, decode):
    for path, marker in (("/", b"<html"), ("/api/openapi.json", b'"openapi"')):
        plain = client.get(path)
        response = client.get(path, headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        body = decode(response.data)
        assert marker in body
        assert len(response.data) < len(body) / 2
        if path != "/":  # the home page carries a fresh CSRF token; the JSON is the same document
            assert body == plain.data


@pytest.mark.parametrize("accept", [None, "identity", "deflate"])
def test_nothing_is_compressed_for_clients_that_do_not_accept_it(client, accept):
    headers = {"Accept-Encoding": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.data
    assert "Accept-Encoding" in response.headers["Vary"]  # a cache keeps both variants apart


def test_csv_downloads_are_not_compressed(client):
    response = client.get("/opendata/data_dictionary.csv", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "Content-Encoding" not in response.headers
    assert response.get_data().lstrip(b"\xef\xbb\xbf")[:1] not in (b"\x1f", b"")
    response.close()


def test_static_urls_carry_a_content_hash_and_hashed_requests_are_immutable(client):
    html = client.get("/").get_data(as_text=True)
    css = next(u for u in _static_urls(html) if u.startswith("/static/css/site.css"))
    expected = hashlib.sha256((STATIC / "css" / "site.css").read_bytes()).hexdigest()[:12]
    assert css == f"/static/css/site.css?v={expected}"

    hashed = client.get(css)
    assert hashed.status_code == 200
    assert set(hashed.headers["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}
    hashed.close()
    for stale in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        response = client.get(stale)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        assert "Expires" not in response.headers
        response.close()


def test_static_files_are_compressed_and_revalidate_with_their_etag(client):
    css = next(u for u in _static_urls(client.get("/").get_data(as_text=True)) if "site.css" in u)
    response = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    etag = response.headers["ETag"]
    assert etag.endswith(':gzip"')
    assert gzip.decompress(response.get_data()) == (STATIC / "css" / "site.css").read_bytes()
    response.close()
    again = client.get(css, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    assert "immutable" in again.headers["Cache-Control"]
    again.close()


def test_leaflet_urls_are_hashed_too(client):
    html = client.get("/issues/").get_data(as_text=True)
    leaflet = [u for u in _static_urls(html) if u.startswith("/static/leaflet/leaflet.js")]
    assert leaflet and re.fullmatch(r"/static/leaflet/leaflet\.js\?v=[0-9a-f]{12}", leaflet[0])
    response = client.get(leaflet[0])
    assert "immutable" in response.headers["Cache-Control"]
    response.close()


def test_a_changed_file_gets_a_changed_url(app, tmp_path, monkeypatch):
    (tmp_path / "app.css").write_text("body { color: black }")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    monkeypatch.setitem(app.extensions, "static_hashes", {})
    with app.test_request_context("/"):
        first = url_for("static", filename="app.css")
        assert url_for("static", filename="app.css") == first  # computed once
        assert url_for("static", filename="missing.css") == "/static/missing.css"
    (tmp_path / "app.css").write_text("body { color: navy }")
    monkeypatch.setitem(app.extensions, "static_hashes", {})  # a new process (a deployment)
    with app.test_request_context("/"):
        second = url_for("static", filename="app.css")
    assert first != second
    assert second == "/static/app.css?v=" + hashlib.sha256(b"body { color: navy }").hexdigest()[:12]
    assert transport.static_hash(app, "static", "../secret_key") is None


def test_leaflet_loads_only_on_pages_that_show_a_map(client, make_process):
    process = make_process()
    for path in ("/", f"/processes/{process.slug}/", "/auth/login"):
        html = client.get(path).get_data(as_text=True)
        assert "leaflet" not in html, path
        assert "map.js" not in html, path
    issues = client.get("/issues/").get_data(as_text=True)
    assert 'src="/static/leaflet/leaflet.js?v=' in issues
    assert 'href="/static/leaflet/leaflet.css?v=' in issues
    # The proposal list's map is collapsed: Leaflet is not in the page, only the loader that
    # fetches it when the map is opened.
    proposals = client.get(f"/processes/{process.slug}/proposals/").get_data(as_text=True)
    assert '<script src="/static/leaflet' not in proposals
    assert '<link rel="stylesheet" href="/static/leaflet' not in proposals
    loader = re.search(r'<script src="/static/js/map-on-open\.js\?v=[0-9a-f]{12}"[^>]*'
                       r'data-scripts="(/static/leaflet/leaflet\.js\?v=\w+) (/static/js/map\.js\?v=\w+)"',
                       proposals)
    assert loader, "the collapsed map has no loader"


def test_compression_can_be_left_to_a_reverse_proxy(backend_app, monkeypatch):
    from participation import create_app
    from participation.core import jobs

    from ..conftest import make_config

    monkeypatch.setitem(jobs._state, "app", jobs._state["app"])  # the suite's app stays the jobs' app
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=backend_app.config["SQLALCHEMY_DATABASE_URI"],
                                 COMPRESS_REGISTER=False))
    client = app.test_client()
    response = client.get("/api/openapi.json", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    css = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in css.headers
    css.close()
    from participation.extensions import db

    with app.app_context():
        db.engine.dispose()
