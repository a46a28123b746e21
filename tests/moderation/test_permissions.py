"""Moderation predicates, one question each, answered for every kind of user."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from participation.core import permissions as core
from participation.moderation import permissions as p

KINDS = ("anonymous", "resident", "blocked", "official", "facilitator_all", "moderator_all", "moderator_p1",
         "moderator_p2", "admin")


@pytest.fixture
def setting(app, make_user, make_process):
    from participation.core import clock
    from participation.core.models import User
    from participation.extensions import db

    p1, p2 = make_process(), make_process()
    people = {
        "resident": make_user(), "blocked": make_user(),
        "official": make_user("official", department="roads"),
        "facilitator_all": make_user("facilitator"),
        "moderator_all": make_user("moderator"),
        "moderator_p1": make_user("moderator", process_id=p1.id),
        "moderator_p2": make_user("moderator", process_id=p2.id),
        "admin": make_user("admin"),
    }
    context = app.app_context()
    context.push()
    loaded = {k: db.session.get(User, v.id) for k, v in people.items()}
    loaded["blocked"].blocked_at, loaded["blocked"].blocked_reason = clock.now(), "spam"
    db.session.flush()
    loaded["anonymous"] = AnonymousUserMixin()
    yield loaded, p1.id, p2.id
    context.pop()


class Item:
    def __init__(self, hidden: bool, process_id: int | None = None):
        self.hidden_at = "2026-01-01" if hidden else None
        self.process_id = process_id


def allowed(people, predicate, *args):
    return {k for k in KINDS if predicate(people[k], *args)}


def test_anyone_signed_in_and_not_blocked_may_flag(setting):
    people, _, _ = setting
    assert allowed(people, p.can_flag) == set(KINDS) - {"anonymous", "blocked"}


def test_a_case_in_a_process_is_for_that_process_s_moderators(setting):
    people, p1, _ = setting
    assert allowed(people, p.can_moderate_case, Item(False, p1)) == {"moderator_all", "moderator_p1", "admin"}


def test_a_case_outside_processes_is_for_moderators_of_everything(setting):
    people, _, _ = setting
    assert allowed(people, p.can_moderate_case, Item(False, None)) == {"moderator_all", "admin"}


def test_the_queue_is_for_every_moderator(setting):
    people, _, _ = setting
    assert allowed(people, p.can_view_queue) == {"moderator_all", "moderator_p1", "moderator_p2", "admin"}


def test_only_moderators_of_everything_block_users(setting):
    people, _, _ = setting
    assert allowed(people, p.can_block_user) == {"moderator_all", "admin"}


def test_hidden_content_is_read_only_by_its_moderators(setting):
    people, p1, _ = setting
    assert allowed(people, core.can_read, Item(False, p1), p1) == set(KINDS)
    assert allowed(people, core.can_read, Item(True, p1), p1) == {"moderator_all", "moderator_p1", "admin"}
    assert allowed(people, core.can_read, Item(True), None) == {"moderator_all", "admin"}
    assert allowed(people, core.can_view_hidden, p1) == {"moderator_all", "moderator_p1", "admin"}


def test_blocked_people_cannot_post(setting):
    people, _, _ = setting
    assert allowed(people, core.can_post) == set(KINDS) - {"anonymous", "blocked"}
