"""API keys: issued by admins (page and command line), shown once, stored hashed, revocable, audited."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from participation.api import permissions
from participation.api import services as keys
from participation.api.models import ApiKey
from participation.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from participation.core.models import AuditLog, User
from participation.extensions import db

from ..conftest import CSRF_RE


@pytest.mark.parametrize(("role", "allowed"), [("anonymous", False), ("resident", False), ("official", False),
                                               ("moderator", False), ("facilitator", False), ("admin", True)])
def test_only_admins_manage_keys(app, make_user, role, allowed):
    department = "roads" if role == "official" else None
    user = AnonymousUserMixin() if role == "anonymous" else make_user(role, department=department)
    with app.app_context():
        if role != "anonymous":
            user = db.session.get(User, user.id)
        assert permissions.can_manage_api_keys(user) is allowed


def test_keys_are_stored_hashed_and_authenticate_until_revoked(app, make_user):
    admin = make_user("admin")
    with app.test_request_context("/"):
        actor = db.session.get(User, admin.id)
        row, key = keys.create_key(actor, {"name": "  市民アプリ ", "contact": "dev@example.jp"})
        assert row.name == "市民アプリ" and row.key_hash != key and key not in row.key_hash and len(key) >= 40
        assert row.prefix == key[:8] and keys.authenticate_key(key).id == row.id
        assert keys.authenticate_key(key + "x") is None and keys.authenticate_key("") is None
        assert row.user.email.endswith("@api.invalid") and not row.user.check_password("")
        with pytest.raises(Conflict):
            keys.create_key(actor, {"name": "市民アプリ"})
        keys.revoke_key(actor, row.id)
        assert keys.authenticate_key(key) is None
        with pytest.raises(Conflict):
            keys.revoke_key(actor, row.id)
        with pytest.raises(NotFound):
            keys.revoke_key(actor, 999_999)
        actions = list(db.session.scalars(select(AuditLog.action).where(AuditLog.target_type == "api_keys")))
        assert actions == ["api_key.create", "api_key.revoke"]


@pytest.mark.parametrize("data", [{"name": ""}, {"name": "x" * 81}, {"name": "a", "contact": "not-mail"},
                                  {"name": "a", "rate_limit": "lots"}, {"name": "a", "rate_limit": "5 per" * 20}])
def test_bad_key_input(app, make_user, data):
    admin = make_user("admin")
    with app.test_request_context("/"), pytest.raises(InvalidInput):
        keys.create_key(db.session.get(User, admin.id), data)


def test_residents_cannot_issue_keys(app, make_user):
    resident = make_user()
    with app.test_request_context("/"), pytest.raises(PermissionDenied):
        keys.create_key(db.session.get(User, resident.id), {"name": "mine"})


def test_admin_page_shows_a_new_key_once(app, client, make_user, login, post_form):
    login(make_user("admin"))
    response = post_form("/admin/api-keys/", {"name": "道路パトロール", "contact": "road@example.jp",
                                              "rate_limit": "10 per minute"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    key = html.split('id="new-key" class="api-key" type="text" readonly value="', 1)[1].split('"', 1)[0]
    with app.app_context():
        assert keys.authenticate_key(key).name == "道路パトロール"
    again = client.get("/admin/api-keys/").get_data(as_text=True)
    assert key not in again and "道路パトロール" in again and key[:8] in again
    with app.app_context():
        key_id = db.session.scalar(select(ApiKey.id))
    token = CSRF_RE.search(again).group(1)
    assert client.post(f"/admin/api-keys/{key_id}/revoke", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert keys.authenticate_key(key) is None
    refused = post_form("/admin/api-keys/", {"name": ""})
    assert refused.status_code == 400 and 'role="alert"' in refused.get_data(as_text=True)


def test_command_line(app, runner):
    result = runner.invoke(args=["api-keys", "create", "--name", "city-gis", "--contact", "gis@example.jp"])
    assert result.exit_code == 0, result.output
    key = result.output.rsplit(": ", 1)[1].strip()
    with app.app_context():
        assert keys.authenticate_key(key).name == "city-gis"
    assert "city-gis" in runner.invoke(args=["api-keys", "list"]).output
    assert runner.invoke(args=["api-keys", "create", "--name", "city-gis"]).exit_code != 0
    assert runner.invoke(args=["api-keys", "revoke", "city-gis"]).exit_code == 0
    assert runner.invoke(args=["api-keys", "revoke", "nobody"]).exit_code != 0
    with app.app_context():
        assert keys.authenticate_key(key) is None


def test_demo_key_is_seeded_once(app):
    from participation.api.demo import seed

    with app.app_context():
        line = seed()
        assert line and "/open311/v2/requests.json" in line
        assert seed() is None


def test_api_service_accounts_are_not_counted_as_residents(app, make_user):
    from participation.api import services as api_services
    from participation.core import services as core_services

    make_user()
    with app.app_context():
        before = core_services.count_users()
        api_services.create_key(None, {"name": "city app"}, check=False)
        assert core_services.count_users() == before
