"""The administration pages: users and roles, departments, settings, site pages."""
from __future__ import annotations

from participation.core import site
from participation.core.models import AuditLog, Department, Role, RoleAssignment, User
from participation.extensions import db


def _audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(AuditLog.action).order_by(AuditLog.id)))


def test_dashboard_collects_every_feature_admin_page(make_user, client, login):
    login(make_user("admin"))
    html = client.get("/admin/").get_data(as_text=True)
    for path in ("/admin/users/", "/admin/departments/", "/admin/settings", "/admin/pages/",
                 "/admin/categories/", "/admin/areas/", "/admin/triage", "/admin/audit",
                 "/admin/api-keys/", "/admin/verifications", "/admin/meetings/", "/admin/jobs"):
        assert f'href="{path}' in html, path


def test_only_admins_reach_the_administration(make_user, client, login):
    for role in (None, "moderator", "facilitator"):
        login(make_user(role) if role else make_user())
        for path in ("/admin/", "/admin/users/", "/admin/departments/", "/admin/settings", "/admin/pages/terms"):
            assert client.get(path).status_code == 403, (role, path)


def test_search_users_pages_without_counting(app, make_user, client, login):
    admin = make_user("admin", display_name="管理 花子")
    make_user(email="taro@example.jp", display_name="山田 太郎")
    make_user(display_name="鈴木 一郎")
    login(admin)
    html = client.get("/admin/users/?q=TARO").get_data(as_text=True)
    assert "山田 太郎" in html and "鈴木 一郎" not in html
    html = client.get("/admin/users/?q=%25").get_data(as_text=True)  # a literal %, not a wildcard
    assert "山田 太郎" not in html
    html = client.get("/admin/users/?role=admin").get_data(as_text=True)
    assert "管理 花子" in html and "山田 太郎" not in html
    assert client.get("/admin/users/?page=99999999999").status_code == 200


def test_grant_and_revoke_roles_with_audit(app, make_user, make_process, client, login, post_form):
    admin, person = make_user("admin"), make_user()
    process = make_process()
    with app.app_context():
        department = Department(code="roads", name={"ja": "道路課", "en": "Roads"})
        db.session.add(department)
        db.session.commit()
        department_id = department.id
    login(admin)
    page = f"/admin/users/{person.id}"
    assert post_form(f"{page}/roles", {"role": "official"}, page=page).status_code == 400  # no department
    assert post_form(f"{page}/roles", {"role": "official", "department": str(department_id)},
                     page=page).status_code == 302
    moderator = {"role": "moderator", "process_id": str(process.id)}
    assert post_form(f"{page}/roles", moderator, page=page).status_code == 302
    assert post_form(f"{page}/roles", {"role": "superuser"}, page=page).status_code == 400
    html = client.get(page).get_data(as_text=True)
    assert "道路課" in html and process.title["ja"] in html
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.has_role(Role.OFFICIAL, department_id=department_id)
        assert user.has_role(Role.MODERATOR, process_id=process.id)
        assert not user.has_role(Role.MODERATOR, process_id=999)
        assignment_id = next(a.id for a in user.roles if a.role == Role.OFFICIAL)
    assert post_form(f"{page}/roles/{assignment_id}/revoke", {}, page=page).status_code == 302
    with app.app_context():
        assert not db.session.get(User, person.id).has_role(Role.OFFICIAL)
    assert _audit_actions(app)[-3:] == ["role.grant", "role.grant", "role.revoke"]


def test_the_last_admin_keeps_the_role(app, make_user, client, login, post_form):
    admin = make_user("admin")
    login(admin)
    with app.app_context():
        assignment_id = db.session.scalar(db.select(RoleAssignment.id).where(RoleAssignment.user_id == admin.id))
    page = f"/admin/users/{admin.id}"
    response = post_form(f"{page}/roles/{assignment_id}/revoke", {}, page=page)
    assert response.status_code == 409 and "最後の管理者" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin.id).has_role(Role.ADMIN)
    other = make_user("admin")  # with a second admin, the first may step down
    assert post_form(f"{page}/roles/{assignment_id}/revoke", {}, page=page).status_code == 302
    login(other)
    with app.app_context():
        other_assignment = db.session.scalar(db.select(RoleAssignment.id).where(RoleAssignment.user_id == other.id))
    page = f"/admin/users/{other.id}"
    assert post_form(f"{page}/roles/{other_assignment}/revoke", {}, page=page).status_code == 409
    # nobody can block the last admin either: only admins block staff, and nobody blocks themselves
    assert post_form(f"/moderation/users/{other.id}", {"justification": "x" * 30},
                     page=f"/moderation/users/{other.id}").status_code == 409


