"""Budget predicates, per kind of user."""
from __future__ import annotations

import pytest

from participation.budgets import permissions
from participation.budgets.models import Budget
from participation.core.models import User
from participation.extensions import db

from .conftest import budget_of


@pytest.fixture
def world(app, voting_process, make_budget, make_user):
    process = voting_process()
    budget_id, _ids, facilitator = make_budget(process)
    users = {"anonymous": None, "resident": make_user(), "facilitator": facilitator,
             "other_facilitator": make_user("facilitator", process_id=voting_process("other").id),
             "admin": make_user("admin")}
    return budget_id, users


def _user(users, role):
    return db.session.get(User, users[role].id) if users[role] else None


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", False), ("resident", False), ("facilitator", True), ("other_facilitator", False), ("admin", True)])
def test_can_manage_budgets(app, world, role, expected):
    budget_id, users = world
    with app.test_request_context("/"):
        assert permissions.can_manage_budgets(_user(users, role), budget_of(budget_id).process) is expected


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", False), ("resident", True), ("facilitator", True), ("admin", True)])
def test_can_vote_budget(app, world, role, expected):
    budget_id, users = world
    with app.test_request_context("/"):
        assert permissions.can_vote_budget(_user(users, role), budget_of(budget_id)) is expected


@pytest.mark.parametrize(("role", "live", "expected"), [
    ("anonymous", False, False), ("resident", False, False), ("facilitator", False, True),
    ("anonymous", True, True), ("resident", True, True)])
def test_results_before_closing(app, world, role, live, expected):
    budget_id, users = world
    with app.test_request_context("/"):
        budget: Budget = budget_of(budget_id)
        budget.results_live = live
        assert permissions.can_view_budget_results(_user(users, role), budget) is expected


def test_results_are_public_once_voting_closed(app, voting_process, make_budget):
    budget_id, _ids, _f = make_budget(voting_process("closed", closed=True))
    with app.test_request_context("/"):
        assert permissions.voting_closed(budget_of(budget_id))
        assert permissions.can_view_budget_results(None, budget_of(budget_id))
