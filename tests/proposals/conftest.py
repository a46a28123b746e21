from __future__ import annotations

import pytest

from participation.core.models import User
from participation.extensions import db
from participation.proposals import services


@pytest.fixture
def make_proposal(app, make_user):
    """make_proposal(process, author=None, title=..., body=..., **fields) -> Proposal (detached)."""

    def factory(process, author=None, *, title="駅前に駐輪場を増やす", body="朝は自転車を置く場所がありません。",
                **fields):
        author = author or make_user()
        with app.test_request_context("/"):
            from participation.processes.models import Process

            proposal = services.submit_proposal(db.session.get(Process, process.id),
                                                db.session.get(User, author.id),
                                                {"title": title, "body": body, **fields})
            db.session.commit()
            db.session.refresh(proposal)
            db.session.expunge_all()
            return proposal

    return factory


def reload(model, id_):
    return db.session.get(model, id_)
