"""Budget fixtures: a process whose phase takes budget votes, a budget with projects, a voter."""
from __future__ import annotations

from datetime import timedelta

import pytest

from participation.budgets import services
from participation.budgets.models import Budget
from participation.core.models import User
from participation.extensions import db
from participation.processes.models import Process, city_today


@pytest.fixture
def voting_process(app, make_process):
    """make a process whose one phase takes budget votes now (or, closed=True, took them until yesterday)."""

    def factory(slug: str = "square", *, closed: bool = False):
        with app.app_context():
            today = city_today()
        if closed:
            start, end = today - timedelta(days=30), today + timedelta(days=30)
            phases = [dict(start_date=start, end_date=today - timedelta(days=1), allow_budget_votes=True,
                           allow_proposals=True),
                      dict(start_date=today, end_date=end)]
            return make_process(slug, start=start, end=end, phases=phases)
        start, end = today - timedelta(days=10), today + timedelta(days=10)
        return make_process(slug, start=start, end=end, phases=[dict(
            start_date=start, end_date=end, allow_budget_votes=True, allow_proposals=True,
            allow_supports=True, allow_comments=True, publish_answers_immediately=True)])

    return factory


@pytest.fixture
def make_budget(app, make_user):
    """make_budget(process, total=1000, costs=(400, 300, 200, 600), **rules)
    -> (budget_id, [project ids], facilitator)."""

    def factory(process, *, total: int = 1000, costs=(400, 300, 200, 600), title=None, **rules):
        facilitator = make_user("facilitator", process_id=process.id)
        with app.test_request_context("/"):
            actor = db.session.get(User, facilitator.id)
            proc = db.session.get(Process, process.id)
            budget = services.create_budget(actor, proc, {
                "title": title or {"ja": "東区", "en": "East ward"}, "total": total, **rules})
            ids = [services.create_project(actor, budget, {"title": {"ja": f"事業{i}"}, "cost": cost}).id
                   for i, cost in enumerate(costs)]
            db.session.commit()
            return budget.id, ids, facilitator

    return factory


def as_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def budget_of(budget_id: int) -> Budget:
    budget = db.session.get(Budget, budget_id)
    assert budget is not None
    return budget
