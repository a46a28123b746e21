"""The ballot rules and the selection, as pure functions of amounts (no database)."""
from __future__ import annotations

import pytest

from participation.budgets.models import Budget, Project, VoteRule
from participation.budgets.services import greedy_selection


def budget(rule=VoteRule.TOTAL, total=1000, **kw) -> Budget:
    return Budget(total=total, rule=rule, min_percent=kw.get("min_percent", 0),
                  min_projects=kw.get("min_projects"), max_projects=kw.get("max_projects"))


@pytest.mark.parametrize(("amount", "count", "ok"), [
    (0, 0, False),  # empty
    (1, 1, True),
    (999, 2, True),
    (1000, 3, True),  # exactly the budget
    (1001, 3, False),  # one yen over
])
def test_total_rule(app, amount, count, ok):
    with app.test_request_context("/"):
        assert (budget().checkout_problems(amount, count) == []) is ok
        assert budget().fits(amount, count) is (amount <= 1000)


@pytest.mark.parametrize(("total", "percent", "amount", "ok"), [
    (1000, 70, 699, False),
    (1000, 70, 700, True),
    (999, 70, 699, False),  # 70% of 999 is 699.3: at least 700 yen
    (999, 70, 700, True),
    (1000, 100, 1000, True),
    (1000, 70, 1001, False),  # still capped
])
def test_minimum_rule(app, total, percent, amount, ok):
    with app.test_request_context("/"):
        b = budget(VoteRule.MINIMUM, total=total, min_percent=percent)
        assert (b.checkout_problems(amount, 2) == []) is ok


@pytest.mark.parametrize(("minimum", "maximum", "count", "ok"), [
    (3, 3, 2, False), (3, 3, 3, True), (3, 3, 4, False),  # exactly 3
    (None, 2, 1, True), (None, 2, 2, True), (None, 2, 3, False),  # at most 2
    (2, None, 1, False), (2, None, 5, True),  # at least 2
])
def test_projects_rule_has_no_money_cap(app, minimum, maximum, count, ok):
    with app.test_request_context("/"):
        b = budget(VoteRule.PROJECTS, min_projects=minimum, max_projects=maximum)
        assert (b.checkout_problems(5000, count) == []) is ok  # over the money, yet fine
        assert b.fits(10**9, count) is (maximum is None or count <= maximum)


@pytest.mark.parametrize(("amount", "count", "ok"), [(900, 2, True), (900, 3, False), (1100, 2, False)])
def test_both_rules(app, amount, count, ok):
    with app.test_request_context("/"):
        b = budget(VoteRule.BOTH, max_projects=2)
        assert (b.checkout_problems(amount, count) == []) is ok


def _project(id_, cost, votes):
    return Project(id=id_, cost=cost, votes_count=votes)


def test_greedy_selection_takes_most_voted_that_fit():
    projects = [_project(1, 600, 10), _project(2, 500, 9), _project(3, 400, 8), _project(4, 100, 1)]
    # 600 fits (400 left), 500 does not, 400 fits (0 left), 100 does not
    assert greedy_selection(projects, 1000) == {1, 3}


def test_greedy_selection_exact_budget_and_ties():
    projects = [_project(1, 500, 5), _project(2, 500, 5), _project(3, 300, 5)]
    # ties: the cheaper first, then the older; 300 + 500 = 800, the other 500 no longer fits
    assert greedy_selection(projects, 1000) == {3, 1}
    assert greedy_selection(projects, 1300) == {1, 2, 3}


def test_greedy_selection_ignores_projects_without_votes():
    assert greedy_selection([_project(1, 100, 0), _project(2, 100, 1)], 1000) == {2}
