"""Checkouts from many threads at once: every ballot counts exactly once, a double checkout never."""
from __future__ import annotations

import threading

import pytest

from participation.budgets import services
from participation.budgets.models import Ballot, BallotItem, Budget, Project
from participation.core.errors import ServiceError
from participation.core.models import User
from participation.extensions import db

VOTERS = 12


@pytest.mark.commits_from_threads
def test_concurrent_checkouts_are_exact(app, voting_process, make_budget, make_user):
    process = voting_process()
    budget_id, ids, _f = make_budget(process, total=1000)
    voters = [make_user() for _ in range(VOTERS)]
    with app.app_context():
        for voter in voters:
            ballot = Ballot(budget_id=budget_id, user_id=voter.id, items=[BallotItem(project_id=ids[0])])
            db.session.add(ballot)
        db.session.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(VOTERS + 2)

    def check_out(user_id: int) -> None:
        with app.test_request_context("/", method="POST"):  # as the checkout request (BEGIN IMMEDIATE on SQLite)
            barrier.wait()
            try:
                services.checkout(db.session.get(User, user_id), db.session.get(Budget, budget_id))
                db.session.commit()
                outcomes.append("ok")
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    # every voter once, and the first voter twice more (two tabs, a double click)
    threads = [threading.Thread(target=check_out, args=(v.id,)) for v in voters]
    threads += [threading.Thread(target=check_out, args=(voters[0].id,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == VOTERS and outcomes.count("refused") == 2
    with app.app_context():
        assert db.session.get(Project, ids[0]).votes_count == VOTERS
        assert db.session.get(Budget, budget_id).ballots_count == VOTERS
