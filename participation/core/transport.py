"""How responses travel: compression (gzip, brotli) and content-hashed static URLs.

Compression runs inside the app (Flask-Compress), so the embedded default (`make run`, the development
server) and gunicorn without a proxy send compressed HTML, JSON, GeoJSON, CSS, JS and SVG to clients that
accept it; behind a reverse proxy that compresses itself, `COMPRESS_RESPONSES=0` turns it off here.
CSV downloads are never compressed (not in `COMPRESS_MIMETYPES`) and no streamed response is
(`COMPRESS_STREAMS = False`: streamed exports stay streamed, files stay closed). Static files are
compressed whole, once per file, hash and encoding per process, here. Every response varies on
Accept-Encoding; a compressed response's strong ETag gets the encoding appended (`"…:br"`), so a
cache never serves the gzip body to a brotli client, and If-None-Match still answers 304.

`url_for("static", filename=...)` (and Leaflet's `core.leaflet_static`) gets `?v=<hash of the file's
content>`, computed once per file per process (re-checked on change in debug mode). A request with
the current hash is cacheable for a year (`public, max-age=31536000, immutable`); any other request
for a static file (no hash, an old hash) is `no-cache`: revalidated with its ETag on every use.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

IMMUTABLE_MAX_AGE = 31536000  # one year
HASH_ARG = "v"
# Compressed when the client accepts it: pages, JSON and GeoJSON, feeds, CSS, JS, SVG, fonts.
COMPRESSED_TYPES = [
    "text/html", "text/css", "text/plain", "text/xml", "text/javascript", "application/javascript",
    "application/json", "application/geo+json", "application/ld+json", "application/xml",
    "application/atom+xml", "application/rss+xml", "application/manifest+json", "image/svg+xml",
    "text/calendar",
]
COMPRESS_DEFAULTS: dict[str, Any] = {
    "COMPRESS_MIMETYPES": COMPRESSED_TYPES,
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
    "COMPRESS_BR_LEVEL": 4,  # brotli 4 is about as fast as gzip 6 and smaller
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_STREAMS": False,
}
_STATIC_ENDPOINTS = ("static", "core.leaflet_static")


def init_app(app: Flask) -> None:
    from flask_compress import Compress

    for key, value in COMPRESS_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("COMPRESS_REGISTER",
                          os.environ.get("COMPRESS_RESPONSES", "1").strip().lower() not in {"0", "false", "no", "off"})
    app.extensions["static_hashes"] = {}
    app.url_defaults(_add_static_hash)
    # after_request hooks run in reverse order: called before every other hook is registered (from
    # create_app), compression runs last, on the final body and headers.
    Compress().init_app(app)
    app.extensions["static_compressed"] = {}
    app.after_request(_compress_static)
    app.after_request(_static_cache_headers)


def _static_directory(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    import xstatic.pkg.leaflet as leaflet

    return str(leaflet.BASE_DIR)


def static_hash(app: Flask, endpoint: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None when there is no such file."""
    cache: dict[tuple[str, str], tuple[int, str | None]] = app.extensions["static_hashes"]
    key = (endpoint, filename)
    known = cache.get(key)
    if known is not None and not app.debug:
        return known[1]
    directory = _static_directory(app, endpoint)
    path = safe_join(directory, filename) if directory else None
    try:
        stamp = os.stat(path).st_mtime_ns if path else -1
    except OSError:
        stamp = -1
    if known is not None and known[0] == stamp:
        return known[1]
    digest: str | None = None
    if path and stamp != -1:
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()[:12]
    cache[key] = (stamp, digest)
    return digest


def _add_static_hash(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint in _STATIC_ENDPOINTS and "filename" in values and HASH_ARG not in values:
        digest = static_hash(current_app._get_current_object(), endpoint,  # type: ignore[attr-defined]
                             values["filename"])
        if digest:
            values[HASH_ARG] = digest


def _static_cache_headers(response: Response) -> Response:
    if request.endpoint not in _STATIC_ENDPOINTS or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    wanted = request.args.get(HASH_ARG)
    cache = response.cache_control
    if wanted and wanted == static_hash(current_app._get_current_object(),  # type: ignore[attr-defined]
                                        request.endpoint, filename):
        cache.public = True
        cache.max_age = IMMUTABLE_MAX_AGE
        cache.immutable = True
        cache.no_cache = None
    else:
        cache.no_cache = True
        cache.max_age = None
        cache.public = False
        response.headers.pop("Expires", None)
    return response


def _compress_static(response: Response) -> Response:
    """A static file (streamed from disk) sent compressed: read whole, compressed once per process."""
    if (request.endpoint not in _STATIC_ENDPOINTS or response.status_code != 200
            or "Content-Encoding" in response.headers):
        return response
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["COMPRESS_REGISTER"] or response.mimetype not in app.config["COMPRESS_MIMETYPES"]:
        return response
    from flask_compress.flask_compress import _choose_algorithm, _compress_data

    algorithm = _choose_algorithm(tuple(app.config["COMPRESS_ALGORITHM"]),
                                  request.headers.get("Accept-Encoding", ""))
    filename = (request.view_args or {}).get("filename", "")
    digest = static_hash(app, request.endpoint, filename)
    if algorithm is None or digest is None:
        return response
    cache: dict[tuple[str, str, str, str], bytes] = app.extensions["static_compressed"]
    key = (request.endpoint, filename, digest, algorithm)
    body = cache.get(key)
    if body is None:
        response.direct_passthrough = False
        body = cache[key] = _compress_data(app, response.get_data(), algorithm)
    response.close()  # the open file
    response.response = [body]
    response.direct_passthrough = False
    response.headers["Content-Encoding"] = algorithm
    response.headers["Content-Length"] = str(len(body))
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}:{algorithm}")
    response.make_conditional(request)
    return response
