"""Categories and areas administered in the browser (admins only, audited)."""
from __future__ import annotations

import io
import json

from participation.core.models import AuditLog
from participation.extensions import db
from participation.issues.demo import WARDS
from participation.issues.models import Area, Category, CategoryOverride, Issue

from .conftest import CENTER


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)))


def _category(app, code):
    with app.app_context():
        return db.session.scalar(db.select(Category).where(Category.code == code))


CATEGORY = {"code": "streetlight", "name_ja": "街灯の故障", "name_en": "Broken street light",
            "group_ja": "道路", "group_en": "Roads", "help_ja": "電柱の番号があれば書いてください。",
            "help_en": "", "target_days": "7", "position": "3", "active": "y"}


def test_categories_create_edit_disable_and_delete_only_when_unused(app, city, make_user, make_issue, client,
                                                                    login, post_form):
    login(make_user("admin"))
    data = {**CATEGORY, "department_id": str(city["roads"])}
    response = post_form("/admin/categories/", data)
    assert response.status_code == 302
    page = response.headers["Location"]
    created = _category(app, "streetlight")
    assert created.help == {"ja": "電柱の番号があれば書いてください。"} and created.target_days == 7
    assert created.group == {"ja": "道路", "en": "Roads"} and created.position == 3 and created.active
    # duplicate code, no name, unknown department, bad target: refused, nothing written
    assert post_form("/admin/categories/", data).status_code == 400
    assert post_form("/admin/categories/", {**data, "code": "other", "name_ja": "", "name_en": ""}).status_code == 400
    assert post_form("/admin/categories/", {**data, "code": "other", "department_id": "999999"}).status_code == 400
    assert post_form("/admin/categories/", {**data, "code": "other", "target_days": "0"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Category.id))) == 3
    # offered in the report form, then disabled
    assert "街灯の故障" in client.get("/issues/new").get_data(as_text=True)
    edit = {**data, "department_id": str(city["environment"])}
    del edit["active"]
    assert post_form(page, edit).status_code == 302
    assert not _category(app, "streetlight").active
    assert "街灯の故障" not in client.get("/issues/new").get_data(as_text=True)
    # an unused category can be deleted; one in use cannot
    assert post_form(f"{page}/delete", {}, page=page).status_code == 302
    assert _category(app, "streetlight") is None
    make_issue(category="pothole")
    pothole = city["pothole"]
    response = post_form(f"/admin/categories/{pothole}/delete", {}, page=f"/admin/categories/{pothole}")
    assert response.status_code == 409 and "削除せずに無効に" in response.get_data(as_text=True)
    assert _category(app, "pothole") is not None
    assert {"category.create", "category.update", "category.delete"} <= set(_actions(app))


def test_per_area_override_routes_new_reports(app, city, make_user, make_issue, client, login, post_form):
    login(make_user("admin"))
    with app.app_context():
        area = db.session.scalar(db.select(Area).order_by(Area.id))
        area_id = area.id
        from participation.issues.areas import area_at

        here = area_at(*CENTER)
        assert here is not None
        area_id = here.id
    page = f"/admin/categories/{city['pothole']}"
    assert post_form(f"{page}/overrides", {"area_id": str(area_id), "override_department_id": "0"},
                     page=page).status_code == 400
    assert post_form(f"{page}/overrides", {"area_id": str(area_id),
                                           "override_department_id": str(city["environment"])},
                     page=page).status_code == 302
    issue = make_issue(category="pothole")
    assert issue.department_id == city["environment"]
    with app.app_context():
        override_id = db.session.scalar(db.select(CategoryOverride.id))
    assert post_form(f"{page}/overrides/{override_id}/delete", {}, page=page).status_code == 302
    assert make_issue(category="pothole").department_id == city["roads"]


def _wards() -> dict:
    return json.loads(WARDS.read_text(encoding="utf-8"))


