"""Builds the open data files: one CSV per dataset (UTF-8 with BOM, formula guard), GeoJSON where
located, the data dictionary, the DCAT catalogue (JSON-LD, DCAT-AP fields, harvestable by CKAN's
ckanext-dcat RDF harvester) and a zip of everything, under CC BY 4.0.

A build goes into a directory per day (the city's date) and is replaced atomically, so a page never
costs in proportion to a table: downloads are files. The first request of the day builds it (until
the daily job does), and `flask opendata build` builds it on demand.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from flask import Flask

from ..core import clock, site
from ..processes.models import city_today
from .csvout import write_csv
from .datasets import DATASETS, Dataset, area_features

LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
MEDIA = {"csv": ("text/csv", "CSV"), "geojson": ("application/geo+json", "GeoJSON"),
         "zip": ("application/zip", "ZIP"), "jsonld": ("application/ld+json", "JSON-LD")}
GEOJSON_START, GEOJSON_END = '{"type": "FeatureCollection", "features": [', "\n]}\n"
PERMALINK = {"issues": "/issues/{id}", "proposals": "/proposals/{id}", "meetings": "/meetings/{id}"}


def root_dir(app: Flask) -> Path:
    return Path(app.config.get("OPENDATA_DIR") or os.path.join(app.instance_path, "opendata"))


def today_dir(app: Flask) -> Path:
    return root_dir(app) / city_today().isoformat()


def attribution(app: Flask) -> dict[str, str]:
    city = site.get("CITY_NAME")
    return {"ja": f"出典：{city.get('ja', '')}「市民参加プラットフォーム」オープンデータ（CC BY 4.0）",
            "en": f"Source: {city.get('en', '')} participation platform open data (CC BY 4.0)"}


def ensure_built(app: Flask, base_url: str) -> Path:
    target = today_dir(app)
    if not (target / "catalog.jsonld").exists():
        build(app, base_url)
    return target


def build(app: Flask, base_url: str) -> Path:
    """Write today's files into a fresh directory, then move it into place (atomically)."""
    base_url = (app.config.get("PUBLIC_BASE_URL") or base_url).rstrip("/")
    target = today_dir(app)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        issued = {d.slug: _write_dataset(work, d, base_url) for d in DATASETS}
        _write_geojson(work / "areas.geojson", area_features())
        _write_dictionary(work / "data_dictionary.csv")
        (work / "LICENSE.txt").write_text(_license_text(app), encoding="utf-8")
        catalog = catalog_document(app, base_url, issued, sizes={p.name: p.stat().st_size for p in work.iterdir()})
        (work / "catalog.jsonld").write_text(json.dumps(catalog, ensure_ascii=False, indent=1), encoding="utf-8")
        with zipfile.ZipFile(work / "all.zip.part", "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(work.iterdir()):
                if path.suffix != ".part":
                    archive.write(path, path.name)
        os.replace(work / "all.zip.part", work / "all.zip")
        old = None
        if target.exists():
            old = target.with_name(f".old-{target.name}-{os.getpid()}-{clock.now().timestamp()}")
            os.replace(target, old)
        os.replace(work, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except FileExistsError:  # pragma: no cover - another worker finished the same build first
        shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    for stale in target.parent.iterdir():  # keep today's build only
        if stale.name != target.name and not stale.name.startswith(".build-"):
            shutil.rmtree(stale, ignore_errors=True)
    return target


def _write_dataset(work: Path, dataset: Dataset, base_url: str) -> str | None:
    """The CSV (and GeoJSON when located); returns the first row's creation time (the issue date)."""
    header = [c.name for c in dataset.columns]
    first: dict[str, Any] = {}

    def rows():
        for row in dataset.rows():
            if not first and "created_at" in header:
                first["created_at"] = row[header.index("created_at")]
            yield row

    if not dataset.located:
        with open(work / f"{dataset.slug}.csv", "w", encoding="utf-8", newline="") as out:
            write_csv(out, header, rows())
        return first.get("created_at")
    lat, lon = header.index("latitude"), header.index("longitude")
    with open(work / f"{dataset.slug}.csv", "w", encoding="utf-8", newline="") as out, \
            open(work / f"{dataset.slug}.geojson", "w", encoding="utf-8") as geo:
        geo.write(GEOJSON_START)
        count = [0]

        def located_rows():
            for row in rows():
                if row[lat] is not None and row[lon] is not None:
                    feature = _feature(dataset, header, row, lat, lon, base_url)
                    geo.write(("," if count[0] else "") + "\n" + json.dumps(feature, ensure_ascii=False))
                    count[0] += 1
                yield row

        write_csv(out, header, located_rows())
        geo.write(GEOJSON_END)
    return first.get("created_at")


def _feature(dataset: Dataset, header: list[str], row: tuple, lat: int, lon: int, base_url: str) -> dict:
    properties = {name: value for name, value in zip(header, row, strict=True) if name not in ("latitude", "longitude")}
    if dataset.slug in PERMALINK:
        properties["url"] = base_url + PERMALINK[dataset.slug].format(id=row[0])
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [row[lon], row[lat]]},
            "properties": properties}


