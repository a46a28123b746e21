"""Street issues: reporting, boundary, duplicates, routing, statuses, permissions, GeoJSON, stats."""
from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from participation.core import clock, geo, uploads
from participation.core.errors import Conflict, InvalidInput, PermissionDenied
from participation.core.models import AuditLog, Notification, User
from participation.extensions import db
from participation.issues import queries, reports, services
from participation.issues.models import Area, CategoryOverride, Issue, IssueUpdate, MeToo

from .conftest import CENTER


def ctx(app):
    return app.test_request_context("/")


def u(user):
    return db.session.get(User, user.id)


def i(issue):
    return db.session.get(Issue, issue.id)


def offset_north(lat: float, lon: float, metres: float) -> tuple[float, float]:
    return lat + metres / 111_195.0, lon  # mean-radius metres per degree of latitude


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (2600, 1300), (90, 90, 90))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (35.0, 39.0, 28.8), 3: "E", 4: (139.0, 42.0, 5.8)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


# --- reporting ----------------------------------------------------------------------------------

def test_report_in_two_steps_routes_to_the_department_and_hides_the_name(
        app, client, login, make_user, city, post_form):
    reporter = login(make_user(display_name="山田 花子"))
    step1 = post_form("/issues/new", {"step": "1", "category_id": str(city["pothole"]),
                                      "latitude": str(CENTER[0]), "longitude": str(CENTER[1])})
    assert step1.status_code == 200
    assert "ステップ2/2" in step1.get_data(as_text=True)
    step2 = post_form("/issues/new", {
        "step": "2", "category_id": str(city["pothole"]), "latitude": str(CENTER[0]),
        "longitude": str(CENTER[1]), "title": "交差点の手前に深い穴", "details": "自転車が危ない",
        "shown_nearby": "", "photos": [(io.BytesIO(jpeg_with_gps()), "hole.jpg")]},
        content_type="multipart/form-data")
    assert step2.status_code == 302
    with app.app_context():
        issue = db.session.scalar(select(Issue))
        assert issue.department_id == city["roads"] and issue.area is not None
        assert issue.reporter_id == reporter.id and not issue.show_name
        path = uploads.upload_dir() / issue.photos[0].upload.filename
        with Image.open(path) as stored:
            assert not stored.getexif() and max(stored.size) == 2048
        issue_id = issue.id
    public = app.test_client().get(f"/issues/{issue_id}").get_data(as_text=True)
    assert "山田 花子" not in public and "市民" in public
    login(make_user("official", department="roads"))
    assert "山田 花子" in client.get(f"/issues/{issue_id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [("35.9", "139.7", "市外の場所です"), ("91", "139.7", "緯度・経度の値が正しくありません。"),
     ("abc", "139.7", "緯度と経度の数値で入力してください。"), ("", "", "地図で場所を選ぶか"),
     ("nan", "139.7", "緯度・経度の値が正しくありません。")],
)
def test_bad_locations_are_refused(app, login, make_user, city, post_form, lat, lon, message):
    login(make_user())
    response = post_form("/issues/new", {"step": "2", "category_id": str(city["pothole"]), "latitude": lat,
                                         "longitude": lon, "title": "穴があります"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Issue.id))) == 0


def test_unknown_category_text_file_as_photo_and_too_many_photos(app, login, make_user, city, post_form):
    login(make_user())
    base = {"step": "2", "latitude": str(CENTER[0]), "longitude": str(CENTER[1]), "title": "穴があります"}
    assert post_form("/issues/new", {**base, "category_id": "9999"}).status_code == 400
    fake = post_form("/issues/new", {**base, "category_id": str(city["pothole"]),
                                     "photos": [(io.BytesIO(b"just text, honest"), "photo.jpg")]},
                     content_type="multipart/form-data")
    assert fake.status_code == 400
    assert "このファイルは読み込める画像ではありません。" in fake.get_data(as_text=True)
    many = post_form("/issues/new", {**base, "category_id": str(city["pothole"]),
                                     "photos": [(io.BytesIO(jpeg_with_gps()), f"{n}.jpg") for n in range(4)]},
                     content_type="multipart/form-data")
    assert many.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Issue.id))) == 0
        assert not list(uploads.upload_dir().glob("*.jpg"))


