"""The JSON API: every response validates against the OpenAPI document; pagination, filters, lang,
ETag, CORS on reads only; public content only."""
from __future__ import annotations

import json

import pytest

from .conftest import SECRETS


def get(client, path, **kwargs):
    with client.get(path, **kwargs) as response:
        response.get_data()
        return response


ROUTES = [  # (path template, OpenAPI path)
    ("/api/v1/", "/api/v1/"),
    ("/api/v1/processes", "/api/v1/processes"),
    ("/api/v1/processes/{process}", "/api/v1/processes/{slug}"),
    ("/api/v1/processes/{process}/proposals", "/api/v1/processes/{slug}/proposals"),
    ("/api/v1/proposals/{proposal}", "/api/v1/proposals/{proposal_id}"),
    ("/api/v1/proposals/{proposal}/comments", "/api/v1/proposals/{proposal_id}/comments"),
    ("/api/v1/issues", "/api/v1/issues"),
    ("/api/v1/issues/{named}", "/api/v1/issues/{issue_id}"),
    ("/api/v1/categories", "/api/v1/categories"),
    ("/api/v1/meetings", "/api/v1/meetings"),
    ("/api/v1/processes/{process}/budgets", "/api/v1/processes/{slug}/budgets"),
    ("/api/v1/departments", "/api/v1/departments"),
    ("/api/v1/areas?geometry=1", "/api/v1/areas"),
]


@pytest.mark.parametrize(("path", "documented"), ROUTES)
def test_every_response_matches_the_document_and_hides_what_is_private(client, world, check_schema,
                                                                       response_schema, path, documented):
    response = get(client, path.format(**world))
    assert response.status_code == 200
    check_schema(response, response_schema(documented))
    body = json.dumps(response.get_json(), ensure_ascii=False)
    assert not [s for s in SECRETS if s in body]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_proposals_show_published_answers_and_supports_only(client, world):
    [item] = get(client, f"/api/v1/processes/{world['process']}/proposals").get_json()["items"]
    assert item["title"] == "木陰のベンチ" and item["supports_count"] == 3
    assert [a["text"] for a in item["answers"]] == ["実施します。"]
    assert [c["body"] for c in get(client, f"/api/v1/proposals/{item['id']}/comments").get_json()["items"]] == [
        "賛成です"]
    assert get(client, "/api/v1/processes/draft").status_code == 404
    assert get(client, "/api/v1/processes/draft/proposals").status_code == 404


def test_issue_reporters_only_when_they_chose_so(client, world):
    items = {i["id"]: i for i in get(client, "/api/v1/issues").get_json()["items"]}
    assert set(items) == {world["named"], world["anonymous"]}
    assert items[world["named"]]["reporter"] == "公開の通報者" and items[world["anonymous"]]["reporter"] is None
    assert get(client, f"/api/v1/issues/{world['hidden_issue']}").status_code == 404
    timeline = get(client, f"/api/v1/issues/{world['named']}").get_json()["timeline"]
    assert [u["text"] for u in timeline] == ["確認しました。"]


def test_pagination_follows_next_links(client, make_issue, check_schema, response_schema):
    ids = {make_issue(title=f"通報その{n}").id for n in range(5)}
    seen, url, pages = [], "/api/v1/issues?limit=2&group=open", 0
    while url:
        response = get(client, url)
        check_schema(response, response_schema("/api/v1/issues"))
        page = response.get_json()
        seen += [i["id"] for i in page["items"]]
        url, pages = page["next"], pages + 1
    assert seen == sorted(ids, reverse=True) and pages == 3


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "after=-1", "after=abc", "group=nope",
                                   "status=nope", "category=abc", "category=" + "9" * 12])
def test_bad_parameters_are_json_400s(client, city, query):
    response = get(client, f"/api/v1/issues?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400


def test_unknown_ids_are_json_404s(client, city):
    for path in ("/api/v1/issues/999999", "/api/v1/proposals/999999", "/api/v1/processes/none",
                 "/api/v1/issues/99999999999"):
        response = get(client, path)
        assert response.status_code == 404 and response.is_json


def test_lang_chooses_the_language_of_staff_texts(client, world):
    assert get(client, "/api/v1/processes?lang=en").get_json()["items"][0]["title"] == "Park renewal"
    assert get(client, "/api/v1/processes?lang=ja").get_json()["items"][0]["title"] == "公園の再整備"


def test_etag_and_304(client, world):
    first = get(client, "/api/v1/issues")
    etag = first.headers["ETag"]
    again = get(client, "/api/v1/issues", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert get(client, "/api/v1/issues", headers={"If-None-Match": '"other"'}).status_code == 200
    assert get(client, "/open311/v2/services.json", headers={
        "If-None-Match": get(client, "/open311/v2/services.json").headers["ETag"]}).status_code == 304


def test_cors_for_reads_only(client, city, api_key):
    _id, key = api_key()
    preflight = client.options("/open311/v2/requests.json", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    posted = client.post("/open311/v2/requests.json", data={"api_key": key, "service_code": "pothole"},
                         headers={"Origin": "https://app.example"})
    assert "Access-Control-Allow-Origin" not in posted.headers
    assert get(client, "/api/v1/categories").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in get(client, "/issues/").headers


def test_api_refuses_writes_without_a_token(client, city):
    response = client.post("/api/v1/issues", data={"title": "x"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == 403
    assert client.post("/api/v1/categories").status_code == 405


def test_the_map_geojson_has_names_dates_and_permalinks_and_the_list_filters(client, world, city):
    data = get(client, "/issues.geojson").get_json()
    named = next(f["properties"] for f in data["features"] if f["properties"]["id"] == world["named"])
    assert named["category"] == "道路の穴" and named["department"] == "道路課" and named["area"]
    assert named["status_group"] == "open" and named["metoo_count"] == 0 and named["updated_at"]
    assert named["permalink"] == f"http://localhost/issues/{world['named']}"
    assert world["hidden_issue"] not in {f["properties"]["id"] for f in data["features"]}
    other = get(client, f"/issues.geojson?department={city['environment']}").get_json()
    assert other["features"] == []
    assert get(client, "/issues.geojson?area=abc").status_code == 400


def test_meetings_and_budgets_keep_links_counts_and_drafts_private(client, world):
    [meeting] = get(client, "/api/v1/meetings").get_json()["items"]
    assert meeting["title"] == "公園の説明会" and meeting["minutes"] is None and "online_url" not in meeting
    [budget] = get(client, f"/api/v1/processes/{world['process']}/budgets").get_json()["items"]
    assert budget["results_public"] is False and budget["projects"][0]["votes_count"] is None
    assert get(client, f"/api/v1/meetings?process={world['process']}").get_json()["items"] == [meeting]
