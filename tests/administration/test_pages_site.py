"""core.pages (versioned fixed pages, policy acceptance) and core.site (settings without a restart)."""
from __future__ import annotations

import pytest

from participation.core import pages, site
from participation.core.errors import InvalidInput, PermissionDenied
from participation.core.models import User
from participation.extensions import db


def _user(app, user):
    return db.session.get(User, user.id)


def test_acceptance_is_asked_again_after_a_new_version(app, make_user, client, login, post_form):
    admin, resident = make_user("admin"), make_user()
    with app.app_context():
        actor = _user(app, admin)
        pages.publish_version(actor, "terms", {"ja": "利用規約"}, {"ja": "第1条 **ルール**", "en": "Rules"})
        pages.publish_version(actor, "privacy", {"ja": "プライバシー"}, {"ja": "個人情報"})
        person = _user(app, resident)
        assert pages.pending_acceptance(person) == ["terms", "privacy"]
        pages.record_acceptance(person)
        assert pages.pending_acceptance(person) == []
        pages.record_acceptance(person)  # twice: nothing new
        assert db.session.scalar(db.select(db.func.count(pages.PolicyAcceptance.id))) == 2
        pages.publish_version(actor, "terms", {"ja": "利用規約"}, {"ja": "第2版"})
        assert pages.pending_acceptance(person) == ["terms"]
        assert pages.current_version("terms") == 2
        db.session.commit()
    login(resident)
    response = client.get("/issues/")
    assert response.status_code == 302 and "/pages/accept" in response.headers["Location"]
    assert client.get("/pages/terms").status_code == 200  # reading stays possible
    page = client.get("/pages/accept?next=/issues/").get_data(as_text=True)
    assert "/pages/terms" in page
    response = post_form("/pages/accept", {"next": "/issues/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/issues/")
    assert client.get("/issues/").status_code == 200
    with app.app_context():
        rows = db.session.execute(db.select(pages.PolicyAcceptance.slug, pages.PolicyAcceptance.version)
                                  .where(pages.PolicyAcceptance.user_id == resident.id)).all()
        assert sorted(rows) == [("privacy", 1), ("terms", 1), ("terms", 2)]


def test_pages_render_markdown_safely_and_only_admins_publish(app, make_user, client):
    admin, resident = make_user("admin"), make_user()
    assert client.get("/pages/about").status_code == 404  # never published
    assert client.get("/pages/unknown").status_code == 404
    with app.app_context():
        with pytest.raises(PermissionDenied):
            pages.publish_version(_user(app, resident), "about", {}, {"ja": "x"})
        with pytest.raises(InvalidInput):
            pages.publish_version(_user(app, admin), "about", {}, {"ja": " ", "en": ""})
        pages.publish_version(_user(app, admin), "about", {"ja": "このサイトについて"},
                              {"ja": "## 目的\n<script>alert(1)</script>[x](javascript:alert(1))"})
        db.session.commit()
    html = client.get("/pages/about").get_data(as_text=True)
    assert "<h2>目的</h2>" in html and "<script>alert" not in html and "javascript:" not in html


def test_settings_take_effect_without_a_restart(app, make_user, client):
    admin, resident = make_user("admin"), make_user()
    with app.app_context():
        assert site.get("MODERATION_HIDE_THRESHOLD") == app.config["MODERATION_HIDE_THRESHOLD"]
        with pytest.raises(PermissionDenied):
            site.set_values(_user(app, resident), {"MODERATION_HIDE_THRESHOLD": 5})
        for name, bad in [("MODERATION_HIDE_THRESHOLD", "0"), ("CITY_TIMEZONE", "Mars/Base"),
                          ("MAP_CENTER", ["95", "0"]), ("MAP_TILE_URL", "http://x/{z}/{x}/{y}"),
                          ("POST_RATE_LIMIT", "lots"), ("CITY_NAME", {"ja": "", "en": ""})]:
            with pytest.raises(InvalidInput):
                site.set_values(_user(app, admin), {name: bad})
        site.set_values(_user(app, admin), {"CITY_NAME": {"ja": "あおば市", "en": "Aoba City"},
                                            "MODERATION_HIDE_THRESHOLD": "7"})
        assert site.get("MODERATION_HIDE_THRESHOLD") == 7
        db.session.commit()
    assert "あおば市" in client.get("/?lang=ja").get_data(as_text=True)


def test_demo_pages_are_published_once_and_demo_accounts_need_not_accept_again(app, make_user):
    from participation.administration.demo import seed

    make_user("admin")
    person = make_user()
    with app.test_request_context("/"):
        assert seed() is not None
        assert seed() is None  # idempotent
        assert all(pages.current_version(slug) == 1 for slug in pages.PAGES)
        assert pages.pending_acceptance(_user(app, person)) == []
