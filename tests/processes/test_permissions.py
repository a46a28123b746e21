"""Process predicates, one question each, answered for every kind of user."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from participation.processes import permissions as p
from participation.processes.models import Process

KINDS = ("anonymous", "resident", "blocked", "official", "facilitator_all", "facilitator_p1",
         "facilitator_p2", "moderator_all", "moderator_p1", "admin")


@pytest.fixture
def setting(app, make_user, make_process):
    from participation.core.models import User
    from participation.extensions import db

    draft, other = make_process(status="draft"), make_process()
    people = {
        "anonymous": AnonymousUserMixin(),
        "resident": make_user(),
        "blocked": make_user(),
        "official": make_user("official", department="roads"),
        "facilitator_all": make_user("facilitator"),
        "facilitator_p1": make_user("facilitator", process_id=draft.id),
        "facilitator_p2": make_user("facilitator", process_id=other.id),
        "moderator_all": make_user("moderator"),
        "moderator_p1": make_user("moderator", process_id=draft.id),
        "admin": make_user("admin"),
    }
    with app.app_context():
        blocked = db.session.get(User, people["blocked"].id)
        from participation.core import clock

        blocked.blocked_at, blocked.blocked_reason = clock.now(), "spam"
        db.session.commit()
    app_context = app.app_context()
    app_context.push()
    loaded = {k: (v if k == "anonymous" else db.session.get(User, v.id)) for k, v in people.items()}
    yield loaded, db.session.get(Process, draft.id), db.session.get(Process, other.id)
    app_context.pop()


def _allowed(setting, predicate, *args):
    people, draft, other = setting
    return {k for k in KINDS if predicate(people[k], *[{"draft": draft, "other": other}[a] for a in args])}


def test_published_processes_are_public_drafts_only_for_their_staff(setting):
    assert _allowed(setting, p.can_view_process, "other") == set(KINDS)
    assert _allowed(setting, p.can_view_process, "draft") == {"facilitator_all", "facilitator_p1", "admin"}


def test_only_facilitators_of_every_process_and_admins_create_processes(setting):
    assert _allowed(setting, p.can_create_process) == {"facilitator_all", "admin"}


@pytest.mark.parametrize("predicate", [p.can_edit_process, p.can_publish_process, p.can_manage_phases,
                                       p.can_assign_process_roles])
def test_a_process_is_run_by_its_facilitators(setting, predicate):
    assert _allowed(setting, predicate, "draft") == {"facilitator_all", "facilitator_p1", "admin"}
    assert _allowed(setting, predicate, "other") == {"facilitator_all", "facilitator_p2", "admin"}


def test_the_staff_list_of_processes_is_for_anyone_facilitating_one(setting):
    assert _allowed(setting, p.can_view_process_admin) == {
        "facilitator_all", "facilitator_p1", "facilitator_p2", "admin"}


def test_none_is_nobody(setting):
    _, draft, other = setting
    assert not p.can_create_process(None)
    assert not p.can_edit_process(None, other)
    assert not p.can_view_process(None, draft)