def test_bomb_image_is_refused(app, login, make_user, city, post_form):
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, format="PNG")
    bomb.seek(0)
    login(make_user())
    response = post_form("/issues/new", {"step": "2", "category_id": str(city["pothole"]),
                                         "latitude": str(CENTER[0]), "longitude": str(CENTER[1]),
                                         "title": "穴があります", "photos": [(bomb, "bomb.png")]},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Issue.id))) == 0


# --- duplicates ---------------------------------------------------------------------------------

def test_nearby_radius_is_exact(app, make_issue):
    at_249 = make_issue(lat=offset_north(*CENTER, 249)[0], title="249メートル先の穴")
    at_251 = make_issue(lat=offset_north(*CENTER, 251)[0], title="251メートル先の穴")
    make_issue(category="graffiti", title="別のカテゴリの落書き")
    with ctx(app):
        assert 248.5 < geo.distance_m(*CENTER, at_249.latitude, at_249.longitude) < 249.5
        assert 250.5 < geo.distance_m(*CENTER, at_251.latitude, at_251.longitude) < 251.5
        found = queries.nearby_open_issues(at_249.category_id, *CENTER)
        assert [n.issue.id for n in found] == [at_249.id]


def test_nearby_only_open_nearest_first_at_most_five(app, make_issue, make_user):
    issues = [make_issue(lat=offset_north(*CENTER, d)[0], title=f"{d}メートルの穴")
              for d in (200, 10, 100, 50, 150, 20)]
    official = make_user("official", department="roads")
    with ctx(app):
        services.change_status(u(official), i(issues[1]), "fixed", "直しました")
        db.session.commit()
        found = queries.nearby_open_issues(issues[0].category_id, *CENTER)
        assert [round(n.distance_m) for n in found] == [20, 50, 100, 150, 200]


def test_server_shows_nearby_reports_before_filing_and_me_too_counts_once(
        app, client, login, make_user, make_issue, city, post_form):
    existing = make_issue(title="すでにある穴")
    login(make_user())
    data = {"step": "2", "category_id": str(city["pothole"]), "latitude": str(CENTER[0]),
            "longitude": str(CENTER[1]), "title": "また穴", "shown_nearby": ""}
    first = post_form("/issues/new", data)
    assert first.status_code == 200
    assert "すでにある穴" in first.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Issue.id))) == 1
    # The reporter saw it and declines: the report goes through.
    assert post_form("/issues/new", {**data, "shown_nearby": str(existing.id)}).status_code == 302
    assert post_form(f"/issues/{existing.id}/metoo", {}, page=f"/issues/{existing.id}").status_code == 302
    again = post_form(f"/issues/{existing.id}/metoo", {}, page=f"/issues/{existing.id}")
    assert again.status_code == 409
    with app.app_context():
        assert db.session.get(Issue, existing.id).metoo_count == 1
        assert db.session.scalar(select(func.count(MeToo.id))) == 1


def test_nearby_json(client, make_issue, city):
    make_issue(title="近くの穴")
    data = client.get(f"/issues/nearby.json?category_id={city['pothole']}&lat={CENTER[0]}&lon={CENTER[1]}").json
    assert data["issues"][0]["title"] == "近くの穴" and data["issues"][0]["distance_m"] == 0
    assert client.get("/issues/nearby.json?category_id=x&lat=1&lon=1").status_code == 400


# --- routing ------------------------------------------------------------------------------------

def test_category_override_per_area(app, make_issue, city):
    with app.app_context():
        kita = db.session.scalar(select(Area).where(Area.code == "kita"))
        db.session.add(CategoryOverride(category_id=city["pothole"], area_id=kita.id,
                                        department_id=city["environment"]))
        db.session.commit()
    north = make_issue(lat=CENTER[0] + 0.005, lon=CENTER[1] - 0.005)
    south = make_issue(lat=CENTER[0] - 0.005, lon=CENTER[1] + 0.005)
    assert north.department_id == city["environment"]
    assert south.department_id == city["roads"]


def test_areas_import_cli(app, runner, tmp_path):
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"code": "x", "name_ja": "テスト区", "name_en": "Test"},
        "geometry": {"type": "Polygon", "coordinates": [[[139, 35], [140, 35], [140, 36], [139, 36], [139, 35]]]}}]}))
    result = runner.invoke(args=["areas", "import", str(path)])
    assert result.exit_code == 0 and "1 created" in result.output
    assert "0 created, 1 updated" in runner.invoke(args=["areas", "import", str(path)]).output
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"properties": {}, "geometry": {"type": "Point"}}]}')
    assert runner.invoke(args=["areas", "import", str(bad)]).exit_code != 0
    bad.write_text("not json")
    assert runner.invoke(args=["areas", "import", str(bad)]).exit_code != 0