def _write_geojson(path: Path, features) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(GEOJSON_START)
        for n, feature in enumerate(features):
            out.write(("," if n else "") + "\n" + json.dumps(feature, ensure_ascii=False))
        out.write(GEOJSON_END)


def _write_dictionary(path: Path) -> None:
    rows = [(d.slug, c.name, c.ja, c.en) for d in DATASETS for c in d.columns]
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_csv(out, ["dataset", "column", "description_ja", "description_en"], rows)


def _license_text(app: Flask) -> str:
    credit = attribution(app)
    return (f"{credit['ja']}\n{credit['en']}\n\nクリエイティブ・コモンズ 表示 4.0 国際 / "
            f"Creative Commons Attribution 4.0 International\n{LICENSE_URL}\n")


def _texts(value: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": text, "@language": lang} for lang, text in value.items() if text]


def catalog_document(app: Flask, base_url: str, issued: dict[str, str | None], sizes: dict[str, int]) -> dict:
    city = site.get("CITY_NAME")
    home = f"{base_url}/opendata/"
    modified = {"@value": city_today().isoformat(), "@type": "xsd:date"}
    publisher = {"@id": f"{base_url}/#publisher", "@type": "foaf:Agent", "foaf:name": _texts(city)}
    license_ = {"@id": LICENSE_URL}

    def distribution(name: str, kind: str) -> dict[str, Any]:
        media, label = MEDIA[kind]
        entry = {"@id": f"{home}{name}", "@type": "dcat:Distribution", "dct:title": f"{name} ({label})",
                 "dct:format": label, "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
                 "dcat:accessURL": {"@id": f"{home}{name}"}, "dcat:downloadURL": {"@id": f"{home}{name}"},
                 "dct:license": license_, "dct:modified": modified}
        if name in sizes:
            entry["dcat:byteSize"] = {"@value": str(sizes[name]), "@type": "xsd:decimal"}
        return entry

    datasets = []
    for d in DATASETS:
        kinds = [("csv", f"{d.slug}.csv")] + ([("geojson", f"{d.slug}.geojson")] if d.located else [])
        if d.slug == "areas":
            kinds.append(("geojson", "areas.geojson"))
        entry: dict[str, Any] = {
            "@id": f"{home}#{d.slug}", "@type": "dcat:Dataset", "dct:identifier": d.slug,
            "dct:title": _texts(d.title), "dct:description": _texts(d.description), "dct:publisher": publisher,
            "dct:license": license_, "dct:rights": _texts(attribution(app)), "dct:modified": modified,
            "dct:language": [{"@id": "http://publications.europa.eu/resource/authority/language/JPN"}],
            "dcat:keyword": _texts({"ja": d.title["ja"]}) + _texts({"en": d.title["en"]}),
            "dcat:landingPage": {"@id": f"{home}#{d.slug}"},
            "dcat:distribution": [distribution(name, kind) for kind, name in kinds]}
        if issued.get(d.slug):
            entry["dct:issued"] = {"@value": str(issued[d.slug])[:10], "@type": "xsd:date"}
        datasets.append(entry)
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/", "xsd": "http://www.w3.org/2001/XMLSchema#"},
        "@id": f"{home}catalog.jsonld", "@type": "dcat:Catalog",
        "dct:title": _texts({"ja": f"{city.get('ja', '')} 市民参加オープンデータ",
                             "en": f"{city.get('en', '')} participation open data"}),
        "dct:description": _texts({"ja": "市民参加プラットフォームの公開データ（提案、通報、回答など）。",
                                   "en": "Public data of the participation platform (proposals, street issues, "
                                         "answers, ...)."}),
        "dct:publisher": publisher, "dct:license": license_, "dct:modified": modified,
        "foaf:homepage": {"@id": home},
        "dcat:distribution": [distribution("all.zip", "zip")],
        "dcat:dataset": datasets,
    }
