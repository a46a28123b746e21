"""Consent at registration (terms and privacy policy recorded with their versions; the optional consents
separate and unticked) and withdrawing on /account/privacy (the data is deleted, not blanked)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from participation.core import pages, privacy
from participation.core.errors import InvalidInput
from participation.core.models import User
from participation.core.pages import PolicyAcceptance
from participation.core.privacy_models import Consent, ConsentKind, Demographics
from participation.extensions import db
from participation.issues.models import Area

REGISTER = {"email": "new@example.jp", "display_name": "新しい住民", "password": "a long enough password",
            "confirm": "a long enough password"}


def _token(client, path):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def published(app, make_user):
    admin = make_user("admin")
    with app.app_context():
        admin = db.session.get(User, admin.id)
        for slug in pages.ACCEPTED_PAGES:
            pages.publish_version(admin, slug, {"ja": slug}, {"ja": "第1版"})
            pages.publish_version(admin, slug, {"ja": slug}, {"ja": "第2版"})
        area = Area(code="east", name={"ja": "東区"}, geometry={}, min_lat=0, min_lon=0, max_lat=1, max_lon=1)
        db.session.add(area)
        db.session.commit()
        return area.id


def test_the_form_asks_for_the_terms_and_ticks_no_optional_consent(client):
    html = client.get("/auth/register").get_data(as_text=True)
    for name in ("accept_terms", "consent_demographics", "consent_news"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="checkbox"' in tag and "checked" not in tag
    assert "回答しない" in html or "答えたくない" in html


def test_registration_refused_without_accepting_the_terms(app, client, published):
    response = client.post("/auth/register", data={**REGISTER, "csrf_token": _token(client, "/auth/register")})
    assert response.status_code == 400
    assert "利用規約" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == REGISTER["email"])) is None


def test_registration_records_the_versions_and_only_the_consents_given(app, client, published):
    response = client.post("/auth/register", data={**REGISTER, "accept_terms": "y", "consent_news": "y",
                                                   "csrf_token": _token(client, "/auth/register")})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == REGISTER["email"]))
        accepted = {(a.slug, a.version) for a in db.session.scalars(
            select(PolicyAcceptance).where(PolicyAcceptance.user_id == user.id))}
        assert accepted == {("terms", 2), ("privacy", 2)}
        assert privacy.consents_of(user) == {ConsentKind.NEWS}  # separate: news without demographics
        assert privacy.demographics_of(user) is None
        assert privacy.has_consent(user, ConsentKind.NEWS) and not privacy.has_public_profile(user)


def test_demographics_are_recorded_only_with_their_consent(app, client, published):
    data = {**REGISTER, "accept_terms": "y", "age_group": "60-69", "area_id": str(published), "gender": "女性",
            "csrf_token": _token(client, "/auth/register")}
    response = client.post("/auth/register", data=data)
    assert response.status_code == 400  # answers without the consent: asked to tick it, nothing stored
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == REGISTER["email"])) is None
    response = client.post("/auth/register", data={**data, "consent_demographics": "y"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == REGISTER["email"]))
        row = privacy.demographics_of(user)
        assert (row.age_group.value, row.area_id, row.gender) == ("60-69", published, "女性")
        assert row.consented_at is not None


def test_empty_answers_mean_prefer_not_to_say(app, make_user):
    user = make_user()
    with app.app_context():
        user = db.session.get(User, user.id)
        privacy.save_choices(user, demographics=True, news=False, data={})
        row = privacy.demographics_of(user)
        assert (row.age_group.value, row.area_id, row.gender) == ("prefer_not_to_say", None, "prefer_not_to_say")


@pytest.mark.parametrize("data", [{"age_group": "12-13"}, {"area_id": "999999"}, {"area_id": "abc"},
                                  {"gender": "x" * 41}])
def test_bad_demographic_answers_are_refused(app, make_user, data):
    user = make_user()
    with app.app_context():
        user = db.session.get(User, user.id)
        with pytest.raises(InvalidInput):
            privacy.save_choices(user, demographics=True, news=False, data=data)


def test_withdrawing_deletes_the_data(app, client, login, make_user, published):
    user = make_user()
    with app.app_context():
        row = db.session.get(User, user.id)
        privacy.save_choices(row, demographics=True, news=True, data={"age_group": "20-29", "area_id": published})
        db.session.commit()
    login(user)
    page = client.get("/account/privacy").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*name="consent_demographics"[^>]*>', page).group(0)
    response = client.post("/account/privacy", data={"csrf_token": _token(client, "/account/privacy"),
                                                     "consent_news": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Demographics).where(Demographics.user_id == user.id)) is None  # deleted
        kinds = set(db.session.scalars(select(Consent.kind).where(Consent.user_id == user.id)))
        assert kinds == {ConsentKind.NEWS}
        privacy.withdraw(db.session.get(User, user.id), ConsentKind.NEWS)
        assert db.session.scalar(select(Consent).where(Consent.user_id == user.id)) is None