# --- status and permissions -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("who", "allowed"),
    [("reporter", False), ("resident", False), ("official_roads", True), ("official_env", False),
     ("moderator", False), ("facilitator", False), ("admin", True)],
)
def test_status_permission_matrix(app, make_user, make_issue, who, allowed):
    reporter = make_user()
    issue = make_issue(reporter)
    people = {"reporter": reporter, "resident": make_user(),
              "official_roads": make_user("official", department="roads"),
              "official_env": make_user("official", department="environment"),
              "moderator": make_user("moderator"), "facilitator": make_user("facilitator"),
              "admin": make_user("admin")}
    with ctx(app):
        if allowed:
            services.change_status(u(people[who]), i(issue), "in_progress", "")
            db.session.commit()
            assert i(issue).status == "in_progress"
        else:
            with pytest.raises(PermissionDenied):
                services.change_status(u(people[who]), i(issue), "in_progress", "")


@pytest.mark.parametrize("status", ["unable_to_fix", "not_responsible", "internal_referral", "duplicate"])
def test_closed_statuses_need_a_note(app, make_user, make_issue, status):
    issue = make_issue()
    official = make_user("official", department="roads")
    with ctx(app), pytest.raises(InvalidInput):
        services.change_status(u(official), i(issue), status, "  ")


def test_duplicate_links_the_original_and_status_change_is_audited_and_notified(app, client, make_user, make_issue):
    reporter = make_user()
    original, copy = make_issue(title="元の報告"), make_issue(reporter, title="重複した報告")
    official = make_user("official", department="roads")
    with ctx(app):
        with pytest.raises(InvalidInput):
            services.change_status(u(official), i(copy), "duplicate", "重複です", duplicate_of_id="abc")
        with pytest.raises(Conflict):
            services.change_status(u(official), i(copy), "duplicate", "重複です", duplicate_of_id=copy.id)
        db.session.rollback()
        services.change_status(u(official), i(copy), "duplicate", "重複です", duplicate_of_id=original.id)
        db.session.commit()
        assert i(copy).duplicate_of_id == original.id and i(copy).closed_at is not None
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "issue.status")).actor_id == official.id
        assert db.session.scalar(select(Notification.user_id).where(Notification.kind == "issue.status")) == reporter.id
    html = client.get(f"/issues/{copy.id}").get_data(as_text=True)
    assert f'href="/issues/{original.id}"' in html and "重複です" in html


def test_illegal_moves_are_refused(app, make_user, make_issue):
    issue = make_issue()
    official = make_user("official", department="roads")
    with ctx(app):
        with pytest.raises(Conflict):
            services.change_status(u(official), i(issue), "open", "")
        with pytest.raises(InvalidInput):
            services.change_status(u(official), i(issue), "fixed_by_reporter", "")
        with pytest.raises(InvalidInput):
            services.change_status(u(official), i(issue), "exploded", "")
        with pytest.raises(Conflict):
            i(issue).reopen()


def test_the_reporter_says_fixed_and_only_the_reporter_reopens(app, make_user, make_issue):
    reporter, neighbour = make_user(), make_user()
    issue = make_issue(reporter)
    with ctx(app):
        with pytest.raises(PermissionDenied):  # issue 11: others suggest, they do not close
            services.mark_fixed(u(neighbour), i(issue), "直っていました")
        services.suggest_fixed(u(neighbour), i(issue), "直っていました")
        services.mark_fixed(u(reporter), i(issue), "直っていました")
        db.session.commit()
        assert i(issue).status == "fixed_by_reporter"
        with pytest.raises(PermissionDenied):
            services.mark_fixed(u(neighbour), i(issue), "")
        with pytest.raises(PermissionDenied):
            services.reopen(u(neighbour), i(issue), "まだ穴がある")
        with pytest.raises(InvalidInput):
            services.reopen(u(reporter), i(issue), "   ")
        services.reopen(u(reporter), i(issue), "まだ穴がある")
        db.session.commit()
        assert i(issue).status == "open" and i(issue).fixed_at is None
        roles = [x.author_role for x in queries.timeline(i(issue))]
        assert roles == ["resident", "reporter", "reporter"]


