"""Open311 GeoReport v2: every endpoint in XML and JSON against the spec's field lists; POST files
through the web form's command and refuses what it would refuse; api key rules."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.core import clock
from participation.core.models import AuditLog, Follow, User
from participation.extensions import db
from participation.issues import services as issue_services
from participation.issues.models import Area, CategoryOverride, Issue, IssueUpdate

from .conftest import CENTER

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
BASE = "/open311/v2"


def get(client, path):
    with client.get(path) as response:
        response.get_data()
        return response


def xml_items(response, root: str, item: str) -> list[dict]:
    assert response.content_type == "text/xml; charset=utf-8"
    body = response.get_data(as_text=True)
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
    tree = ET.fromstring(body.encode("utf-8"))
    assert tree.tag == root
    return [{child.tag: child.text for child in element} for element in tree.findall(item)]


def report(client, key, **fields):
    data = {"api_key": key, "service_code": "pothole", "lat": str(CENTER[0] + 0.001), "long": str(CENTER[1] - 0.001),
            "description": "歩道に大きな穴\n自転車が転びそうです", **fields}
    return client.post(f"{BASE}/requests.json", data={k: v for k, v in data.items() if v is not None})


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- reading ------------------------------------------------------------------------------------

def test_discovery_in_both_formats(client):
    data = get(client, f"{BASE}/discovery.json").get_json()
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    tree = ET.fromstring(get(client, f"{BASE}/discovery.xml").get_data())
    assert tree.tag == "discovery"
    assert [f.text for f in tree.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_list_every_active_category_with_the_spec_fields(client, city):
    services = get(client, f"{BASE}/services.json").get_json()
    assert {s["service_code"] for s in services} == {"pothole", "graffiti"}
    assert all(set(s) == SERVICE_FIELDS for s in services)
    pothole = next(s for s in services if s["service_code"] == "pothole")
    assert pothole["service_name"] == "道路の穴" and pothole["type"] == "realtime" and pothole["metadata"] is False
    english = get(client, f"{BASE}/services.json?lang=en").get_json()
    assert {s["service_name"] for s in english} == {"Pothole", "Graffiti"}
    items = xml_items(get(client, f"{BASE}/services.xml"), "services", "service")
    assert {i["service_code"] for i in items} == {"pothole", "graffiti"}
    assert all(set(i) == SERVICE_FIELDS for i in items)
    assert items[0]["metadata"] == "false"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_service_definition_and_unknown_codes(client, city, fmt):
    response = get(client, f"{BASE}/services/pothole.{fmt}")
    assert response.status_code == 200
    unknown = get(client, f"{BASE}/services/nothing.{fmt}")
    assert unknown.status_code == 404
    if fmt == "json":
        assert response.get_json() == {"service_code": "pothole", "attributes": []}
        assert unknown.get_json()[0]["code"] == 404
    else:
        assert xml_items(unknown, "errors", "error")[0]["code"] == "404"


def test_requests_have_the_spec_fields_in_both_formats(app, client, make_issue, make_user):
    issue = make_issue(title="穴あき", details="深さ10cm", show_name=True)
    with app.test_request_context("/"):
        official = db.session.get(User, make_user("official", department="roads").id)
        issue_services.change_status(official, db.session.get(Issue, issue.id), "in_progress", "来週補修します。")
        db.session.commit()
    [item] = get(client, f"{BASE}/requests.json").get_json()
    assert set(item) == REQUEST_FIELDS
    assert item["service_request_id"] == issue.id and item["status"] == "open"
    assert item["status_notes"] == "来週補修します。" and item["agency_responsible"] == "道路課"
    assert item["description"] == "穴あき\n\n深さ10cm" and item["requested_datetime"].endswith("+09:00")
    assert item["lat"] == pytest.approx(CENTER[0])
    [xml_item] = xml_items(get(client, f"{BASE}/requests.xml"), "service_requests", "request")
    assert set(xml_item) == REQUEST_FIELDS and xml_item["service_request_id"] == str(issue.id)
    one = get(client, f"{BASE}/requests/{issue.id}.json").get_json()
    assert one == [item]


def test_request_filters(app, client, make_issue, make_user):
    pothole, graffiti = make_issue(), make_issue(category="graffiti")
    with app.test_request_context("/"):
        official = db.session.get(User, make_user("admin").id)
        issue_services.change_status(official, db.session.get(Issue, graffiti.id), "fixed", "消しました。")
        db.session.commit()

    def ids(query):
        response = get(client, f"{BASE}/requests.json?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return {r["service_request_id"] for r in response.get_json()}

    assert ids("") == {pothole.id, graffiti.id}
    assert ids("status=open") == {pothole.id}
    assert ids("status=closed") == {graffiti.id}
    assert ids("service_code=graffiti") == {graffiti.id}
    assert ids(f"service_request_id={pothole.id},{graffiti.id}") == {pothole.id, graffiti.id}
    past = (clock.now() - timedelta(days=200)).date().isoformat()
    assert ids(f"start_date={past}T00:00:00Z&end_date={past}T23:00:00%2B09:00") == set()


@pytest.mark.parametrize("query", ["start_date=yesterday", "end_date=2026-13-01T00:00:00Z",
                                   "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
                                   "start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z",
                                   "status=pending", "service_request_id=1,abc", "service_request_id=" + "9" * 12])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_request_filters_are_spec_errors(client, city, query, fmt):
    response = get(client, f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    if fmt == "json":
        [error] = response.get_json()
        assert error["code"] == 400 and error["description"]
    else:
        assert xml_items(response, "errors", "error")[0]["code"] == "400"


def test_hidden_reports_never_appear(app, client, make_issue):
    visible, hidden = make_issue(), make_issue(title="隠された通報")
    with app.app_context():
        db.session.get(Issue, hidden.id).hidden_at = clock.now()
        db.session.commit()
    assert {r["service_request_id"] for r in get(client, f"{BASE}/requests.json").get_json()} == {visible.id}
    assert get(client, f"{BASE}/requests/{hidden.id}.json").status_code == 404
    assert get(client, f"{BASE}/requests.json?service_request_id={hidden.id}").get_json() == []
    assert get(client, f"{BASE}/requests/abc.xml").status_code == 404


def test_hidden_official_notes_are_not_status_notes(app, client, make_issue, make_user):
    issue = make_issue()
    with app.test_request_context("/"):
        official = db.session.get(User, make_user("admin").id)
        issue_services.change_status(official, db.session.get(Issue, issue.id), "investigating", "見に行きます。")
        db.session.scalar(select(IssueUpdate).where(IssueUpdate.issue_id == issue.id)).hidden_at = clock.now()
        db.session.commit()
    assert get(client, f"{BASE}/requests.json").get_json()[0]["status_notes"] is None


# --- filing -------------------------------------------------------------------------------------

def test_post_files_a_report_like_the_web_form(app, client, city, api_key):
    from participation.core import signals

    key_id, key = api_key("まちアプリ")
    with app.app_context():  # in the east ward potholes go to the environment department
        east = db.session.scalar(select(Area).where(Area.code == "higashi"))
        db.session.add(CategoryOverride(category_id=city["pothole"], area_id=east.id,
                                        department_id=city["environment"]))
        db.session.commit()
    reported = []
    receiver = signals.issue_reported.connect(lambda app, issue, **_: reported.append(issue.id), weak=False)
    try:
        response = report(client, key, lat=str(CENTER[0] + 0.002), long=str(CENTER[1] + 0.002),
                          email="someone@example.jp", first_name="花子", phone="090-0000-0000")
    finally:
        signals.issue_reported.disconnect(receiver)
    assert response.status_code == 200, response.get_data(as_text=True)
    [created] = response.get_json()
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    with app.app_context():
        issue = db.session.get(Issue, created["service_request_id"])
        assert issue.department_id == city["environment"] and issue.area.code == "higashi"
        assert issue.title == "歩道に大きな穴" and issue.details.startswith("歩道に大きな穴\n")
        assert issue.show_name is False and issue.status == "open"
        assert issue.reporter.display_name == "まちアプリ" and issue.reporter.email.endswith("@api.invalid")
        assert db.session.scalar(select(Follow).where(Follow.target_id == issue.id)) is not None
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "open311.request"))
        assert entry.target_id == issue.id and entry.after["api_key"] == "まちアプリ"
        stored = json.dumps([issue.title, issue.details, issue.address])
        assert "花子" not in stored and "someone@example.jp" not in stored and "090" not in stored
    assert reported == [created["service_request_id"]]
    token = get(client, f"{BASE}/tokens/{created['token']}.json").get_json()
    assert token == [{"service_request_id": created["service_request_id"], "token": created["token"]}]
    assert get(client, f"{BASE}/tokens/nothing.xml").status_code == 404


def test_post_in_xml(client, city, api_key):
    _id, key = api_key()
    response = client.post(f"{BASE}/requests.xml", data={"api_key": key, "service_code": "graffiti",
                                                         "lat": str(CENTER[0]), "long": str(CENTER[1]),
                                                         "description": "壁に落書き"})
    [item] = xml_items(response, "service_requests", "request")
    assert int(item["service_request_id"]) > 0 and item["token"]


@pytest.mark.parametrize(("fields", "status"), [
    ({"api_key": None}, 403),
    ({"api_key": "not-a-key"}, 403),
    ({"service_code": "nothing"}, 404),
    ({"service_code": None}, 404),
    ({"lat": None, "long": None, "address_string": "駅前1-1"}, 400),
    ({"lat": "91", "long": "139.7"}, 400),
    ({"lat": "nan", "long": "139.7"}, 400),
    ({"lat": "35.0", "long": "135.0"}, 400),  # outside the city
    ({"description": ""}, 400),
    ({"description": "あ" * 3001}, 400),
    ({"description": "=1+1" + "x" * 4000}, 400),
])
def test_post_refuses_what_the_web_form_refuses(app, client, city, api_key, fields, status):
    _id, key = api_key()
    before = count(app, Issue)
    response = report(client, key, **fields)
    assert response.status_code == status, response.get_data(as_text=True)
    [error] = response.get_json()
    assert error["code"] == status and error["description"]
    assert count(app, Issue) == before


def test_revoked_keys_and_wrong_content_types_are_refused(app, client, city, api_key):
    from participation.api.services import revoke_key

    key_id, key = api_key()
    garbage = client.post(f"{BASE}/requests.json", data=b"<xml>garbage</xml>", content_type="text/xml")
    assert garbage.status_code == 400 and garbage.get_json()[0]["code"] == 400
    as_json = client.post(f"{BASE}/requests.json", json={"api_key": key, "service_code": "pothole"})
    assert as_json.status_code == 400
    with app.app_context():
        revoke_key(None, key_id, check=False)
        db.session.commit()
    assert report(client, key).status_code == 403
    assert count(app, Issue) == 0


def test_blocked_application_account_cannot_post(app, client, city, api_key):
    from participation.api.models import ApiKey

    key_id, key = api_key()
    with app.app_context():
        account = db.session.get(ApiKey, key_id).user
        account.blocked_at, account.blocked_reason = clock.now(), "spam"
        db.session.commit()
    response = report(client, key)
    assert response.status_code == 403 and response.get_json()[0]["code"] == 403


def test_get_is_rate_limited_per_address_and_post_per_key(app, client, city, api_key):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    statuses = [get(client, f"{BASE}/services.json").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = get(client, f"{BASE}/services.xml")
    assert limited.status_code == 429 and xml_items(limited, "errors", "error")[0]["code"] == "429"
    _id, key = api_key(rate_limit="1 per minute")
    assert report(client, key).status_code == 200
    assert report(client, key).status_code == 429


@pytest.mark.parametrize(("path", "documented"), [
    ("/discovery.json", "/open311/v2/discovery.{fmt}"), ("/services.json", "/open311/v2/services.{fmt}"),
    ("/services/pothole.json", "/open311/v2/services/{code}.{fmt}"), ("/requests.json", "/open311/v2/requests.{fmt}"),
    ("/requests/{issue}.json", "/open311/v2/requests/{request_id}.{fmt}"),
    ("/services/nothing.json", None), ("/requests.json?status=x", None)])
def test_json_responses_match_the_document(client, make_issue, check_schema, response_schema, path, documented):
    issue = make_issue()
    response = get(client, BASE + path.format(issue=issue.id))
    check_schema(response, response_schema(documented) if documented else "Open311Errors")


def test_created_and_token_responses_match_the_document(client, city, api_key, check_schema, response_schema):
    _id, key = api_key()
    created = report(client, key)
    check_schema(created, response_schema("/open311/v2/requests.{fmt}", "post"))
    token = get(client, f"{BASE}/tokens/{created.get_json()[0]['token']}.json")
    check_schema(token, response_schema("/open311/v2/tokens/{token}.{fmt}"))


def test_a_georeport_client_files_a_pothole_that_the_roads_department_handles(app, client, city, api_key,
                                                                              make_user, login, post_form):
    _id, key = api_key("まちアプリ")
    services = get(client, f"{BASE}/services.xml")
    assert "pothole" in [s["service_code"] for s in xml_items(services, "services", "service")]
    [created] = report(client, key, description="交差点の手前に深い穴").get_json()
    request_id = created["service_request_id"]
    login(make_user("official", department="roads"))
    triage = client.get("/admin/triage").get_data(as_text=True)
    assert "交差点の手前に深い穴" in triage
    response = post_form(f"/issues/{request_id}/status", {"status": "fixed", "note": "補修しました。"},
                         page=f"/issues/{request_id}")
    assert response.status_code == 302
    [item] = get(client, f"{BASE}/requests/{request_id}.json").get_json()
    assert item["status"] == "closed" and item["status_notes"] == "補修しました。"
    assert item["agency_responsible"] == "道路課"


def test_category_questions_are_service_attributes_and_answered_as_attributes(app, client, city, api_key):
    from participation.issues.models import Category

    _key_id, key = api_key("まちアプリ")
    with app.app_context():
        db.session.get(Category, city["pothole"]).questions = [
            {"id": 1, "kind": "single_choice", "text": {"ja": "穴の大きさ", "en": "Size"}, "required": True,
             "choices": [{"ja": "小さい", "en": "Small"}, {"ja": "大きい", "en": "Large"}]},
            {"id": 2, "kind": "short_text", "text": {"ja": "目印"}, "required": False, "removed": True}]
        db.session.commit()
    [attribute] = get(client, f"{BASE}/services/pothole.json").get_json()["attributes"]
    assert attribute["code"] == "q1" and attribute["datatype"] == "singlevaluelist" and attribute["required"]
    assert attribute["values"] == [{"key": "1", "name": "小さい"}, {"key": "2", "name": "大きい"}]
    assert any(s["metadata"] in (True, "true") for s in get(client, f"{BASE}/services.json").get_json())
    assert report(client, key).status_code == 400  # the required attribute is missing
    assert report(client, key, **{"attribute[q1]": "2"}).status_code in (200, 201)
    with app.app_context():
        assert db.session.scalar(select(Issue.answers)) == {"1": [2]}