def test_user_page_shows_what_they_may_do_and_resends_confirmation(app, make_user, client, login, post_form):
    admin, person = make_user("admin"), make_user(display_name="確認 待ち")
    login(admin)
    page = f"/admin/users/{person.id}"
    html = client.get(page).get_data(as_text=True)
    assert "サイトの管理" in html
    assert post_form(f"{page}/confirmation", {}, page=page).status_code == 302
    assert "user.resend_confirmation" in _audit_actions(app)
    with app.app_context():
        from participation.core import clock

        db.session.get(User, person.id).email_confirmed_at = clock.now()
        db.session.commit()
    assert post_form(f"{page}/confirmation", {}, page=page).status_code == 409


def test_departments_crud_with_duplicate_codes(app, make_user, client, login, post_form):
    admin, official = make_user("admin"), make_user(email="kacho@example.jp")
    login(admin)
    data = {"code": "parks", "name_ja": "公園課", "name_en": "Parks", "contact_email": "parks@city.example.jp",
            "target_days": "14"}
    response = post_form("/admin/departments/", data)
    assert response.status_code == 302
    department_path = response.headers["Location"]
    response = post_form("/admin/departments/", {**data, "name_ja": "別の課"})
    assert response.status_code == 400 and "すでに使われています" in response.get_data(as_text=True)
    assert post_form("/admin/departments/", {**data, "code": "Bad Code!"}).status_code == 400
    assert post_form("/admin/departments/", {**data, "code": "x2", "name_ja": "", "name_en": ""}).status_code == 400
    assert post_form(department_path, {**data, "target_days": "10", "name_en": "Parks and Green"}).status_code == 302
    assert post_form(f"{department_path}/members", {"email": "nobody@example.jp"},
                     page=department_path).status_code == 400
    assert post_form(f"{department_path}/members", {"email": "KACHO@example.jp"},
                     page=department_path).status_code == 302
    with app.app_context():
        department = db.session.scalar(db.select(Department).where(Department.code == "parks"))
        assert department.target_days == 10 and department.name["en"] == "Parks and Green"
        assert db.session.get(User, official.id).has_role(Role.OFFICIAL, department_id=department.id)
    assert "kacho@example.jp" in client.get(department_path).get_data(as_text=True)
    assert post_form(f"{department_path}/members/{official.id}/remove", {}, page=department_path).status_code == 302
    with app.app_context():
        assert not db.session.get(User, official.id).has_role(Role.OFFICIAL)
    actions = _audit_actions(app)
    assert {"department.create", "department.update", "role.grant", "role.revoke"} <= set(actions)


def test_settings_page_changes_the_site_at_once(app, make_user, client, login, post_form):
    admin = make_user("admin")
    login(admin)
    form = client.get("/admin/settings").get_data(as_text=True)
    assert app.config["MAP_TILE_URL"] in form
    data = {"city_name_ja": "さくら市", "city_name_en": "Sakura City", "timezone": "Asia/Tokyo",
            "lat": "35.0", "lon": "135.5", "zoom": "12", "tile_url": "https://tiles.example.jp/{z}/{x}/{y}.png",
            "tile_attribution": "© example", "moderation_threshold": "2", "post_rate_limit": "10 per hour",
            "edit_minutes": "30"}
    assert post_form("/admin/settings", {**data, "zoom": "40"}).status_code == 400
    assert post_form("/admin/settings", {**data, "timezone": "Nowhere/City"}).status_code == 400
    assert post_form("/admin/settings", data).status_code == 302
    home = client.get("/?lang=ja")
    assert "さくら市" in home.get_data(as_text=True)
    issues = client.get("/issues/")
    assert "https://tiles.example.jp" in issues.headers["Content-Security-Policy"]
    assert 'data-tiles="https://tiles.example.jp/{z}/{x}/{y}.png"' in issues.get_data(as_text=True)
    with app.app_context():
        assert site.get("MODERATION_HIDE_THRESHOLD") == 2 and site.get("MAP_CENTER") == (35.0, 135.5)
    assert "setting.change" in _audit_actions(app)


def test_publishing_pages_in_the_browser(app, make_user, client, login, post_form):
    admin = make_user("admin")
    login(admin)
    assert client.get("/admin/pages/nope").status_code == 404
    title = {"title_ja": "このサイトについて"}
    assert post_form("/admin/pages/about", {**title, "body_ja": "", "body_en": ""}).status_code == 400
    assert post_form("/admin/pages/about", {**title, "body_ja": "市民参加の場です。"}).status_code == 302
    assert "市民参加の場です。" in client.get("/pages/about").get_data(as_text=True)
    assert 'href="/pages/about"' in client.get("/").get_data(as_text=True)  # linked from the footer
    assert post_form("/admin/pages/terms", {"title_ja": "利用規約", "body_ja": "規約"}).status_code == 302
    # the admin too must accept the new terms
    assert client.get("/admin/").status_code == 302
    assert "page.publish" in _audit_actions(app)