def test_not_responsible_can_be_reopened_by_the_reporter(app, client, login, make_user, make_issue, post_form):
    reporter = make_user()
    issue = make_issue(reporter)
    official = make_user("official", department="roads")
    with ctx(app):
        services.change_status(u(official), i(issue), "not_responsible", "県の管理です")
        db.session.commit()
    url, page = f"/issues/{issue.id}/reopen", f"/issues/{issue.id}"
    login(make_user())
    assert post_form(url, {"reason": "違います"}, page=page).status_code == 403
    login(reporter)
    assert post_form(url, {"reason": ""}, page=page).status_code == 400
    assert post_form(url, {"reason": "市道です"}, page=page).status_code == 302
    with app.app_context():
        assert db.session.get(Issue, issue.id).status == "open"


def test_status_change_through_the_page_with_a_template(app, client, login, make_user, make_issue, city, post_form):
    issue = make_issue()
    official = login(make_user("official", department="roads"))
    with ctx(app):
        template = services.add_template(u(official), city["roads"], "investigating",
                                         {"ja": "確認"}, {"ja": "現地を確認します。", "en": "We will look."})
        db.session.commit()
        template_id = template.id
    response = post_form(f"/issues/{issue.id}/status", {"status": "investigating", "template_id": str(template_id),
                                                        "note": ""}, page=f"/issues/{issue.id}")
    assert response.status_code == 302
    html = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert "現地を確認します。" in html and "道路課" in html
    with app.app_context():
        assert db.session.get(Issue, issue.id).acknowledged_at is not None
    wrong = login(make_user("official", department="environment"))
    assert post_form(f"/issues/{issue.id}/status", {"status": "fixed", "note": "x"},
                     page=f"/issues/{issue.id}").status_code == 403
    assert wrong.id


def test_reassign_moves_the_issue_with_a_public_note(app, make_user, make_issue, city):
    issue = make_issue()
    official = make_user("official", department="roads")
    with ctx(app):
        with pytest.raises(InvalidInput):
            services.reassign(u(official), i(issue), city["environment"], "")
        services.reassign(u(official), i(issue), city["environment"], "落書きの担当へ")
        db.session.commit()
        assert i(issue).department_id == city["environment"]
        with pytest.raises(PermissionDenied):  # no longer their department
            services.change_status(u(official), i(issue), "fixed", "x")


# --- finding ------------------------------------------------------------------------------------

def test_geojson_limits_filters_and_bad_bbox(app, client, make_issue, make_user, city):
    for n in range(3):
        make_issue(title=f"穴{n}", lat=CENTER[0] + n * 0.001)
    make_issue(category="graffiti", title="落書き")
    data = client.get(f"/issues.geojson?bbox=139.6,35.6,139.8,35.7&category={city['graffiti']}").json
    assert [f["properties"]["title"] for f in data["features"]] == ["落書き"]
    data = client.get("/issues.geojson?bbox=139.6,35.6,139.8,35.7").json
    assert len(data["features"]) == 4 and data["truncated"] is False
    assert [f["properties"]["title"] for f in data["features"]][0] == "落書き"  # newest first
    assert client.get("/issues.geojson?status=fixed").json["features"] == []
    for bad in ["1,2,3", "a,b,c,d", "139.8,35.6,139.6,35.7", "999,0,1000,1"]:
        response = client.get(f"/issues.geojson?bbox={bad}")
        assert response.status_code == 400 and response.json["error"]["message"]
    assert client.get("/issues.geojson?status=bogus").status_code == 400


def test_geojson_truncates_at_500(app, client, city, make_user):
    reporter = make_user()
    with app.app_context():
        now = clock.now()
        db.session.add_all([Issue(category_id=city["pothole"], department_id=city["roads"], reporter_id=reporter.id,
                                  title=f"穴{n}", latitude=CENTER[0], longitude=CENTER[1],
                                  created_at=now - timedelta(minutes=n), updated_at=now) for n in range(501)])
        db.session.commit()
    data = client.get("/issues.geojson").json
    assert len(data["features"]) == 500 and data["truncated"] is True
    assert data["features"][0]["properties"]["title"] == "穴0"


