"""Ballots: fill, check out, cancel; one per budget; the one-budget rule; forged ballots; refusals."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.budgets import services
from participation.budgets.models import Ballot, BallotItem, Project
from participation.core import clock
from participation.core.errors import Conflict, InvalidInput, PermissionDenied
from participation.core.models import AuditLog
from participation.extensions import db

from .conftest import as_user, budget_of


def project(id_):
    return db.session.get(Project, id_)


def test_fill_check_out_cancel_and_vote_again(app, voting_process, make_budget, make_user):
    budget_id, ids, _f = make_budget(voting_process(), total=1000)
    voter = make_user()
    with app.test_request_context("/"):
        user = as_user(voter.id)
        services.add_project(user, project(ids[0]))  # 400
        services.add_project(user, project(ids[1]))  # 300
        services.add_project(user, project(ids[1]))  # a double click: still once
        ballot = services.checkout(user, budget_of(budget_id))
        assert ballot.is_checked_out
        assert [project(i).votes_count for i in ids] == [1, 1, 0, 0]
        assert budget_of(budget_id).ballots_count == 1
        with pytest.raises(Conflict):
            services.checkout(user, budget_of(budget_id))  # never twice
        with pytest.raises(Conflict):
            services.add_project(user, project(ids[2]))  # counted ballots do not change
        services.cancel_checkout(user, budget_of(budget_id))
        assert [project(i).votes_count for i in ids] == [0, 0, 0, 0]
        assert budget_of(budget_id).ballots_count == 0
        services.remove_project(user, project(ids[0]))
        services.add_project(user, project(ids[2]))
        services.checkout(user, budget_of(budget_id))
        assert [project(i).votes_count for i in ids] == [0, 1, 1, 0]
        assert db.session.scalar(select(func.count(Ballot.id))) == 1  # one ballot per resident per budget


def test_a_project_that_does_not_fit_is_refused(app, voting_process, make_budget, make_user):
    budget_id, ids, _f = make_budget(voting_process(), total=1000)
    voter = make_user()
    with app.test_request_context("/"):
        user = as_user(voter.id)
        services.add_project(user, project(ids[0]))  # 400
        services.add_project(user, project(ids[1]))  # 700
        with pytest.raises(InvalidInput):
            services.add_project(user, project(ids[3]))  # + 600 = 1,300
        assert len(db.session.scalar(select(Ballot)).items) == 2


def test_exactly_the_budget_fits(app, voting_process, make_budget, make_user):
    budget_id, ids, _f = make_budget(voting_process(), total=1000)
    voter = make_user()
    with app.test_request_context("/"):
        user = as_user(voter.id)
        services.add_project(user, project(ids[0]))
        services.add_project(user, project(ids[3]))
        assert services.checkout(user, budget_of(budget_id)).is_checked_out


def test_minimum_share_is_checked_at_checkout(app, voting_process, make_budget, make_user):
    budget_id, ids, _f = make_budget(voting_process(), total=1000, rule="minimum", min_percent=70)
    voter = make_user()
    with app.test_request_context("/"):
        user = as_user(voter.id)
        services.add_project(user, project(ids[0]))  # 400 < 700
        with pytest.raises(InvalidInput, match="70"):
            services.checkout(user, budget_of(budget_id))
        services.add_project(user, project(ids[1]))  # 700
        assert services.checkout(user, budget_of(budget_id)).is_checked_out


def test_forged_ballot_over_budget_cannot_be_checked_out(app, voting_process, make_budget, make_user):
    """Items written behind the services' back (a forged request, a race) never get counted."""
    budget_id, ids, _f = make_budget(voting_process(), total=1000)
    voter = make_user()
    with app.test_request_context("/"):
        ballot = Ballot(budget_id=budget_id, user_id=voter.id)
        ballot.items = [BallotItem(project_id=i) for i in ids]  # 1,500 yen
        db.session.add(ballot)
        db.session.commit()
        ballot_id = ballot.id
    with app.test_request_context("/"):
        with pytest.raises(InvalidInput):
            services.checkout(as_user(voter.id), budget_of(budget_id))
        assert db.session.get(Ballot, ballot_id).checked_out_at is None
        assert [project(i).votes_count for i in ids] == [0, 0, 0, 0]


def test_empty_ballot_cannot_be_checked_out(app, voting_process, make_budget, make_user):
    budget_id, _ids, _f = make_budget(voting_process())
    voter = make_user()
    with app.test_request_context("/"), pytest.raises(InvalidInput):
        services.checkout(as_user(voter.id), budget_of(budget_id))


