"""Error pages in both languages, security headers, request size limits."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [("ja", "ページが見つかりません", "お探しのページが見つかりません。"),
     ("en", "Page not found", "We could not find this page.")],
)
def test_404_page_in_both_languages(client, lang, title, text):
    response = client.get(f"/no/such/page?lang={lang}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f"<h1 id=\"error-title\">{title}</h1>" in html and text in html
    assert f'<html lang="{lang}">' in html


@pytest.mark.parametrize(
    ("lang", "title"), [("ja", "許可されていない操作です"), ("en", "Method not allowed")]
)
def test_405_page(client, lang, title):
    response = client.delete(f"/healthz?lang={lang}")
    assert response.status_code == 405
    assert title in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(("lang", "title"), [("ja", "ファイルが大きすぎます"), ("en", "Upload too large")])
def test_413_page_for_bodies_over_10_mb(client, lang, title):
    body = b"photo=" + b"x" * (10 * 1024 * 1024)
    response = client.post(f"/auth/register?lang={lang}", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert title in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "title"), [("ja", "不正なリクエスト"), ("en", "Bad request")])
def test_400_page_for_missing_csrf(client, lang, title):
    response = client.post(f"/auth/login?lang={lang}", data={"email": "a@b.jp", "password": "x"})
    assert response.status_code == 400
    assert title in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "title"), [("ja", "リクエストが多すぎます"), ("en", "Too many requests")])
def test_429_page(app, client, post_form, lang, title):
    app.config["REGISTER_RATE_LIMIT"] = "1 per minute"
    post_form("/auth/register", {"email": "bad"})
    response = post_form(f"/auth/register?lang={lang}", {"email": "bad"})
    assert response.status_code == 429
    assert title in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "title"), [("ja", "問題が発生しました"), ("en", "Something went wrong")])
def test_500_page(tmp_path, lang, title):
    from participation import create_app

    from ..conftest import make_config

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}",
                                 TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @app.route("/__boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get(f"/__boom?lang={lang}")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert title in html and "RuntimeError" not in html


def test_json_clients_get_json_errors(client):
    response = client.get("/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


def test_security_headers_on_every_response(client):
    for response in (client.get("/"), client.get("/nope"), client.get("/healthz")):
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_flags(client, make_user, post_form):
    from ..conftest import PASSWORD

    make_user(email="taro@example.jp")
    response = post_form("/auth/login", {"email": "taro@example.jp", "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_uses_secure_cookies():
    from participation.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True


def test_pages_have_no_inline_scripts_or_styles(client):
    import re

    for path in ("/", "/auth/login", "/auth/register", "/nope"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html and " style=" not in html, path


def test_base_page_structure_is_accessible(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a class="skip-link" href="#main">本文へ移動</a>' in html
    assert '<main id="main"' in html
    assert html.count("<h1") == 1
    assert '<nav class="main-nav" aria-label="メインメニュー">' in html
