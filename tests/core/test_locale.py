"""Locale chain: ?lang= -> user preference -> session -> Accept-Language -> ja."""
from __future__ import annotations

import re
from datetime import UTC

from participation.core.i18n import localized

H1 = re.compile(r"<h1[^>]*>(.*?)</h1>")


def heading(response) -> str:
    return H1.search(response.get_data(as_text=True)).group(1)


def html_lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def test_default_is_japanese(client):
    response = client.get("/")
    assert html_lang(response) == "ja"
    assert heading(response) == "いっしょにみどり川市をつくろう"


def test_accept_language_english(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert html_lang(response) == "en"
    assert heading(response) == "Let's shape Midorikawa City together"


def test_unsupported_accept_language_falls_back_to_japanese(client):
    assert html_lang(client.get("/", headers={"Accept-Language": "fr-FR"})) == "ja"


def test_lang_parameter_wins_and_is_remembered_in_session(client):
    assert html_lang(client.get("/?lang=en", headers={"Accept-Language": "ja"})) == "en"
    assert html_lang(client.get("/", headers={"Accept-Language": "ja"})) == "en"
    assert html_lang(client.get("/?lang=ja")) == "ja"
    assert html_lang(client.get("/")) == "ja"


def test_unknown_lang_parameter_is_ignored(client):
    assert html_lang(client.get("/?lang=xx")) == "ja"


def test_user_preference_beats_session_and_browser(client, make_user, post_form):
    from ..conftest import PASSWORD

    user = make_user(language="en")
    with client.session_transaction() as session:
        session["lang"] = "ja"  # chosen before signing in
    post_form("/auth/login", {"email": user.email, "password": PASSWORD})
    assert html_lang(client.get("/", headers={"Accept-Language": "ja"})) == "en"


def test_saved_preference_applies_without_a_session_choice(client, make_user, login):
    login(make_user(language="en"))
    assert html_lang(client.get("/", headers={"Accept-Language": "ja"})) == "en"


def test_switching_language_while_signed_in_saves_the_preference(app, client, make_user, login, post_form):
    from participation.core.models import User
    from participation.extensions import db

    user = login(make_user(language="ja"))
    html = client.get("/processes/?x=1").get_data(as_text=True)
    assert 'action="/account/language"' in html and 'value="en"' in html
    response = post_form("/account/language", {"lang": "en", "next": "/?x=1"}, page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/?x=1"
    assert html_lang(client.get("/")) == "en"
    with app.app_context():
        assert db.session.get(User, user.id).language == "en"


def test_language_switch_never_leaves_the_site(client, post_form):
    response = post_form("/account/language", {"lang": "en", "next": "https://evil.example/"}, page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert html_lang(client.get("/")) == "en"
    assert post_form("/account/language", {"lang": "xx"}, page="/").status_code == 400


def test_a_get_with_lang_never_writes_the_preference(app, client, make_user, login):
    from participation.core.models import User
    from participation.extensions import db

    user = login(make_user(language="ja"))
    assert html_lang(client.get("/?lang=en")) == "en"
    with app.app_context():
        assert db.session.get(User, user.id).language == "ja"


def test_every_page_has_a_language_switch_keeping_the_query(client):
    html = client.get("/auth/login?next=/account/").get_data(as_text=True)
    assert 'href="/auth/login?next=%2Faccount%2F&amp;lang=en"' in html
    assert 'aria-current="true" lang="ja">日本語' in html


def test_localized_helper_fallbacks(app):
    with app.test_request_context("/?lang=en"):
        assert localized({"ja": "道路課", "en": "Roads"}) == "Roads"
        assert localized({"ja": "道路課", "en": ""}) == "道路課"
        assert localized({"en": "Only English"}, "ja") == "Only English"
        assert localized({"fr": "", "de": "Deutsch"}) == "Deutsch"
        assert localized(None) == ""
    with app.test_request_context("/"):
        assert localized({"ja": "道路課", "en": "Roads"}) == "道路課"


def test_l10n_filter_in_templates(app):
    with app.test_request_context("/?lang=en"):
        template = app.jinja_env.from_string("{{ value | l10n }}")
        assert template.render(value={"ja": "公園", "en": "Parks"}) == "Parks"


def test_dates_and_numbers_follow_locale_and_city_timezone(app):
    from datetime import datetime

    moment = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 2026-11-21 01:30 in Tokyo
    with app.test_request_context("/?lang=ja"):
        render = app.jinja_env.from_string("{{ d | date_text }} {{ n | number_text }} {{ d | datetime_text }}").render
        assert render(d=moment, n=12345) == "2026年11月21日 12,345 2026/11/21 1:30"  # minutes, no seconds
        # In pages dates and numbers are whole: <time> and <span class="num"> never break across lines.
        render = app.jinja_env.from_string(
            "{{ d | date }} {{ n | number }} {{ d | datetime }} {{ p | percent }}").render
        assert render(d=moment, n=12345, p=33.3) == (
            '<time datetime="2026-11-20T16:30:00+00:00">2026年11月21日</time> <span class="num">12,345</span> '
            '<time datetime="2026-11-20T16:30:00+00:00">2026/11/21 1:30</time> <span class="num">33.3%</span>')
    with app.test_request_context("/?lang=en"):
        render = app.jinja_env.from_string("{{ d | date_text }} {{ d | datetime_text }}").render
        assert render(d=moment) == "November 21, 2026 Nov 21, 2026, 1:30\u202fAM"