def test_one_budget_only_among_exclusive_budgets(app, voting_process, make_budget, make_user):
    process = voting_process()
    east, east_ids, _f = make_budget(process, exclusive=True)
    west, west_ids, _f = make_budget(process, exclusive=True, title={"ja": "西区"})
    city, city_ids, _f = make_budget(process, title={"ja": "全市"})
    voter = make_user()
    with app.test_request_context("/"):
        user = as_user(voter.id)
        services.add_project(user, project(east_ids[0]))
        services.checkout(user, budget_of(east))
        services.add_project(user, project(west_ids[0]))  # filling is allowed ...
        with pytest.raises(Conflict):
            services.checkout(user, budget_of(west))  # ... counting is not
        services.add_project(user, project(city_ids[0]))
        assert services.checkout(user, budget_of(city)).is_checked_out  # not exclusive
        services.cancel_checkout(user, budget_of(east))
        assert services.checkout(user, budget_of(west)).is_checked_out  # after cancelling the other


def test_voting_closed_refuses(app, voting_process, make_budget, make_user):
    budget_id, ids, _f = make_budget(voting_process(closed=True))
    voter = make_user()
    with app.test_request_context("/"), pytest.raises(PermissionDenied, match="closed|締め切"):
        services.add_project(as_user(voter.id), project(ids[0]))


def test_blocked_user_cannot_vote(app, voting_process, make_budget, make_user):
    budget_id, ids, _f = make_budget(voting_process())
    voter = make_user()
    with app.test_request_context("/"):
        user = as_user(voter.id)
        user.blocked_at, user.blocked_reason = clock.now(), "spam"
        with pytest.raises(PermissionDenied):
            services.add_project(user, project(ids[0]))


def test_budget_rules_freeze_once_people_voted(app, voting_process, make_budget, make_user):
    budget_id, ids, facilitator = make_budget(voting_process())
    voter = make_user()
    with app.test_request_context("/"):
        services.add_project(as_user(voter.id), project(ids[0]))
        services.checkout(as_user(voter.id), budget_of(budget_id))
        with pytest.raises(Conflict):
            services.update_budget(as_user(facilitator.id), budget_of(budget_id),
                                   {"title": {"ja": "東区"}, "total": 2000})
        services.update_budget(as_user(facilitator.id), budget_of(budget_id),
                               {"title": {"ja": "東区（改）"}, "total": 1000})  # texts may change
        with pytest.raises(Conflict):
            services.delete_project(as_user(facilitator.id), project(ids[0]))


@pytest.mark.parametrize(("data", "field"), [
    ({"title": {"ja": ""}, "total": 1000}, "title_ja"),
    ({"title": {"ja": "東区"}, "total": 0}, "total"),
    ({"title": {"ja": "東区"}, "total": 10**14}, "total"),
    ({"title": {"ja": "東区"}, "total": 1000, "rule": "minimum", "min_percent": 0}, "min_percent"),
    ({"title": {"ja": "東区"}, "total": 1000, "rule": "projects"}, "max_projects"),
    ({"title": {"ja": "東区"}, "total": 1000, "rule": "both", "min_projects": 3, "max_projects": 2}, "min_projects"),
    ({"title": {"ja": "東区"}, "total": 1000, "rule": "nonsense"}, "rule"),
])
def test_budget_input_is_checked(app, voting_process, make_user, data, field):
    process = voting_process()
    facilitator = make_user("facilitator", process_id=process.id)
    from participation.processes.models import Process

    with app.test_request_context("/"), pytest.raises(InvalidInput) as exc:
        services.create_budget(as_user(facilitator.id), db.session.get(Process, process.id), data)
    assert exc.value.field == field


def test_selection_after_closing_with_adjustment_and_audit(app, voting_process, make_budget, make_user):
    process = voting_process("closing")
    budget_id, ids, facilitator = make_budget(process, total=1000)
    voters = [make_user() for _ in range(3)]
    with app.test_request_context("/"):
        for voter, picks in zip(voters, [(0, 1), (0, 2), (3,)], strict=True):
            for i in picks:
                services.add_project(as_user(voter.id), project(ids[i]))
            services.checkout(as_user(voter.id), budget_of(budget_id))
        with pytest.raises(Conflict):
            services.select_projects(as_user(facilitator.id), budget_of(budget_id))  # still open
        budget = budget_of(budget_id)
        from datetime import timedelta

        budget.process.phases[0].end_date = budget.process.phases[0].start_date  # close voting
        budget.process.phases[0].start_date -= timedelta(days=1)
        chosen = services.select_projects(as_user(facilitator.id), budget)
        # votes: 0→2 (400), 1→1 (300), 2→1 (200), 3→1 (600); 400, then 200 (cheaper tie), then 300: 900
        assert {p.id for p in chosen} == {ids[0], ids[2], ids[1]}
        with pytest.raises(InvalidInput):
            services.adjust_selection(as_user(facilitator.id), project(ids[3]), True, "  ")
        services.adjust_selection(as_user(facilitator.id), project(ids[3]), True, "国の補助金が付いたため")
        assert project(ids[3]).selected and project(ids[3]).selection_note == "国の補助金が付いたため"
        actions = set(db.session.scalars(select(AuditLog.action)))
        assert {"budget.select", "budget_project.selection"} <= actions
