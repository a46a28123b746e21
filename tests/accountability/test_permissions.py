"""Accountability predicates, per kind of user."""
from __future__ import annotations

import pytest

from participation.accountability import permissions
from participation.core.models import User
from participation.extensions import db
from participation.processes.models import Process


@pytest.mark.parametrize(("role", "manage", "view"), [
    ("anonymous", False, True), ("resident", False, True), ("facilitator", True, True),
    ("other_facilitator", False, True), ("admin", True, True)])
def test_predicates(app, make_process, make_user, role, manage, view):
    process, other = make_process(), make_process()
    users = {"anonymous": None, "resident": make_user(), "facilitator": make_user("facilitator", process_id=process.id),
             "other_facilitator": make_user("facilitator", process_id=other.id), "admin": make_user("admin")}
    with app.test_request_context("/"):
        user = db.session.get(User, users[role].id) if users[role] else None
        proc = db.session.get(Process, process.id)
        assert permissions.can_manage_results(user, proc) is manage
        assert permissions.can_view_results(user, proc) is view
        assert permissions.can_view_outcomes(user, proc) is view


def test_drafts_are_staff_only(app, make_process, make_user):
    process = make_process(status="draft")
    facilitator = make_user("facilitator", process_id=process.id)
    with app.test_request_context("/"):
        proc = db.session.get(Process, process.id)
        assert not permissions.can_view_outcomes(None, proc)
        assert permissions.can_view_outcomes(db.session.get(User, facilitator.id), proc)
