"""Attacker review of the city administration: settings that break every page, GeoJSON uploads that
500, the last administrator lost to two admins acting at the same moment."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from participation.core import services, site
from participation.core.errors import Conflict, InvalidInput, ServiceError
from participation.core.models import Role, RoleAssignment, User
from participation.extensions import db
from participation.issues import admin_services

from ..threads import run_at_once


def _get(user_id: int) -> User:
    return db.session.get(User, user_id)


# --- settings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("tile_url", [
    "https://{s}/{z}/{x}/{y}.png",  # no dot after {s}: the CSP builder failed on every page
    "https://tiles.example;sandbox/{z}/{x}/{y}.png",  # a CSP directive of its own
    "https://tiles.example,evil.example/{z}/{x}/{y}.png",
    "https://tiles.example/{z}/{x}/{y}.png\nX-Evil: 1",
    "https://tiles.example/{z}/{x}\t/{y}.png",
    "https://tiles.example\\@evil.example/{z}/{x}/{y}.png",
    "https:///{z}/{x}/{y}.png",
])
def test_tile_url_that_would_break_or_inject_the_policy_is_refused(app, make_user, tile_url):
    admin = make_user("admin")
    with app.test_request_context("/", method="POST"), pytest.raises(InvalidInput):
        site.set_values(_get(admin.id), {"MAP_TILE_URL": tile_url})


def test_a_subdomain_tile_url_keeps_every_page_working(app, make_user, client):
    admin = make_user("admin")
    with app.test_request_context("/", method="POST"):
        site.set_values(_get(admin.id), {"MAP_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png"})
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 200
    assert "https://*.tile.example.org" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("limit", ["0 per minute", "5 per 99999999999999 year",
                                   "99999999999999999999999 per second"])
def test_posting_limit_that_locks_everyone_out_or_overflows_is_refused(app, make_user, limit):
    admin = make_user("admin")
    with app.test_request_context("/", method="POST"), pytest.raises(InvalidInput):
        site.set_values(_get(admin.id), {"POST_RATE_LIMIT": limit})


def test_posting_limit_setting_is_the_one_applied(app, make_user):
    from participation.core.security import post_rate_limit

    admin = make_user("admin")
    with app.test_request_context("/", method="POST"):
        site.set_values(_get(admin.id), {"POST_RATE_LIMIT": "2 per hour"})
        assert post_rate_limit() == "2 per hour"


def test_map_attribution_keeps_only_plain_links(app, make_user):
    admin = make_user("admin")
    with app.test_request_context("/", method="POST"):
        site.set_values(_get(admin.id), {"MAP_TILE_ATTRIBUTION":
                                         '<a href="https://maps.example/">地図</a><img src=x onerror=alert(1)>'
                                         '<a href="javascript:alert(1)">x</a><form action="https://evil/">'})
        stored = site.get("MAP_TILE_ATTRIBUTION")
    assert '<a href="https://maps.example/">地図</a>' in stored
    assert "<img" not in stored and "javascript:" not in stored and "<form" not in stored


# --- areas upload ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "[" * 100_000,  # json: RecursionError
    '{"type": "FeatureCollection", "features": "abc"}',
    '{"type": "FeatureCollection", "features": {"a": 1}}',
    '{"type": "FeatureCollection", "features": [1]}',
    '{"type": "FeatureCollection", "features": [{"properties": [1], "geometry": {}}]}',
    '{"type": "FeatureCollection", "features": [{"properties": {"code": "a"}, "geometry": "Polygon"}]}',
    '{"type": "FeatureCollection", "features": [{"properties": {"code": "' + "a" * 51 + '"}, "geometry": '
    '{"type": "Polygon", "coordinates": [[[139.7,35.6],[139.8,35.6],[139.8,35.7],[139.7,35.6]]]}}]}',
    '{"type": "FeatureCollection", "features": [{"properties": {"code": "a", "name_ja": {"x": 1}}, "geometry": '
    '{"type": "Polygon", "coordinates": [[[139.7,35.6],[139.8,35.6],[139.8,35.7],[139.7,35.6]]]}}]}',
    '{"type": "FeatureCollection", "features": [{"properties": {"code": "a"}, "geometry": '
    '{"type": "Polygon", "coordinates": [[[NaN,35.6],[139.8,35.6],[139.8,35.7],[NaN,35.6]]]}}]}',
    '{"type": "FeatureCollection", "features": [{"properties": {"code": "a"}, "geometry": '
    '{"type": "Polygon", "coordinates": [[[500,35.6],[501,35.6],[501,35.7],[500,35.6]]]}}]}',
])
def test_malformed_geojson_is_a_translated_refusal(app, make_user, raw):
    admin = make_user("admin")
    with app.test_request_context("/", method="POST"), pytest.raises(InvalidInput):
        admin_services.import_areas(_get(admin.id), raw)


def test_a_file_of_more_areas_than_a_city_has_is_refused_before_any_work(app, make_user):
    """20,000 polygons took 7 s of checking and storing in one request; now the count is checked first."""
    from participation.issues.areas import MAX_AREAS
    from participation.issues.models import Area

    admin = make_user("admin")
    square = {"type": "Polygon", "coordinates": [[[139.7, 35.6], [139.8, 35.6], [139.8, 35.7], [139.7, 35.6]]]}
    raw = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": f"d{i}"}, "geometry": square} for i in range(MAX_AREAS + 1)]})
    with app.test_request_context("/", method="POST"):
        with pytest.raises(InvalidInput) as refused:
            admin_services.import_areas(_get(admin.id), raw)
        assert "1,000" in str(refused.value.message)
        assert db.session.scalar(select(func.count()).select_from(Area)) == 0


def test_utf16_geojson_preview_is_not_a_500(app, make_user, client, login, post_form):
    login(make_user("admin"))
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "w1", "name_ja": "区"},
         "geometry": {"type": "Polygon",
                      "coordinates": [[[139.7, 35.6], [139.8, 35.6], [139.8, 35.7], [139.7, 35.6]]]}}]})
    response = post_form("/admin/areas/", {"file": (io.BytesIO(text.encode("utf-16")), "wards.geojson")},
                         page="/admin/areas/", content_type="multipart/form-data")
    assert response.status_code in (200, 400)


# --- the last administrator --------------------------------------------------------------------

@pytest.mark.commits_from_threads
def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, make_user):
    a, b = make_user("admin"), make_user("admin")

    def demote(actor_id, target_id):
        def job():
            target = _get(target_id)
            assignment = next(r for r in target.roles if r.role == Role.ADMIN)
            services.revoke_assignment(_get(actor_id), assignment)
        return job

    errors = run_at_once(app, [demote(a.id, b.id), demote(b.id, a.id)])
    with app.app_context():
        assert services.active_admin_count() == 1
        assert db.session.scalar(db.select(db.func.count(RoleAssignment.id))
                                 .where(RoleAssignment.role == Role.ADMIN)) == 1
    assert len(errors) == 1 and isinstance(errors[0], (Conflict, ServiceError)), errors


@pytest.mark.commits_from_threads
def test_two_admins_blocking_each_other_at_once_leave_one_admin(app, make_user):
    from participation.moderation import services as moderation

    a, b = make_user("admin"), make_user("admin")

    def block(actor_id, target_id):
        return lambda: moderation.block_user(_get(actor_id), _get(target_id), "荒らし行為が続いているためです。")

    errors = run_at_once(app, [block(a.id, b.id), block(b.id, a.id)])
    with app.app_context():
        assert services.active_admin_count() == 1
    assert len(errors) == 1, errors


# --- pages -----------------------------------------------------------------------------------------

def test_a_page_of_brackets_renders_at_once_as_text(app, make_user, client):
    """Python-Markdown took minutes (quadratic) on thousands of "[" in one paragraph, on every view."""
    from participation.core import pages
    from participation.core.sanitize import MARKUP_WORK_MAX, staff_html

    admin = make_user("admin")
    with app.test_request_context("/", method="POST"):
        pages.publish_version(_get(admin.id), "about", {"ja": "概要"},
                              {"ja": "## 目的\n\n[リンク](https://example.jp)\n\n" + "[" * 99_000})
        db.session.commit()
    body = client.get("/pages/about").get_data(as_text=True)  # without the guard: hours
    assert "<h2>目的</h2>" in body and '<a href="https://example.jp"' in body and "[[[[" in body
    # below the guard, Markdown still applies
    assert "<a " in staff_html("[a](https://example.jp) " + "[" * 10 + "x" * (MARKUP_WORK_MAX // 100))
    assert "<script" not in staff_html("<script>x</script>" + "[" * 5000)


# --- roles -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("process_id", ["abc", "0", "99999999999", "-3"])
def test_a_malformed_process_never_widens_a_role_to_every_process(app, make_user, client, login, post_form,
                                                                  process_id):
    admin, person = make_user("admin"), make_user()
    login(admin)
    page = f"/admin/users/{person.id}"
    response = post_form(f"{page}/roles", {"role": "facilitator", "process_id": process_id}, page=page)
    assert response.status_code == 400
    with app.app_context():
        assert not _get(person.id).roles  # not a facilitator of every process


def test_city_name_with_a_line_break_never_reaches_a_mail_header(app, make_user):
    from participation.core import mail

    admin = make_user("admin")
    with app.test_request_context("/", method="POST"):
        site.set_values(_get(admin.id), {"CITY_NAME": {"ja": "みどり川市\r\nBcc: evil@example.com",
                                                       "en": "Midori\nCity"}})
        assert site.get("CITY_NAME") == {"ja": "みどり川市 Bcc: evil@example.com", "en": "Midori City"}
        subject, _text, _html = mail.render("password_changed", "ja", user=_get(admin.id))
    assert "\n" not in subject and "\r" not in subject


def test_every_administration_post_needs_the_csrf_token(app, make_user, client, login):
    admin = make_user("admin")
    login(admin)
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods
             and (r.endpoint.startswith("administration.") or r.endpoint.startswith("issues.admin_"))]
    assert len(rules) >= 10
    for rule in rules:
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "terms")
        response = client.post(path, data={"role": "admin", "code": "x", "email": "a@example.jp"})
        assert response.status_code == 400, (rule.endpoint, response.status_code)
    with app.app_context():
        assert [a.role for a in _get(admin.id).roles] == [Role.ADMIN]
