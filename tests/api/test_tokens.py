"""Personal access tokens: created and revoked on the account page, hashed, scoped; writes go through
the web's services and predicates; cookie sessions cannot write through the API."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.api import tokens
from participation.api.models import PersonalToken
from participation.core import clock
from participation.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from participation.core.models import User
from participation.extensions import db, limiter
from participation.issues.models import Issue
from participation.proposals.models import Comment, Proposal

from ..conftest import CSRF_RE
from .conftest import CENTER


@pytest.fixture
def make_token(app, make_user):
    def factory(user=None, scope="write"):
        user = user or make_user()
        with app.app_context():
            _row, token = tokens.create_token(db.session.get(User, user.id), {"name": "アプリ", "scope": scope})
            db.session.commit()
        return user, {"Authorization": f"Bearer {token}"}

    return factory


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_tokens_are_hashed_scoped_and_limited(app, make_user):
    user = make_user()
    with app.test_request_context("/"):
        owner = db.session.get(User, user.id)
        row, token = tokens.create_token(owner, {"name": "家計簿アプリ", "scope": "write"})
        assert row.token_hash != token and row.prefix == token[:8] and row.scope == "write"
        for bad in ({"name": ""}, {"name": "a", "scope": "admin"}):
            with pytest.raises(InvalidInput):
                tokens.create_token(owner, bad)
        for n in range(9):
            tokens.create_token(owner, {"name": f"app {n}"})
        with pytest.raises(Conflict):
            tokens.create_token(owner, {"name": "one too many"})
        with pytest.raises(NotFound):
            tokens.revoke_token(db.session.get(User, make_user().id), row.id)
        with pytest.raises(PermissionDenied):
            tokens.create_token(None, {"name": "x"})


def test_account_page_shows_a_token_once_and_revokes(app, client, make_user, login, post_form):
    login(make_user())
    response = post_form("/account/api-tokens/", {"name": "まちアプリ", "scope": "write"})
    assert response.status_code == 200
    token = response.get_data(as_text=True).split('id="new-token" class="api-key" type="text" readonly value="', 1)[1]
    token = token.split('"', 1)[0]
    page = client.get("/account/api-tokens/").get_data(as_text=True)
    assert token not in page and "まちアプリ" in page
    with app.app_context():
        token_id = db.session.scalar(select(PersonalToken.id))
    csrf = CSRF_RE.search(page).group(1)
    revoked = client.post(f"/account/api-tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 302
    with app.app_context():
        assert db.session.get(PersonalToken, token_id).revoked_at is not None


def test_token_writes_use_the_web_services(app, client, world, city, make_token, check_schema, response_schema):
    user, headers = make_token()
    created = client.post(f"/api/v1/processes/{world['process']}/proposals", headers=headers,
                          json={"title": "夜の公園に明かりを", "body": "暗くて歩くのが怖いので街灯を増やして。"})
    assert created.status_code == 201, created.get_data(as_text=True)
    check_schema(created, response_schema("/api/v1/processes/{slug}/proposals", "post", 201))
    comment = client.post(f"/api/v1/proposals/{world['proposal']}/comments", headers=headers,
                          json={"body": "私も賛成です。", "alignment": 1})
    assert comment.status_code == 201
    check_schema(comment, response_schema("/api/v1/proposals/{proposal_id}/comments", "post", 201))
    supported = client.post(f"/api/v1/proposals/{world['proposal']}/support", headers=headers)
    assert supported.status_code == 200 and supported.get_json() == {"supports_count": 1}
    assert client.post(f"/api/v1/proposals/{world['proposal']}/support", headers=headers).status_code == 409
    issue = client.post("/api/v1/issues", headers=headers, json={
        "category_id": city["pothole"], "latitude": CENTER[0], "longitude": CENTER[1], "title": "ガードレールの破損"})
    assert issue.status_code == 201
    check_schema(issue, response_schema("/api/v1/issues", "post", 201))
    with app.app_context():
        proposal = db.session.get(Proposal, created.get_json()["id"])
        assert proposal.author_id == user.id and proposal.versions[0].number == 1
        assert db.session.get(Comment, comment.get_json()["id"]).author_id == user.id
        assert db.session.get(Issue, issue.get_json()["id"]).department_id == city["roads"]
        assert db.session.scalar(select(PersonalToken.last_used_at)) is not None


def test_what_cannot_write(app, client, world, make_user, make_token, login, make_process):
    body = {"title": "提案の題名です", "body": "提案の本文です。十分な長さがあります。"}
    path = f"/api/v1/processes/{world['process']}/proposals"
    before = count(app, Proposal)
    _reader, read_only = make_token(scope="read")
    assert client.post(path, headers=read_only, json=body).status_code == 403
    assert client.post(path, headers={"Authorization": "Bearer nonsense"}, json=body).status_code == 403
    login(make_user())  # a signed-in browser session (cookie), no token
    assert client.post(path, json=body).status_code == 403
    blocked, blocked_headers = make_token()
    with app.app_context():
        account = db.session.get(User, blocked.id)
        account.blocked_at, account.blocked_reason = clock.now(), "spam"
        db.session.commit()
    assert client.post(path, headers=blocked_headers, json=body).status_code == 403
    _user, headers = make_token()
    limiter.reset()
    assert client.post(path, headers=headers, data=body).status_code == 400  # not JSON
    assert client.post(path, headers=headers, json=["a"]).status_code == 400
    assert client.post(path, headers=headers, json={"title": {"x": 1}, "body": "b"}).status_code == 400
    assert client.post(path, headers=headers, json={"title": "", "body": ""}).status_code == 400
    limiter.reset()
    today = clock.now().date()
    closed = make_process("closed", start=today - timedelta(days=30), end=today - timedelta(days=1))
    assert client.post(f"/api/v1/processes/{closed.slug}/proposals", headers=headers, json=body).status_code in (
        403, 409)
    assert client.post("/api/v1/processes/draft/proposals", headers=headers, json=body).status_code == 404
    assert count(app, Proposal) == before
