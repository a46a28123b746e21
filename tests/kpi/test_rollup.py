"""KPI maths on a small known dataset: monthly counts, distinct participants, process scope,
responsiveness shares and medians (working days), idempotent and partial roll-ups."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from participation.core.models import Department
from participation.extensions import db
from participation.issues.models import Category, Issue, Status
from participation.kpi.models import WHOLE_PERIOD, KpiFigure
from participation.kpi.rollup import rollup
from participation.proposals.models import Comment, Proposal, ProposalAnswer, State, Support


def jst(m, d, h=10, y=2026):
    return datetime(y, m, d, h - 9, tzinfo=UTC)


@pytest.fixture
def dataset(app, make_user, make_process, frozen):
    a, b, c = make_user(), make_user(), make_user()
    process = make_process()
    with app.app_context():
        def proposal(author, created, state=State.PUBLISHED, answered=None, hidden=False):
            p = Proposal(process_id=process.id, author_id=author.id, title="木陰のベンチを置いてください",
                         body="本文", state=state, created_at=created, hidden_at=created if hidden else None)
            db.session.add(p)
            db.session.flush()
            if answered:
                db.session.add(ProposalAnswer(proposal_id=p.id, state="accepted", text="回答します。",
                                              answered_as="official", created_at=answered, published_at=answered))
            return p

        p1 = proposal(a, jst(10, 5), State.ACCEPTED, answered=jst(10, 9))
        proposal(b, jst(10, 20))
        p3 = proposal(a, jst(11, 2), State.ACCEPTED, answered=jst(11, 4))
        proposal(c, jst(11, 10), State.WITHDRAWN)
        proposal(b, jst(11, 11), hidden=True)  # hidden: not counted
        db.session.add_all([Support(proposal_id=p1.id, process_id=process.id, user_id=b.id, created_at=jst(10, 6)),
                            Support(proposal_id=p3.id, process_id=process.id, user_id=c.id, created_at=jst(11, 3))])
        db.session.add(Comment(proposal_id=p1.id, author_id=c.id, body="賛成です", created_at=jst(10, 7)))
        db.session.add(Comment(proposal_id=p1.id, author_id=b.id, body="消された", created_at=jst(10, 8),
                               deleted_at=jst(10, 9)))

        roads = Department(code="kpi-roads", name={"ja": "道路課", "en": "Roads"}, target_days=5)
        db.session.add(roads)
        db.session.flush()
        pothole = Category(code="kpi-pothole", name={"ja": "道路の穴", "en": "Pothole"}, department_id=roads.id)
        db.session.add(pothole)
        db.session.flush()

        def issue(created, status=Status.OPEN, acked=None, fixed=None, duplicate_of=None):
            i = Issue(category_id=pothole.id, department_id=roads.id, reporter_id=a.id, title="道路に穴があります",
                      latitude=35.658, longitude=139.7016, status=status, created_at=created,
                      acknowledged_at=acked, fixed_at=fixed, duplicate_of_id=duplicate_of)
            db.session.add(i)
            db.session.flush()
            return i

        # Friday → Tuesday (Monday 23 Nov is a holiday): 1 working day; not fixed, 2 of 5 days used.
        i1 = issue(jst(11, 20), Status.INVESTIGATING, acked=jst(11, 24))
        # Monday 2 Nov → Thursday 12 Nov (3 Nov is a holiday): 7 working days, late on both counts.
        issue(jst(11, 2), Status.FIXED, acked=jst(11, 12), fixed=jst(11, 12))
        # Same-day answer, then closed as not the city's: no fix target.
        issue(jst(10, 1), Status.NOT_RESPONSIBLE, acked=jst(10, 1, 15))
        issue(jst(11, 21), Status.DUPLICATE, duplicate_of=i1.id)
        db.session.commit()
        return {"process": process.id, "roads": roads.id, "pothole": pothole.id}


def figure(metric, month, scope="all", key=""):
    return db.session.scalar(select(KpiFigure).where(KpiFigure.metric == metric, KpiFigure.month == month,
                                                     KpiFigure.scope == scope, KpiFigure.key == key))


def test_monthly_counts_participants_and_process_scope(app, dataset):
    with app.app_context():
        rollup(None)
        assert figure("proposals", "2026-10").count == 2
        assert figure("proposals", "2026-11").count == 2  # the hidden one is not counted
        assert figure("proposals", "2026-11", "process", str(dataset["process"])).count == 2
        assert figure("supports", "2026-10").count == 1
        assert figure("comments", "2026-10").count == 1  # the deleted comment is not counted
        assert figure("issue_reports", "2026-11").count == 3
        assert figure("issue_reports", "2026-11", "process", str(dataset["process"])) is None
        # October: a proposed, b proposed and supported, c commented; November: a, c.
        assert figure("participants", "2026-10").count == 3
        assert figure("participants", "2026-11").count == 2
        assert figure("participants", WHOLE_PERIOD).count == 3
        assert figure("participants", "2026-11", "process", str(dataset["process"])).count == 2


def test_responsiveness_shares_and_medians(app, dataset):
    with app.app_context():
        rollup(None)
        answers = figure("proposal_answers", WHOLE_PERIOD)
        # p1 answered in 4 days, p2 not answered, p3 in 2 days; the withdrawn p4 waits for nothing.
        assert (answers.decided, answers.met, answers.median_days) == (3, 2, 3.0)
        october = figure("proposal_answers", "2026-10")
        assert (october.decided, october.met, october.median_days) == (2, 1, 4.0)

        acknowledged = figure("issue_acknowledged", WHOLE_PERIOD)
        assert (acknowledged.count, acknowledged.decided, acknowledged.met) == (3, 3, 2)
        fixed = figure("issue_fixed", WHOLE_PERIOD)
        # i1 still within its 5-working-day target (undecided), i2 fixed late, i3 closed without a fix.
        assert (fixed.count, fixed.decided, fixed.met) == (2, 1, 0)
        by_department = figure("issue_acknowledged", WHOLE_PERIOD, "department", str(dataset["roads"]))
        assert by_department.label == {"ja": "道路課", "en": "Roads"}
        assert (by_department.decided, by_department.met) == (3, 2)
        assert figure("issue_fixed", WHOLE_PERIOD, "category", str(dataset["pothole"])).decided == 1


def test_rollup_is_idempotent_and_a_partial_one_keeps_older_months(app, dataset):
    with app.app_context():
        rollup(None)
        snapshot = sorted((f.metric, f.month, f.scope, f.key, f.count, f.decided, f.met)
                          for f in db.session.scalars(select(KpiFigure)))
        rollup(None)
        again = sorted((f.metric, f.month, f.scope, f.key, f.count, f.decided, f.met)
                       for f in db.session.scalars(select(KpiFigure)))
        assert again == snapshot
        rollup(1)  # only November
        assert figure("proposals", "2026-10").count == 2
        assert figure("proposals", "2026-11").count == 2
        assert figure("participants", WHOLE_PERIOD).count == 3  # the year figure waits for a yearly run


def test_rebuild_counters_command_recomputes_kpis(app, dataset, runner):
    result = runner.invoke(args=["counters", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "KPI figures" in result.output
    with app.app_context():
        assert figure("proposals", "2026-10").count == 2
    result = runner.invoke(args=["kpi", "rebuild", "--months", "2"])
    assert result.exit_code == 0 and "2026-10" in result.output
