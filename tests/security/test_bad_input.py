"""Bad input on every form and JSON endpoint: a 4xx with a message, never a 500, nothing stored.

A hypothesis-based fuzz test drives the main POST forms with arbitrary text and numbers."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from participation.extensions import db

from ..conftest import CSRF_RE, session_token_of
from .test_authorization import MATRIX, build_world

FIELDS = ["title", "body", "text", "note", "reason", "details", "email", "password", "confirm",
          "display_name", "slug", "title_ja", "title_en", "description_ja", "start_date", "end_date",
          "category_id", "latitude", "longitude", "status", "department_id", "issue_ids", "parent_id",
          "alignment", "value", "action", "state", "cost", "justification", "step", "type", "text_ja",
          "options", "rows", "max_choices", "phase_id", "template_id", "duplicate_of_id", "target_type",
          "target_id", "support_limit", "support_threshold", "language", "role", "direction",
          "planned_period", "address", "q", "next", "shown_nearby", "hide_all", "publish", "free_text",
          "name", "contact", "rate_limit", "assignee_id", "whole_page", "page_ids",
          # meetings
          "kind", "starts_at", "ends_at", "capacity", "online_url", "accessibility", "minutes_ja",
          "attendance_count", "code", "proposal_id", "registration_opens_at",
          # mail settings and alerts (issue 15)
          "proposals", "issues", "comments", "moderation", "meetings", "other", "radius_m", "area_id",
          "process_id", "near-latitude", "near-longitude", "near-radius_m", "near-email", "area-area_id",
          # conversations
          "statement_id", "vote", "topic_ja", "topic_en", "description_en", "seeds", "allow_anonymous",
          "allow_statements", "confirmed",
          # administration (issue 17)
          "name_ja", "name_en", "contact_email", "target_days", "department", "city_name_ja", "city_name_en",
          "timezone", "lat", "lon", "zoom", "tile_url", "tile_attribution", "moderation_threshold",
          "post_rate_limit", "edit_minutes", "body_ja", "body_en", "group_ja", "group_en", "help_ja", "help_en",
          "position", "active", "override_department_id", "geojson", "text_en", "choices", "required", "q1"]

FREE_TEXT = ["title", "body", "text", "note", "details", "display_name", "title_ja", "title_en",
             "description_ja", "justification", "text_ja", "options", "rows", "planned_period", "address",
             "q", "next", "shown_nearby", "password", "confirm", "email", "reason", "name", "topic_ja", "topic_en",
             "description_en", "seeds", "name_ja", "name_en", "city_name_ja", "city_name_en", "tile_url",
             "tile_attribution", "post_rate_limit", "body_ja", "body_en", "group_ja", "group_en", "help_ja",
             "help_en", "geojson", "contact_email", "timezone", "text_en", "choices"]

BAD_BODIES = {
    "overlong": {f: "長" * 30_000 for f in FIELDS},
    "nul": {f: "a\x00b" for f in FIELDS},
    # Numbers and choices that make no sense (free-text fields left empty).
    "wrong_types": {**{f: "-1" for f in FIELDS}, **{f: "" for f in FREE_TEXT}, "latitude": "1e400",
                    "longitude": "NaN", "start_date": "2027-13-45",
                    "end_date": "yesterday", "cost": "-5", "max_choices": "9999999999999999999999",
                    "category_id": "99999999999999999999", "target_id": "abc", "issue_ids": "x"},
    "repeated": {**{f: ["a", "b", "c"] for f in FIELDS}, **{f: "" for f in FREE_TEXT}},
}


def table_counts() -> dict[str, int]:
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables if t.name not in ("audit_log", "notifications")}


def permitted_role(expected: dict[str, int]) -> str | None:
    """A user for whom the empty form reaches validation (400)."""
    for role in ("admin", "author", "facilitator_this", "official_dept", "moderator", "resident", "anonymous"):
        if expected.get(role) == 400:
            return role
    return None


FORM_ROUTES = sorted((k, v) for k, v in MATRIX.items() if k[0] == "POST" and permitted_role(v[1]))


def client_for(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_token_of(app, world["users"][role]), True
    page = client.get("/auth/login" if role == "anonymous" else "/account/")
    return client, CSRF_RE.search(page.get_data(as_text=True)).group(1)


def assert_refused_with_message(response, where):
    assert 400 <= response.status_code < 500, (where, response.status_code)
    body = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        assert response.json["error"]["message"], where
    else:
        assert 'role="alert"' in body or 'class="error-page"' in body or 'class="notice"' in body, where


@pytest.mark.parametrize(("route", "spec"), FORM_ROUTES, ids=[f"{m} {e}" for (m, e), _ in FORM_ROUTES])
def test_bad_bodies_are_refused_and_store_nothing(app, route, spec):
    from participation.extensions import limiter

    path_template, expected, _stateful = spec
    world = build_world(app)
    role = permitted_role(expected)
    path = path_template.format(**world)
    with app.app_context():
        before = table_counts()
    for name, body in BAD_BODIES.items():
        limiter.reset()
        client, token = client_for(app, world, role)
        response = client.post(path, data={**body, "csrf_token": token})
        assert_refused_with_message(response, f"{route} {name}")
        with app.app_context():
            assert table_counts() == before, f"{route} {name} changed the database"
    # Invalid UTF-8 in a urlencoded body: never a server error (the text may well be acceptable).
    client, token = client_for(app, world, role)
    raw = f"csrf_token={token}&title=%ff%fe%fd&body=%c3%28&text=%ed%a0%80&category_id=%ff".encode()
    response = client.post(path, data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


BAD_IDS = ["0", "-1", "99999999999999999999", "2147483648", "abc", "1.5", "%00"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_malformed_ids_in_urls_are_404(app, client, bad):
    for path in ("/proposals/{}", "/issues/{}", "/admin/processes/{}/", "/admin/surveys/{}/",
                 "/processes/square/surveys/{}", "/moderation/users/{}"):
        response = client.get(path.format(bad))
        assert response.status_code in (302, 400, 404), (path, bad, response.status_code)


@pytest.mark.parametrize("query", ["page=-1", "page=0", "page=99999999999999999999", "page=abc", "page=1e9",
                                   "state=%00", "sort=" + "x" * 5000, "q=" + "あ" * 5000, "q=%ff%fe"])
def test_odd_list_parameters(app, client, make_process, query):
    make_process("square")
    for path in ("/processes/square/proposals/", "/issues/", "/processes/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query, response.status_code)


@pytest.mark.parametrize("bbox", ["", "1", "1,2,3", "a,b,c,d", "1,2,3,4,5", "nan,nan,nan,nan", "inf,0,1,1",
                                  "-181,0,0,1", "0,-91,1,0", "10,10,0,0", "1e400,0,1,1", "%00"])
def test_garbage_bbox(app, client, make_process, bbox):
    make_process("square")
    for path in ("/issues.geojson", "/processes/square/proposals.geojson"):
        response = client.get(f"{path}?bbox={bbox}")
        assert response.status_code in (200, 400) and response.mimetype == "application/json"
        if response.status_code == 400:
            assert response.json["error"]["message"]


@pytest.mark.parametrize("q", ["%", "_", "\\", "%00", "a" * 5000, "中町2-" * 300, "１２３－", "' OR 1=1 --",
                               "\u200b", "%E3%80%80"])
def test_place_search_takes_any_text(client, q):
    response = client.get("/places/search", query_string={"q": q})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert isinstance(response.json, list) and len(response.json) <= 8


# --- fuzz ----------------------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
NUMBERISH = st.one_of(TEXT, st.floats(allow_nan=True, allow_infinity=True).map(str),
                      st.integers(min_value=-(10**20), max_value=10**20).map(str))

FUZZ_FORMS = {
    "register": ("/auth/register", "anonymous",
                 {"email": TEXT, "display_name": TEXT, "password": TEXT, "confirm": TEXT,
                  "accept_terms": st.sampled_from(["", "y", "x"]), "consent_demographics": st.sampled_from(["", "y"]),
                  "age_group": TEXT, "area_id": NUMBERISH, "gender": TEXT, "consent_news": st.sampled_from(["", "y"])}),
    "proposal": ("/processes/square/proposals/new", "resident",
                 {"step": st.sampled_from(["1", "2", "3", ""]), "title": TEXT, "body": TEXT, "address": TEXT,
                  "latitude": NUMBERISH, "longitude": NUMBERISH}),
    "issue": ("/issues/new", "resident",
              {"step": st.sampled_from(["1", "2"]), "category_id": NUMBERISH, "title": TEXT, "details": TEXT,
               "latitude": NUMBERISH, "longitude": NUMBERISH, "shown_nearby": TEXT, "address": TEXT,
               "place_id": NUMBERISH}),
    "comment": ("/proposals/{proposal}/comments", "resident",
                {"body": TEXT, "alignment": NUMBERISH, "parent_id": NUMBERISH}),
    "flag": ("/moderation/flag", "resident",
             {"target_type": st.sampled_from(["proposals", "issues", "users", "x"]), "target_id": NUMBERISH,
              "reason": TEXT, "details": TEXT}),
    "vote": ("/processes/square/conversations/{conversation}/vote", "resident",
             {"statement_id": NUMBERISH, "vote": st.sampled_from(["agree", "disagree", "pass", "1", "-1", "x", ""])}),
    "statement": ("/processes/square/conversations/{conversation}/statements/new", "resident",
                  {"text": TEXT, "confirmed": st.sampled_from(["", "1", "x"])}),
    "triage": ("/admin/triage", "official_dept",
               {"issue_ids": NUMBERISH, "page_ids": NUMBERISH, "whole_page": st.sampled_from(["", "y", "x"]),
                "action": st.sampled_from(["status", "assign", "x"]), "status": TEXT, "note": TEXT,
                "template_id": NUMBERISH, "assignee_id": NUMBERISH}),
    "issue_note": ("/issues/{issue}/notes", "official_dept", {"text": TEXT}),
    "privacy": ("/account/privacy", "resident",
                {"consent_demographics": st.sampled_from(["", "y", "x"]), "age_group": TEXT, "area_id": NUMBERISH,
                 "gender": TEXT, "consent_news": st.sampled_from(["", "y"]), "public_profile": TEXT}),
    "delete_account": ("/account/delete", "resident",
                       {"password": TEXT, "understood": st.sampled_from(["", "y", "x"])}),
    "admin_erase": ("/admin/users/{other_user}/erase", "admin",
                    {"reason": TEXT, "understood": st.sampled_from(["", "x"])}),
    "kpi_population": ("/kpi/population", "admin",
                       {"dimension": st.sampled_from(["age_group", "area", "x", ""]), "g_10-19": NUMBERISH,
                        "g_20-29": TEXT, "g_1": NUMBERISH}),
    "assign": ("/admin/triage/{issue}/assign", "official_dept",
               {"assignee_id": NUMBERISH, "action": st.sampled_from(["assign", "unassign", "x"])}),
    "meeting": ("/admin/processes/{process}/meetings/new", "admin",
                {"title_ja": TEXT, "kind": st.sampled_from(["info_session", "workshop", "x"]),
                 "type": st.sampled_from(["in_person", "online", "hybrid", ""]), "starts_at": TEXT,
                 "ends_at": st.sampled_from(["2031-01-01T10:00", "2031-01-01T09:00", "", "x"]),
                 "address": TEXT, "latitude": NUMBERISH, "longitude": NUMBERISH, "online_url": TEXT,
                 "capacity": NUMBERISH, "accessibility": st.sampled_from(["wheelchair", "x", ""])}),
}


@pytest.mark.parametrize("form_name", sorted(FUZZ_FORMS))
def test_fuzzed_forms_never_fail_and_refusals_store_nothing(app, form_name):
    from participation.extensions import limiter

    path_template, role, fields = FUZZ_FORMS[form_name]
    world = build_world(app)
    path = path_template.format(**world)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
              derandomize=True)
    @given(st.fixed_dictionaries(fields))
    def run(data):
        limiter.reset()
        client, token = client_for(app, world, role)
        with app.app_context():
            before = table_counts()
        response = client.post(path, data={**data, "csrf_token": token})
        assert response.status_code < 500, data
        if 400 <= response.status_code < 500:
            with app.app_context():
                assert table_counts() == before, data

    run()


@pytest.mark.parametrize("huge", ["99999999999999999999", "2147483648"])
def test_ids_too_big_for_the_database_in_form_data(app, huge):
    """Ids typed into forms are bounded before any query: a 4xx, never a driver overflow."""
    world = build_world(app)
    client, token = client_for(app, world, "admin")
    cases = [
        (f"/proposals/{world['discussed']}/comments", {"body": "返信", "alignment": "0", "parent_id": huge}, 400),
        ("/moderation/flag", {"target_type": "proposals", "target_id": huge, "reason": "spam", "next": "/"}, 404),
        (f"/issues/{world['issue']}/status", {"status": "duplicate", "note": "重複", "duplicate_of_id": huge}, 400),
        (f"/issues/{world['issue']}/status", {"status": "fixed", "note": "", "template_id": huge}, 400),
        (f"/issues/{world['issue']}/reassign", {"department_id": huge, "note": "担当替え"}, 400),
        (f"/admin/processes/{world['process']}/pin", {"phase_id": huge}, 400),
        ("/admin/triage", {"issue_ids": huge, "status": "fixed", "note": "完了", "department": huge}, 400),
    ]
    with app.app_context():
        before = table_counts()
    for path, data, status in cases:
        response = client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == status, (path, response.status_code)
        with app.app_context():
            assert table_counts() == before, path
    assert client.get(f"/issues/nearby.json?category_id={huge}&lat=35.66&lon=139.70").status_code == 400
    assert client.get(f"/issues.geojson?category={huge}").status_code == 400
    assert client.get("/admin/triage?department=999").status_code == 404


@pytest.mark.parametrize("digit", ["²", "①", "٣"])
def test_digits_that_int_cannot_read_never_answer_500(app, client, make_process, digit):
    """"²" and "①" are digits to str.isdigit() but not to int(): every id and number parser refuses them."""
    make_process("square")
    for path in (f"/api/v1/issues?page={digit}", f"/api/v1/issues?category={digit}", f"/api/v1/issues/{digit}",
                 f"/open311/v2/requests.json?service_request_id={digit}", f"/open311/v2/requests/{digit}.json",
                 f"/open311/v2/requests.json?service_request_id=1,{digit}", f"/places/search?q={digit}",
                 f"/processes/square/proposals/?page={digit}", f"/issues/?page={digit}&category={digit}",
                 f"/kpi/?process={digit}"):
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
