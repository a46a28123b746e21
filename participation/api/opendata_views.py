"""/opendata/: the catalogue page, each dataset as CSV / GeoJSON, the DCAT catalogue and the zip."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_file

from . import opendata
from .datasets import BY_SLUG, DATASETS
from .docs import documented

bp = Blueprint("opendata", __name__, url_prefix="/opendata", template_folder="templates")
FILES = {"csv": "text/csv", "geojson": "application/geo+json"}


def _built():
    return opendata.ensure_built(current_app._get_current_object(), request.host_url)  # type: ignore[attr-defined]


def _send(name: str, mimetype: str, *, download: bool = True):
    path = _built() / name
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=mimetype, as_attachment=download, download_name=name, max_age=3600)
    return response


@bp.get("/")
def index():
    _built()
    return render_template("api/opendata.html", datasets=DATASETS,
                           attribution=opendata.attribution(current_app), license_url=opendata.LICENSE_URL)


@bp.get("/<slug>.<any(csv, geojson):kind>")
@documented("Open data", "One dataset as CSV (UTF-8 with BOM) or GeoJSON, rebuilt daily; CC BY 4.0.",
            media_type="text/csv", schema=None)
def dataset(slug: str, kind: str):
    found = BY_SLUG.get(slug)
    if found is None or (kind == "geojson" and not found.located and slug != "areas"):
        abort(404)
    return _send(f"{slug}.{kind}", FILES[kind], download=kind == "csv")


@bp.get("/data_dictionary.csv")
@documented("Open data", "The data dictionary: every column of every dataset, in Japanese and English.",
            media_type="text/csv")
def dictionary():
    return _send("data_dictionary.csv", FILES["csv"])


@bp.get("/catalog.jsonld")
@documented("Open data", "The DCAT catalogue (JSON-LD, DCAT-AP fields) for CKAN and other harvesters.",
            media_type="application/ld+json", schema="Catalog")
def catalog():
    return _send("catalog.jsonld", "application/ld+json", download=False)


@bp.get("/all.zip")
@documented("Open data", "Every dataset, the dictionary, the catalogue and the licence in one zip.",
            media_type="application/zip")
def archive():
    return _send("all.zip", "application/zip")
