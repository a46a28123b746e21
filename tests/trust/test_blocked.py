"""Issue 11, items 7-8: blocked means blocked, for every route (read from the app's url_map, so
routes added later are covered too) and in the services that write on behalf of a user."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.core import clock, notifications
from participation.core.blocking import is_allowed_when_blocked
from participation.core.errors import PermissionDenied
from participation.core.models import Follow, User
from participation.extensions import db
from participation.issues import services as issue_services
from participation.issues.models import Issue
from participation.moderation import permissions as moderation_permissions
from participation.moderation import services as moderation_services
from participation.proposals import services as proposal_services
from participation.proposals.models import Comment, Proposal
from participation.surveys import answering
from participation.surveys.models import Survey

from ..conftest import CSRF_RE, session_token_of
from ..security.test_authorization import build_world

WRITING = {"POST", "PUT", "PATCH", "DELETE"}
# State-changing routes of core that a blocked account may still use: signing out, securing its own
# account, the language of the pages, marking its own notifications read. Other features mark theirs
# with `@allowed_when_blocked` (their own mail settings, alerts): it must write nothing others see.
ALLOWED_WHEN_BLOCKED = {"core.logout", "core.end_other_sessions", "core.change_password",
                        "core.set_language", "core.notifications_read"}


def writing_routes(app):
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted((rule.methods or set()) & WRITING):
            values = {name: 1 if type(rule._converters[name]).__name__.endswith("IntConverter") else "x"
                      for name in rule.arguments}
            try:
                path = adapter.build(rule.endpoint, values, method=method)
            except Exception:  # noqa: BLE001 - a converter with a fixed choice: try its first value
                values = {name: next(iter(getattr(rule._converters[name], "items", ["x"])), "x")
                          for name in rule.arguments}
                path = adapter.build(rule.endpoint, values, method=method)
            yield method, rule.endpoint, path


def test_every_state_changing_route_refuses_a_blocked_user(app):
    world = build_world(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_token_of(app, world["users"]["blocked"]), True
    token = CSRF_RE.search(client.get("/account/").get_data(as_text=True)).group(1)
    allowed, checked = set(), 0
    for method, endpoint, path in writing_routes(app):
        with app.test_request_context(path, method=method):
            marked = is_allowed_when_blocked(endpoint)
        if marked:  # the account's own security, mail, alerts, language (not requested: signing
            allowed.add(endpoint)  # out would end this client's session)
            continue
        response = client.open(path, method=method, data={"csrf_token": token},
                               headers={"X-CSRFToken": token})
        checked += 1
        assert response.status_code == 403, (method, endpoint, path, response.status_code)
        if response.mimetype == "text/html":
            assert "利用停止" in response.get_data(as_text=True), endpoint
    assert allowed >= ALLOWED_WHEN_BLOCKED
    assert not {e for e in allowed if e.split(".")[0] in ("proposals", "issues", "surveys", "moderation",
                                                           "processes")}  # nothing that others see
    assert checked > 30
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302  # may sign out


def as_user(user_id):
    return db.session.get(User, user_id)


@pytest.mark.parametrize("action", ["support", "unsupport", "comment_vote", "follow_proposal", "unfollow",
                                    "me_too", "follow_issue", "survey"])
def test_services_refuse_a_blocked_user(app, action):
    world = build_world(app)
    with app.test_request_context("/"):
        blocked = as_user(world["users"]["blocked"])
        proposal = db.session.get(Proposal, world["proposal"])
        issue = db.session.get(Issue, world["issue"])
        calls = {
            "support": lambda: proposal_services.support(blocked, proposal),
            "unsupport": lambda: proposal_services.unsupport(blocked, proposal),
            "comment_vote": lambda: proposal_services.vote_comment(
                blocked, db.session.get(Comment, world["comment"]), 1),
            "follow_proposal": lambda: proposal_services.follow(blocked, proposal),
            "unfollow": lambda: proposal_services.unfollow(blocked, proposal),
            "me_too": lambda: issue_services.me_too(blocked, issue),
            "follow_issue": lambda: notifications.follow(blocked, issue),
            "survey": lambda: answering.submit_response(
                db.session.get(Survey, world["survey"]), blocked,
                {world["question"]: db.session.get(Survey, world["survey"]).questions[0].options[0].id}),
        }
        with pytest.raises(PermissionDenied):
            calls[action]()


def test_blocked_users_see_a_notice_instead_of_posting_forms(app):
    world = build_world(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_token_of(app, world["users"]["blocked"]), True
    html = client.get(f"/proposals/{world['discussed']}").get_data(as_text=True)
    assert "利用停止" in html
    for form in ("comments", "support", "follow"):
        assert f'action="/proposals/{world["discussed"]}/{form}"' not in html
    html = client.get(f"/issues/{world['issue']}").get_data(as_text=True)
    assert "利用停止" in html
    for form in ("metoo", "follow", "updates"):
        assert f'action="/issues/{world["issue"]}/{form}"' not in html


@pytest.mark.parametrize(("blocker", "target", "allowed"), [
    ("moderator", "other_resident", True),
    ("moderator", "official_dept", False),
    ("moderator", "admin", False),
    ("moderator", "facilitator_this", False),
    ("admin", "official_dept", True),
    ("admin", "moderator", True),
    ("official_dept", "other_resident", False),
])
def test_only_admins_block_staff(app, blocker, target, allowed):
    world = build_world(app)
    with app.test_request_context("/"):
        actor, person = as_user(world["users"][blocker]), as_user(world["users"][target])
        assert moderation_permissions.can_block_user(actor, person) is allowed
        if allowed:
            moderation_services.block_user(actor, person, "ルール違反が繰り返されたためです。")
            assert person.is_blocked
        else:
            with pytest.raises(PermissionDenied):
                moderation_services.block_user(actor, person, "ルール違反が繰り返されたためです。")
            assert not person.is_blocked


def test_a_blocked_official_can_no_longer_change_statuses(app):
    from participation.issues import permissions as issue_permissions

    world = build_world(app)
    with app.test_request_context("/"):
        official = as_user(world["users"]["official_dept"])
        issue = db.session.get(Issue, world["issue"])
        assert issue_permissions.can_manage_issue(official, issue)
        official.blocked_at, official.blocked_reason = clock.now(), "test"
        assert not issue_permissions.can_manage_issue(official, issue)
        with pytest.raises(PermissionDenied):
            issue_services.change_status(official, issue, "in_progress", "対応します")


def test_blocked_follow_writes_nothing(app):
    world = build_world(app)
    with app.test_request_context("/"):
        before = db.session.scalar(select(func.count(Follow.id)))
        with pytest.raises(PermissionDenied):
            notifications.follow(as_user(world["users"]["blocked"]), db.session.get(Issue, world["issue"]))
        assert db.session.scalar(select(func.count(Follow.id))) == before
