"""`/account/activity`: my proposals, reports, supports, comments and survey answers with their current
state, across processes, newest first, paged; never anyone else's."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from participation.core import activity, clock
from participation.core.models import Department, User
from participation.extensions import db
from participation.issues.models import Category, Issue, MeToo, Status
from participation.processes.models import Phase
from participation.proposals.models import Comment, Proposal, State, Support
from participation.surveys.models import Response, Survey


def test_my_activity_across_processes_with_state_and_only_mine(app, client, login, make_user, make_process):
    me, other = make_user(), make_user()
    square, park = make_process(title={"ja": "駅前広場", "en": "Station square"}), \
        make_process(title={"ja": "公園づくり", "en": "Park"})
    base = datetime(2026, 6, 1, tzinfo=UTC)
    with app.app_context():
        roads = Department(code="roads", name={"ja": "道路課"})
        db.session.add(roads)
        db.session.flush()
        pothole = Category(code="pothole", name={"ja": "道路の穴"}, department_id=roads.id)
        db.session.add(pothole)
        db.session.flush()
        mine = Proposal(process_id=square.id, author_id=me.id, title="ベンチを増やす", body="b",
                        state=State.ACCEPTED, created_at=base)
        theirs = Proposal(process_id=park.id, author_id=other.id, title="遊具の更新", body="b", created_at=base)
        db.session.add_all([mine, theirs])
        db.session.flush()
        db.session.add_all([
            Support(proposal_id=theirs.id, process_id=park.id, user_id=me.id, created_at=base + timedelta(days=1)),
            Comment(proposal_id=theirs.id, author_id=me.id, body="賛成です", created_at=base + timedelta(days=2)),
            Comment(proposal_id=mine.id, author_id=other.id, body="他人のコメント", created_at=base)])
        report = Issue(category_id=pothole.id, department_id=roads.id, reporter_id=me.id, title="歩道の段差",
                       latitude=35.658, longitude=139.7016, status=Status.IN_PROGRESS,
                       created_at=base + timedelta(days=3))
        others_report = Issue(category_id=pothole.id, department_id=roads.id, reporter_id=other.id, title="他人の報告",
                              latitude=35.658, longitude=139.7016, created_at=base)
        db.session.add_all([report, others_report])
        db.session.flush()
        db.session.add(MeToo(issue_id=others_report.id, user_id=me.id, created_at=base + timedelta(days=4)))
        phase = db.session.query(Phase).filter_by(process_id=park.id).first()
        survey = Survey(process_id=park.id, phase_id=phase.id, title={"ja": "公園アンケート", "en": "Park survey"})
        db.session.add(survey)
        db.session.flush()
        db.session.add_all([Response(survey_id=survey.id, user_id=me.id, created_at=base + timedelta(days=5)),
                            Response(survey_id=survey.id, user_id=other.id, created_at=base)])
        db.session.commit()
    login(me)
    page = client.get("/account/activity").get_data(as_text=True)
    order = ["公園アンケート", "他人の報告", "歩道の段差", "「遊具の更新」へのコメント", "遊具の更新", "ベンチを増やす"]
    positions = [page.index(title) for title in order]
    assert positions == sorted(positions), "newest first"
    for text in ("採用", "対応中", "回答済み", "駅前広場", "公園づくり", "「わたしも」", "応援"):
        assert text in page, text
    assert "他人のコメント" not in page
    assert page.count("他人の報告") == 1  # only as my "me too", not as a report of mine
    # A link from the account page.
    assert 'href="/account/activity"' in client.get("/account/").get_data(as_text=True)
    # Someone else sees only their own.
    login(other)
    theirs_page = client.get("/account/activity").get_data(as_text=True)
    assert ">ベンチを増やす</a>" not in theirs_page and ">遊具の更新</a>" in theirs_page
    assert "歩道の段差" not in theirs_page
    assert client.get("/account/activity?page=x").status_code == 400


def test_paging_is_exact_and_bounded(app, make_user, make_process, monkeypatch):
    me = make_user()
    process = make_process()
    base = datetime(2026, 6, 1, tzinfo=UTC)
    with app.app_context():
        db.session.add_all([Proposal(process_id=process.id, author_id=me.id, title=f"提案{n}", body="b",
                                     created_at=base + timedelta(hours=n)) for n in range(7)])
        db.session.commit()
    monkeypatch.setattr(activity, "PER_PAGE", 3)
    with app.test_request_context("/"):
        user = db.session.get(User, me.id)
        first, second, third = (activity.page_of(user, n) for n in (1, 2, 3))
        assert [i["title"] for i in first.items] == ["提案6", "提案5", "提案4"] and first.has_next
        assert [i["title"] for i in second.items] == ["提案3", "提案2", "提案1"] and second.has_next
        assert [i["title"] for i in third.items] == ["提案0"] and not third.has_next
    clock.unfreeze()
