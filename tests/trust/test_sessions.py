"""Issue 11, items 1-3: revocable sessions, the password policy, proxies and HSTS."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core import passwords, services
from participation.core.errors import InvalidInput
from participation.core.models import User
from participation.extensions import db
from participation.moderation import services as moderation_services

from ..conftest import PASSWORD, csrf_token


def sign_in(client, post_form, email, remember=False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = post_form("/auth/login", data)
    assert response.status_code == 302
    return client


def copy_cookies(source, target):
    """An attacker's copy of the victim's cookies (session and "keep me signed in")."""
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_session_carries_a_token_not_the_user_id(app, client, post_form, make_user):
    user = make_user(email="a@example.jp")
    sign_in(client, post_form, "a@example.jp")
    with client.session_transaction() as session:
        assert session["_user_id"] != str(user.id)
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(user.id), True
    assert not signed_in(forged)  # the old way of naming the user no longer authenticates


@pytest.mark.parametrize("event", ["logout", "password", "block", "everywhere"])
def test_events_end_copied_sessions_and_remember_cookies(app, client, post_form, make_user, event):
    victim = make_user(email="victim@example.jp")
    sign_in(client, post_form, "victim@example.jp", remember=True)
    stolen = app.test_client()
    copy_cookies(client, stolen)
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert signed_in(stolen) and signed_in(only_remember)
    if event == "logout":
        assert post_form("/auth/logout", {}, page="/account/").status_code == 302
    elif event == "password":
        new = "a brand new passphrase"
        response = post_form("/account/password", {"pw-current_password": PASSWORD, "pw-new_password": new,
                                                   "pw-confirm": new}, page="/account/")
        assert response.status_code == 302
        assert signed_in(client)  # the browser that changed it stays signed in
    elif event == "everywhere":
        assert post_form("/account/sessions/end", {}, page="/account/").status_code == 302
        assert signed_in(client)
    else:
        moderator = make_user("moderator")
        with app.test_request_context("/"):
            moderation_services.block_user(db.session.get(User, moderator.id), db.session.get(User, victim.id),
                                           "繰り返し迷惑な投稿を続けたため。")
            db.session.commit()
        assert not signed_in(client)
    assert not signed_in(stolen)
    assert not signed_in(only_remember)


def test_account_page_offers_sign_out_everywhere(client, login, make_user):
    login(make_user())
    html = client.get("/account/").get_data(as_text=True)
    assert 'action="/account/sessions/end"' in html
    assert "他のすべての端末からサインアウト" in html


@pytest.mark.parametrize(("password", "message"), [
    ("short-pw", passwords.TOO_COMMON),  # replaced below: too short
    ("password1234", passwords.TOO_COMMON),
    ("1234567890", passwords.TOO_COMMON),
    ("hanako@example.jp", passwords.TOO_PERSONAL),
    ("Yamada Hanako", passwords.TOO_PERSONAL),
])
def test_password_policy(app, password, message):
    with app.test_request_context("/"):
        with pytest.raises(InvalidInput) as refused:
            services.register_user("hanako@example.jp", "Yamada Hanako", password)
        if password == "short-pw":
            assert "10" in str(refused.value.message)
        else:
            assert str(refused.value.message) == str(message)
        assert refused.value.field == "password"
        assert db.session.scalar(select(User)) is None


def test_password_policy_is_explained_in_japanese(client, post_form):
    response = post_form("/auth/register", {"email": "k@example.jp", "display_name": "けい",
                                            "password": "qwertyuiop", "confirm": "qwertyuiop",
                                            "accept_terms": "y"})
    assert response.status_code == 400
    assert "よく使われているパスワード" in response.get_data(as_text=True)


def test_change_password_applies_the_policy(app, client, login, make_user, post_form):
    user = login(make_user(email="c@example.jp"))
    response = post_form("/account/password", {"pw-current_password": PASSWORD, "pw-new_password": "c@example.jp",
                                               "pw-confirm": "c@example.jp"}, page="/account/")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, user.id).check_password(PASSWORD)


def run_wsgi(proxies: int) -> dict:
    from participation.core.proxies import apply_proxy_fix

    seen = {}

    def inner(environ, start_response):
        seen["addr"], seen["scheme"] = environ["REMOTE_ADDR"], environ["wsgi.url_scheme"]
        start_response("200 OK", [])
        return [b""]

    environ = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9",
               "HTTP_X_FORWARDED_PROTO": "https", "wsgi.url_scheme": "http", "REQUEST_METHOD": "GET",
               "PATH_INFO": "/", "SERVER_NAME": "x", "SERVER_PORT": "80"}
    apply_proxy_fix(inner, proxies)(environ, lambda *a: None)
    return seen


def test_forwarded_headers_are_ignored_by_default(app):
    assert app.config["TRUSTED_PROXIES"] == 0
    assert run_wsgi(0) == {"addr": "10.0.0.1", "scheme": "http"}


def test_trusted_proxy_gives_the_client_address():
    # One proxy: the entry it added, not the one a client forged before it.
    assert run_wsgi(1) == {"addr": "203.0.113.9", "scheme": "https"}


def test_create_app_wraps_for_trusted_proxies(tmp_path):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from participation import create_app
    from participation.config import TestConfig

    app = create_app(type("C", (TestConfig,), {"TRUSTED_PROXIES": 1}))
    assert isinstance(app.wsgi_app, ProxyFix)


def test_hsts_in_production_only(app, client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    app.config["HSTS_SECONDS"] = 31536000
    assert client.get("/healthz").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_csrf_helper_still_works(client):
    assert csrf_token(client)
