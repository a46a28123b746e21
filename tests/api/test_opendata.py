"""Open data: CSV with BOM and the formula guard, GeoJSON, the zip matches the catalogue, the DCAT
JSON-LD parses as RDF the way CKAN's ckanext-dcat reads it, and nothing private appears anywhere."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from participation.api.csvout import guard
from participation.api.datasets import DATASETS

from .conftest import SECRETS

CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


def get(client, path):
    with client.get(path) as response:
        response.body = response.get_data()
        return response


def rows(client, slug):
    response = get(client, f"/opendata/{slug}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize(("value", "expected"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+81", "'+81"), ("-1", "'-1"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("普通の文", "普通の文"), (-3, -3), (2.5, 2.5), (None, ""), (True, "true")])
def test_the_csv_guard(value, expected):
    assert guard(value) == expected


def test_issue_csv_has_every_documented_column_and_the_guard(client, world):
    found = {int(r["id"]): r for r in rows(client, "issues")}
    assert set(found) == {world["named"], world["anonymous"]}
    assert found[world["anonymous"]]["details"] == "'=HYPERLINK(\"http://evil\")"
    assert found[world["anonymous"]]["reporter"] == "" and found[world["named"]]["reporter"] == "公開の通報者"
    assert found[world["named"]]["department_ja"] == "道路課" and found[world["named"]]["status_group"] == "open"
    issues = next(d for d in DATASETS if d.slug == "issues")
    assert list(found[world["named"]]) == [c.name for c in issues.columns]
    history = rows(client, "issue_updates")
    assert [h["text"] for h in history] == ["確認しました。"]


def test_proposal_datasets_hold_public_content_only(client, world):
    assert [r["title"] for r in rows(client, "proposals")] == ["木陰のベンチ"]
    assert [r["text"] for r in rows(client, "answers")] == ["実施します。"]
    assert [r["body"] for r in rows(client, "comments")] == ["賛成です"]
    assert [r["slug"] for r in rows(client, "processes")] == ["park"]


def test_geojson_where_located(client, world):
    issues = json.loads(get(client, "/opendata/issues.geojson").body)
    assert issues["type"] == "FeatureCollection"
    named = next(f for f in issues["features"] if f["properties"]["id"] == world["named"])
    assert named["geometry"]["type"] == "Point" and named["properties"]["url"].endswith(f"/issues/{world['named']}")
    assert named["properties"]["metoo_count"] == 0 and named["properties"]["category_ja"] == "道路の穴"
    areas = json.loads(get(client, "/opendata/areas.geojson").body)
    assert {f["properties"]["code"] for f in areas["features"]} == {"kita", "higashi", "minami", "nishi"}
    assert get(client, "/opendata/comments.geojson").status_code == 404
    assert get(client, "/opendata/nothing.csv").status_code == 404


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib's parser
def test_the_catalogue_is_dcat_that_ckan_can_harvest(client, world):
    response = get(client, "/opendata/catalog.jsonld")
    assert response.mimetype == "application/ld+json"
    graph = Graph().parse(data=response.body, format="json-ld")
    [catalog] = list(graph.subjects(RDF.type, DCAT.Catalog))
    datasets = list(graph.objects(catalog, DCAT.dataset))
    assert len(datasets) == len(DATASETS)
    for dataset in datasets:
        assert graph.value(dataset, RDF.type) == DCAT.Dataset
        assert {t.language for t in graph.objects(dataset, DCTERMS.title)} == {"ja", "en"}
        assert graph.value(dataset, DCTERMS.license) == CC_BY and graph.value(dataset, DCTERMS.publisher)
        assert graph.value(dataset, DCTERMS.modified) is not None
        for distribution in graph.objects(dataset, DCAT.distribution):
            assert graph.value(distribution, DCAT.mediaType) and graph.value(distribution, DCAT.downloadURL)
    issues = next(d for d in datasets if str(graph.value(d, DCTERMS.identifier)) == "issues")
    assert graph.value(issues, DCTERMS.issued) is not None
    foaf = Namespace("http://xmlns.com/foaf/0.1/")
    assert {n.language for n in graph.objects(graph.value(catalog, DCTERMS.publisher), foaf.name)} == {"ja", "en"}


def test_the_zip_holds_what_the_catalogue_lists(client, world):
    archive = zipfile.ZipFile(io.BytesIO(get(client, "/opendata/all.zip").body))
    names = set(archive.namelist())
    catalog = json.loads(archive.read("catalog.jsonld"))
    listed = {d["@id"].rsplit("/", 1)[-1] for ds in catalog["dcat:dataset"] for d in ds["dcat:distribution"]}
    assert listed <= names
    assert {"data_dictionary.csv", "LICENSE.txt"} <= names
    assert "CC BY 4.0" in archive.read("LICENSE.txt").decode("utf-8")
    for name in names:
        text = archive.read(name).decode("utf-8")
        assert not [s for s in SECRETS if s in text], name


def test_the_page_offers_every_dataset_with_its_licence(client, world):
    html = get(client, "/opendata/?lang=en").body.decode("utf-8")
    for dataset in DATASETS:
        assert f"/opendata/{dataset.slug}.csv" in html
    assert "creativecommons.org/licenses/by/4.0" in html and "Street issue reports" in html
    dictionary = rows(client, "data_dictionary")
    assert {"dataset", "column", "description_ja", "description_en"} <= set(dictionary[0])


def test_files_are_built_once_a_day_and_rebuilt_on_demand(app, client, world, make_issue, runner):
    before = {int(r["id"]) for r in rows(client, "issues")}
    newer = make_issue(title="新しい通報")
    assert {int(r["id"]) for r in rows(client, "issues")} == before  # today's files stand
    result = runner.invoke(args=["opendata", "build"])
    assert result.exit_code == 0, result.output
    assert {int(r["id"]) for r in rows(client, "issues")} == before | {newer.id}


def test_meetings_and_budget_projects(client, world):
    assert [m["title_ja"] for m in rows(client, "meetings")] == ["公園の説明会"]
    [project] = rows(client, "budget_projects")
    assert project["title_ja"] == "遊具の更新" and project["votes_count"] == "" and project["selected"] == ""
    meetings = json.loads(get(client, "/opendata/meetings.geojson").body)
    assert meetings["features"][0]["properties"]["url"].endswith("/meetings/" + meetings["features"][0][
        "properties"]["id"].__str__())