def test_old_closed_issues_are_hidden_by_default(app, client, make_user, make_issue):
    issue = make_issue(title="昔に閉じた報告")
    official = make_user("official", department="roads")
    with ctx(app):
        services.change_status(u(official), i(issue), "fixed", "直しました")
        db.session.commit()
    assert "昔に閉じた報告" in client.get("/issues/").get_data(as_text=True)
    clock.freeze(datetime.now(UTC) + timedelta(days=215))  # six months, to the start of that month
    assert "昔に閉じた報告" not in client.get("/issues/").get_data(as_text=True)
    assert "昔に閉じた報告" in client.get("/issues/?old=1").get_data(as_text=True)


def test_list_filters_and_bad_values(client, make_issue, city):
    make_issue(title="穴の報告")
    make_issue(category="graffiti", title="落書きの報告")
    html = client.get(f"/issues/?category={city['graffiti']}").get_data(as_text=True)
    assert "落書きの報告" in html and "穴の報告" not in html
    assert "穴の報告" in client.get(f"/issues/?department={city['roads']}").get_data(as_text=True)
    assert client.get("/issues/?category=abc").status_code == 400
    assert client.get("/issues/?page=-1").status_code == 400
    assert client.get("/issues/?page=99999999").status_code == 200


def test_triage_order_and_bulk_change(app, client, login, make_user, make_issue, post_form):
    base = datetime(2026, 11, 1, tzinfo=UTC)
    made = []
    for n in range(3):
        clock.freeze(base + timedelta(days=n))
        made.append(make_issue(title=f"報告{n}"))
    official = make_user("official", department="roads")
    clock.freeze(base + timedelta(days=5))
    with ctx(app):
        services.change_status(u(official), i(made[0]), "investigating", "見ます")  # acknowledged
        db.session.commit()
        queue = [x.title for x in queries.triage_queue(u(official))]
        assert queue == ["報告1", "報告2", "報告0"]
    login(official)
    response = post_form("/admin/triage", {"issue_ids": [str(made[1].id), str(made[2].id)],
                                           "status": "in_progress", "note": "まとめて対応中"})
    assert response.status_code == 302
    with app.app_context():
        assert {db.session.get(Issue, m.id).status for m in made[1:]} == {"in_progress"}
        assert db.session.scalar(select(func.count(IssueUpdate.id)).where(IssueUpdate.text == "まとめて対応中")) == 2
    empty = post_form("/admin/triage", {"status": "in_progress", "note": "x"})
    assert empty.status_code == 400


def test_triage_is_for_officials(client, login, make_user, city):
    login(make_user())
    assert client.get("/admin/triage").status_code == 403


def test_response_time_stats(app, client, make_user, make_issue):
    official = make_user("official", department="roads")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    clock.freeze(base)
    fast, slow, untouched = make_issue(title="速い"), make_issue(title="遅い"), make_issue(title="未対応")
    with ctx(app):
        clock.freeze(base + timedelta(hours=2))
        services.change_status(u(official), i(fast), "in_progress", "")
        clock.freeze(base + timedelta(hours=10))
        services.change_status(u(official), i(fast), "fixed", "直しました")
        clock.freeze(base + timedelta(hours=6))
        services.change_status(u(official), i(slow), "investigating", "")
        clock.freeze(base + timedelta(days=40))
        services.change_status(u(official), i(slow), "fixed", "直しました")
        db.session.commit()
        assert reports.response_stats()["departments"][0].fixed_within_30_days is None  # January not settled
        clock.freeze(base + timedelta(days=70))
        stats = reports.response_stats()
    roads = stats["departments"][0]
    assert roads.reports == 3
    assert roads.median_hours_to_response == 4.0  # 2 h and 6 h: the edge between the 2-4 h and 4-8 h bands
    assert roads.median_hours_to_fixed == 12.0  # 10 h and 960 h: the top of the 8-12 h band
    assert roads.fixed_within_30_days == pytest.approx(33.3)  # 1 of 3 reports of a settled month
    assert roads.acknowledged_within_2_working_days == pytest.approx(66.7)
    assert roads.fixed_within_target == pytest.approx(33.3)  # 20 working days by default
    html = client.get("/issues/stats").get_data(as_text=True)
    assert "最初の対応までの時間" in html
    assert untouched.id
