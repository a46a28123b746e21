"""Accountability fixtures: a process with proposals in every state and a facilitator."""
from __future__ import annotations

import pytest

from participation.core.models import User
from participation.extensions import db
from participation.processes.models import Process


@pytest.fixture
def proposals_world(app, make_process, make_user):
    """(process, facilitator, {name: proposal id}, author): proposals not answered, evaluating,
    accepted, rejected, withdrawn and hidden."""
    from participation.core import clock
    from participation.proposals import services as ps

    process = make_process("square")
    facilitator = make_user("facilitator", process_id=process.id)
    author = make_user()
    with app.test_request_context("/"):
        proc = db.session.get(Process, process.id)
        actor = db.session.get(User, facilitator.id)
        writer = db.session.get(User, author.id)
        ids = {}
        for name in ("waiting", "evaluating", "accepted", "rejected", "withdrawn", "hidden"):
            ids[name] = ps.submit_proposal(proc, writer, {"title": f"提案 {name}", "body": "本文です。"}).id
        from participation.proposals.models import Proposal

        def get(name):
            return db.session.get(Proposal, ids[name])

        ps.answer_proposal(actor, get("evaluating"), {"state": "evaluating", "text": ""})
        ps.answer_proposal(actor, get("accepted"), {"state": "accepted", "text": "実施します", "cost": 500})
        ps.answer_proposal(actor, get("rejected"), {"state": "rejected", "text": "予算が足りません"})
        get("withdrawn").withdraw()
        get("hidden").hidden_at, get("hidden").hidden_reason = clock.now(), "spam"
        db.session.commit()
    return process, facilitator, ids, author


def actor_of(user) -> User:
    found = db.session.get(User, user.id)
    assert found is not None
    return found


def process_of(process) -> Process:
    found = db.session.get(Process, process.id)
    assert found is not None
    return found
