"""Registration, sign-in, sign-out, the account page and their bad input."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.core.models import User
from participation.extensions import db

from ..conftest import PASSWORD


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def register_data(**overrides):
    data = {
        "email": "hanako@example.jp",
        "display_name": "山田 花子",
        "password": "sakura-no-hana",
        "confirm": "sakura-no-hana",
        "accept_terms": "y",
    }
    data.update(overrides)
    return data


def test_register_creates_account_signs_in_and_keeps_language(app, client, post_form):
    response = post_form("/auth/register", register_data(email="Hanako@Example.JP"))
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert 'おかえりなさい、<span class="name">山田 花子</span>さん。' in home  # the name never breaks
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "hanako@example.jp"  # normalised
        assert user.language == "ja"
        assert user.password_hash != "sakura-no-hana"
        assert user.check_password("sakura-no-hana")


def test_register_duplicate_email_does_not_tell_but_tells_the_owner(app, client, post_form, make_user):
    """No enumeration (issue 15): the same answer as a new account; the owner gets a notice."""
    app.extensions["mailman"].outbox = []
    make_user(email="taken@example.jp")
    response = post_form("/auth/register", register_data(email="TAKEN@example.jp"))
    assert response.status_code == 302
    assert "すでに登録" not in client.get("/").get_data(as_text=True)
    assert user_count(app) == 1
    assert [m.to for m in app.extensions["mailman"].outbox] == [["taken@example.jp"]]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "正しいメールアドレスを入力してください。"),
        ({"email": "a" * 250 + "@example.jp"}, "メールアドレスが長すぎます。"),
        ({"display_name": "名" * 81}, "表示名は80文字以内で入力してください。"),
        ({"display_name": ""}, "表示名を入力してください。"),
        ({"password": "short", "confirm": "short"}, "パスワードは10文字以上200文字以内にしてください。"),
        ({"password": "x" * 201, "confirm": "x" * 201}, "パスワードは10文字以上200文字以内にしてください。"),
        ({"confirm": "something-else"}, "2つのパスワードが一致しません。"),
        ({"email": ""}, "メールアドレスを入力してください。"),
    ],
)
def test_register_bad_input_shows_translated_error_and_writes_nothing(
        app, post_form, overrides, message):
    response = post_form("/auth/register", register_data(**overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert user_count(app) == 0


def test_register_errors_are_linked_to_their_fields(post_form):
    html = post_form("/auth/register", register_data(email="bad")).get_data(as_text=True)
    assert 'href="#email"' in html  # summary links to the field
    assert 'aria-describedby="email-error"' in html
    assert 'id="email-error"' in html


def test_register_without_csrf_token_is_refused(app, client):
    response = client.post("/auth/register", data=register_data())
    assert response.status_code == 400
    assert "フォームの有効期限が切れたか" in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_register_honeypot_refuses_bots(app, post_form):
    response = post_form("/auth/register", register_data(website="http://spam.example"))
    assert response.status_code == 400
    assert user_count(app) == 0


def test_register_with_nul_byte_is_refused(app, post_form):
    response = post_form("/auth/register", register_data(display_name="abc\x00def"))
    assert response.status_code == 400
    assert user_count(app) == 0


def test_login_logout_round_trip(client, make_user, post_form):
    user = make_user(email="taro@example.jp", display_name="太郎")
    response = post_form("/auth/login", {"email": "Taro@example.jp", "password": PASSWORD})
    assert response.status_code == 302
    assert 'おかえりなさい、<span class="name">太郎</span>さん。' in client.get("/").get_data(as_text=True)
    response = post_form("/auth/logout", {}, page="/")
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "太郎" not in html
    assert user.id


def test_logout_requires_post(client, make_user, login):
    login(make_user())
    assert client.get("/auth/logout").status_code == 405


@pytest.mark.parametrize(
    ("email", "password"),
    [("taro@example.jp", "wrong password"), ("nobody@example.jp", PASSWORD)],
)
def test_login_failure_gives_the_same_translated_message(make_user, post_form, email, password):
    make_user(email="taro@example.jp")
    response = post_form("/auth/login", {"email": email, "password": password})
    assert response.status_code == 400
    assert "メールアドレスまたはパスワードが正しくありません。" in response.get_data(as_text=True)


def test_login_overlong_fields_are_form_errors(post_form):
    response = post_form("/auth/login", {"email": "a" * 300, "password": "p" * 500})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "メールアドレスが長すぎます。" in html
    assert "パスワードが長すぎます。" in html


def test_login_without_csrf_is_refused(client, make_user):
    make_user(email="taro@example.jp")
    response = client.post("/auth/login", data={"email": "taro@example.jp", "password": PASSWORD})
    assert response.status_code == 400
    assert "おかえりなさい" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account/", "/account/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_login_next_redirect_is_safe(make_user, post_form, next_url, expected):
    make_user(email="taro@example.jp")
    response = post_form("/auth/login", {"email": "taro@example.jp", "password": PASSWORD,
                                         "next": next_url})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_required_page_sends_to_login_with_next(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_remember_me_sets_a_persistent_cookie(client, make_user, post_form):
    make_user(email="taro@example.jp")
    response = post_form("/auth/login", {"email": "taro@example.jp", "password": PASSWORD,
                                         "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "Expires=" in remember[0] and "HttpOnly" in remember[0]


def test_login_is_rate_limited_with_a_translated_page(app, make_user, post_form):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    make_user(email="taro@example.jp")
    for _ in range(3):
        assert post_form("/auth/login", {"email": "taro@example.jp", "password": "nope"}).status_code == 400
    response = post_form("/auth/login", {"email": "taro@example.jp", "password": PASSWORD})
    assert response.status_code == 429
    assert "短時間にリクエストが集中しました。" in response.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(app, make_user, post_form):
    user = make_user(email="taro@example.jp")
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    response = post_form("/auth/login", {"email": "taro@example.jp", "password": PASSWORD})
    assert response.status_code == 400


def test_account_page_updates_profile_and_language(app, client, make_user, login, post_form):
    user = login(make_user(display_name="旧名"))
    response = post_form("/account/", {"display_name": "新しい名前", "language": "en"})
    assert response.status_code == 302
    html = client.get("/account/").get_data(as_text=True)
    assert 'lang="en"' in html and "My account" in html
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert (saved.display_name, saved.language) == ("新しい名前", "en")


def test_account_profile_rejects_unknown_language(app, make_user, login, post_form):
    user = login(make_user(display_name="旧名"))
    response = post_form("/account/", {"display_name": "新しい名前", "language": "fr"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, user.id).display_name == "旧名"


def test_password_change_needs_current_password(app, make_user, login, post_form):
    user = login(make_user())
    bad = post_form("/account/password", {"pw-current_password": "wrong",
                                          "pw-new_password": "new-password-1",
                                          "pw-confirm": "new-password-1"}, page="/account/")
    assert bad.status_code == 400
    assert "現在のパスワードが正しくありません。" in bad.get_data(as_text=True)
    good = post_form("/account/password", {"pw-current_password": PASSWORD,
                                           "pw-new_password": "new-password-1",
                                           "pw-confirm": "new-password-1"}, page="/account/")
    assert good.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).check_password("new-password-1")
