"""Issue 11, items 14-16: nobody closes someone else's report, reopening reaches the department,
public figures count only what the public sees."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core.errors import InvalidInput, PermissionDenied
from participation.core.models import Notification, User
from participation.extensions import db
from participation.issues import queries, services
from participation.issues.models import Issue

from ..security.test_authorization import build_world
from .test_hidden import client_as, hide


def ids_notified(kind):
    return sorted(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_a_neighbour_cannot_close_a_report_but_can_say_it_looks_fixed(app):
    world = build_world(app)
    with app.test_request_context("/"):
        neighbour = db.session.get(User, world["users"]["resident"])
        issue = db.session.get(Issue, world["issue"])
        with pytest.raises(PermissionDenied):
            services.mark_fixed(neighbour, issue, "")
        assert issue.status == "open"
        entry = services.suggest_fixed(neighbour, issue, "昨日通ったら直っていました")
        assert entry.suggests_fixed and issue.status == "open"
        notified = ids_notified("issue.fixed_suggested")
        assert world["users"]["official_dept"] in notified and world["users"]["author"] in notified
        assert world["users"]["official_other"] not in notified
        assert issue in queries.triage_queue(db.session.get(User, world["users"]["official_dept"]), issue.department_id)


def test_the_page_offers_the_neighbour_a_suggestion_and_the_reporter_the_close(app):
    world = build_world(app)
    neighbour = client_as(app, world["users"]["resident"]).get(f"/issues/{world['issue']}").get_data(as_text=True)
    assert 'value="suggest_fixed"' in neighbour and 'value="fixed"' not in neighbour
    reporter = client_as(app, world["users"]["author"]).get(f"/issues/{world['issue']}").get_data(as_text=True)
    assert 'value="fixed"' in reporter


def test_the_reporter_closes_their_own_report(app):
    world = build_world(app)
    with app.test_request_context("/"):
        issue = db.session.get(Issue, world["issue"])
        services.mark_fixed(db.session.get(User, world["users"]["author"]), issue, "")
        assert issue.status == "fixed_by_reporter"


@pytest.mark.parametrize("status", ["fixed", "unable_to_fix", "not_responsible"])
def test_officials_explain_every_fixed_or_closed_status(app, status):
    world = build_world(app)
    with app.test_request_context("/"):
        official = db.session.get(User, world["users"]["official_dept"])
        issue = db.session.get(Issue, world["issue"])
        with pytest.raises(InvalidInput):
            services.change_status(official, issue, status, "  ")
        services.change_status(official, issue, status, "現地で確認しました")
        assert issue.status == status


def test_reopening_notifies_the_department_and_goes_first_in_triage(app):
    world = build_world(app)
    with app.test_request_context("/"):
        official = db.session.get(User, world["users"]["official_dept"])
        older = db.session.get(Issue, world["issue"])
        older.acknowledged_at = None
        reopened = db.session.get(Issue, world["closed_issue"])
        services.reopen(db.session.get(User, world["users"]["author"]), reopened, "まだ直っていません")
        assert set(ids_notified("issue.reopened")) == {world["users"]["official_dept"]}
        queue = queries.triage_queue(official, reopened.department_id)
        assert queue[0].id == reopened.id and reopened.reopened_at is not None
        db.session.commit()
    html = client_as(app, world["users"]["official_dept"]).get("/admin/triage").get_data(as_text=True)
    assert "再開" in html
    with app.test_request_context("/"):
        services.change_status(db.session.get(User, world["users"]["official_dept"]),
                               db.session.get(Issue, world["closed_issue"]), "investigating", "")
        assert db.session.get(Issue, world["closed_issue"]).reopened_at is None


@pytest.mark.parametrize("archived", [False, True])
def test_process_figures_count_only_what_the_public_sees(app, archived):
    from participation.processes.models import Process
    from participation.processes.queries import process_figures
    from participation.proposals.models import Comment, Proposal

    world = build_world(app)
    hide(app, Proposal, world["own"])
    with app.test_request_context("/"):
        process = db.session.get(Process, world["process"])
        db.session.add(Comment(proposal_id=world["own"], author_id=world["users"]["author"], body="隠れた提案へ",
                               depth=1))
        if archived:
            process.status = "archived"
        db.session.flush()
        figures = dict(process_figures(process))
        assert figures["提案数"] == 2  # three proposals, one hidden
        assert figures["コメント数"] == 1  # the comment on the hidden proposal is not counted
    html = client_as(app).get("/processes/square/").get_data(as_text=True)
    assert "提案数" in html