def test_areas_upload_preview_import_rename_and_issues_keep_their_area(app, city, make_user, make_issue, client,
                                                                        login, post_form):
    login(make_user("admin"))
    issue = make_issue()
    assert issue.area_id is not None
    for bad in (b"not json", b'{"type": "Feature"}',
                json.dumps({"type": "FeatureCollection", "features": [
                    {"type": "Feature", "properties": {"code": "x"},
                     "geometry": {"type": "Point", "coordinates": [139.7, 35.6]}}]}).encode(),
                json.dumps({"type": "FeatureCollection", "features": [  # self-intersecting polygon
                    {"type": "Feature", "properties": {"code": "bow"},
                     "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}]}
                           ).encode()):
        response = post_form("/admin/areas/", {"file": (io.BytesIO(bad), "areas.geojson"), "action": "import"},
                             content_type="multipart/form-data")
        assert response.status_code == 400, bad
    wards = _wards()
    first = wards["features"][0]
    first["properties"]["name_ja"] = "新しい名前区"
    raw = json.dumps(wards, ensure_ascii=False).encode()
    response = post_form("/admin/areas/", {"file": (io.BytesIO(raw), "wards.geojson"), "action": "preview"},
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="area-shapes"' in html
    assert "新しい名前区" in html  # kept for the import button
    code = first["properties"]["code"]
    with app.app_context():  # a preview stores nothing
        assert db.session.scalar(db.select(Area).where(Area.code == code)).name["ja"] != "新しい名前区"
    response = post_form("/admin/areas/", {"geojson": raw.decode(), "action": "import"})
    assert response.status_code == 302
    with app.app_context():
        area = db.session.scalar(db.select(Area).where(Area.code == first["properties"]["code"]))
        assert area.name["ja"] == "新しい名前区"
        assert db.session.get(Issue, issue.id).area_id == issue.area_id  # replaced in place
        area_id = area.id
    assert post_form(f"/admin/areas/{area_id}", {"name_ja": "", "name_en": ""}).status_code == 400
    assert post_form(f"/admin/areas/{area_id}", {"name_ja": "みなと区", "name_en": "Minato"}).status_code == 302
    assert "みなと区" in client.get("/admin/areas/").get_data(as_text=True)
    assert {"areas.import", "area.rename"} <= set(_actions(app))


def test_residents_and_officials_cannot_administer_categories(city, make_user, client, login, post_form):
    for role in (None, "official"):
        login(make_user(role, department="roads") if role else make_user())
        assert client.get("/admin/categories/").status_code == 403
        assert client.get("/admin/areas/").status_code == 403


def test_category_questions_asked_in_step_2_stored_and_shown_to_staff(app, city, make_user, client, login,
                                                                     post_form):
    admin = make_user("admin")
    official = make_user("official", department="roads")
    login(admin)
    page = f"/admin/categories/{city['pothole']}"
    assert post_form(f"{page}/questions", {"kind": "single_choice", "text_ja": "穴の大きさ",
                                           "choices": "小さい"}, page=page).status_code == 400  # one choice
    assert post_form(f"{page}/questions", {"kind": "single_choice", "text_ja": "穴の大きさ", "text_en": "Size",
                                           "choices": "小さい | Small\n大きい | Large", "required": "y"},
                     page=page).status_code == 302
    assert post_form(f"{page}/questions", {"kind": "short_text", "text_ja": "近くの目印"}, page=page).status_code == 302
    assert "穴の大きさ" in client.get(page).get_data(as_text=True)
    resident = make_user()
    login(resident)
    base = {"step": "2", "category_id": str(city["pothole"]), "latitude": str(CENTER[0]),
            "longitude": str(CENTER[1]), "title": "交差点の手前に深い穴", "shown_nearby": ""}
    step1 = post_form("/issues/new", {"category_id": str(city["pothole"]), "latitude": str(CENTER[0]),
                                      "longitude": str(CENTER[1])})
    assert "穴の大きさ" in step1.get_data(as_text=True)  # asked in step 2
    missing = post_form("/issues/new", base)
    assert missing.status_code == 400 and "この質問は回答が必須です。" in missing.get_data(as_text=True)
    assert post_form("/issues/new", {**base, "q1": "7"}).status_code == 400  # not a choice offered
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Issue.id))) == 0
    response = post_form("/issues/new", {**base, "q1": "2", "q2": "コンビニの前"})
    assert response.status_code == 302
    issue_path = response.headers["Location"]
    with app.app_context():
        issue = db.session.scalar(db.select(Issue))
        assert issue.answers == {"1": [2], "2": "コンビニの前"}
    assert "コンビニの前" not in client.get(issue_path).get_data(as_text=True)  # residents: not shown
    login(official)
    html = client.get(issue_path).get_data(as_text=True)
    assert "穴の大きさ" in html and "大きい" in html and "コンビニの前" in html
    login(admin)  # a removed question is no longer asked; its id is never reused
    assert post_form(f"{page}/questions/1/delete", {}, page=page).status_code == 302
    assert post_form(f"{page}/questions/1/delete", {}, page=page).status_code == 404
    assert post_form(f"{page}/questions", {"kind": "long_text", "text_ja": "詳しい状況"}, page=page).status_code == 302
    with app.app_context():
        questions = db.session.get(Category, city["pothole"]).questions
        assert [q["id"] for q in questions if not q.get("removed")] == [2, 3]
