"""Every text field residents or staff write, filled with each XSS payload, on every page that
shows it: nothing executable may come out (and JSON endpoints stay JSON)."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from sqlalchemy import select

from participation.core.models import Department, User
from participation.extensions import db
from participation.issues import services as issue_services
from participation.issues.models import Category, Issue, IssueUpdate, ResponseTemplate
from participation.moderation import services as moderation_services
from participation.moderation.models import Block, Flag
from participation.processes.models import Process
from participation.proposals import services as proposal_services
from participation.proposals.models import Comment, Proposal, ProposalAnswer
from participation.surveys import services as survey_services
from participation.surveys.models import Answer, Option, Question, Survey
from participation.surveys.models import Response as SurveyResponse

from ..conftest import session_token_of
from ..htmlcheck import executable_parts
from .payloads import XSS_PAYLOADS

CENTER = (35.6580, 139.7016)


@pytest.fixture
def world(app, make_user, make_process):
    process = make_process("square")
    author = make_user(display_name="作者")
    troll = make_user(display_name="荒らし")
    admin = make_user("admin")
    official = make_user("official", department="roads")
    with app.test_request_context("/"):
        adm, auth = db.session.get(User, admin.id), db.session.get(User, author.id)
        proc = db.session.get(Process, process.id)
        proc.support_threshold = 10
        survey = survey_services.create_survey(adm, proc, {"title": {"ja": "調査"}, "phase_id": proc.phases[0].id,
                                                            "allow_anonymous": True})
        text_q = survey_services.add_question(adm, survey, {"type": "short_text", "text": {"ja": "一言"}})
        choice_q = survey_services.add_question(adm, survey, {"type": "single_choice", "text": {"ja": "選択"},
                                                              "options": [{"ja": "はい"}, {"ja": "いいえ"}]})
        survey_services.set_results_publication(adm, survey, True, True)
        proposal = proposal_services.submit_proposal(proc, auth, {"title": "最初のタイトル", "body": "本文",
                                                                  "latitude": CENTER[0], "longitude": CENTER[1]})
        comment = proposal_services.add_comment(db.session.get(User, troll.id), proposal, "コメント", 0)
        answer = proposal_services.answer_proposal(adm, proposal, {"state": "accepted", "text": "回答",
                                                                   "planned_period": "来年"})
        roads = db.session.scalar(select(Department).where(Department.code == "roads"))
        category = Category(code="pothole", name={"ja": "穴", "en": "Pothole"}, group={"ja": "道路"},
                            department_id=roads.id)
        db.session.add(category)
        db.session.flush()
        issue = issue_services.report_issue(auth, {"category_id": category.id, "latitude": CENTER[0],
                                                   "longitude": CENTER[1], "title": "穴です", "details": "深い"})
        update = issue_services.add_update(db.session.get(User, troll.id), issue, "更新")
        template = issue_services.add_template(db.session.get(User, official.id), roads.id, "fixed",
                                               {"ja": "完了"}, {"ja": "直しました"})
        db.session.add(Answer(response=SurveyResponse(survey_id=survey.id, browser_token="b1"),
                              question_id=text_q.id, text="自由記述"))
        case = moderation_services.flag(adm, "proposal_comments", comment.id, "spam", "詳細")
        moderation_services.block_user(adm, db.session.get(User, troll.id), "十五文字以上の理由をここに書きます")
        db.session.commit()
        return {k: v.id for k, v in dict(process=proc, survey=survey, text_q=text_q, choice_q=choice_q,
                                         proposal=proposal, comment=comment, answer=answer, issue=issue,
                                         update=update, template=template, category=category, roads=roads,
                                         case=case).items()} | {"admin": admin, "author": author, "troll": troll,
                                                                "official": official}


def _fill(app, w, payload: str) -> None:
    """Put the payload into every text field (as if typed into the forms)."""
    both = {"ja": payload, "en": payload}
    with app.app_context():
        s = db.session
        for uid in (w["author"].id, w["troll"].id):
            s.get(User, uid).display_name = payload[:80]
        process = s.get(Process, w["process"])
        process.title = process.subtitle = process.description = both
        for phase in process.phases:
            phase.title = phase.description = both
        survey = s.get(Survey, w["survey"])
        survey.title = survey.description = both
        for q in s.scalars(select(Question).where(Question.survey_id == survey.id)):
            q.text = q.help = both
        for o in s.scalars(select(Option)):
            o.label = both
        for a in s.scalars(select(Answer)):
            a.text = payload
        proposal = s.get(Proposal, w["proposal"])
        proposal.title, proposal.body, proposal.address = payload[:150], payload, payload[:200]
        for v in proposal.versions:
            v.title, v.body = payload[:150], payload
        s.get(Comment, w["comment"]).body = payload
        answer = s.get(ProposalAnswer, w["answer"])
        answer.text, answer.planned_period = payload, payload[:100]
        issue = s.get(Issue, w["issue"])
        issue.title, issue.details, issue.address = payload[:100], payload, payload[:200]
        s.get(IssueUpdate, w["update"]).text = payload
        s.get(Category, w["category"]).name = both
        s.get(Category, w["category"]).group = both
        s.get(Department, w["roads"]).name = both
        template = s.get(ResponseTemplate, w["template"])
        template.title = template.text = both
        for f in s.scalars(select(Flag)):
            f.details = payload
        for b in s.scalars(select(Block)):
            b.justification = payload
        s.get(User, w["troll"].id).blocked_reason = payload
        from participation.core.models import Notification

        for n in s.scalars(select(Notification)):
            n.data = {**n.data, "title": payload, "reason": payload}
        s.commit()


def _check(response, where: str, payload: str) -> None:
    assert response.status_code < 500, where
    if response.mimetype == "application/json":
        json.loads(response.get_data(as_text=True))  # still valid JSON, whatever the text
        return
    html = response.get_data(as_text=True)
    problems = executable_parts(html)
    assert problems == [], f"{where} with {payload!r}: {problems}"


def test_no_payload_executes_anywhere(app, world, login):
    w = world
    public_pages = [
        "/", "/processes/", "/processes/square/", "/processes/square/proposals/",
        f"/proposals/{w['proposal']}", f"/processes/square/surveys/{w['survey']}",
        f"/processes/square/surveys/{w['survey']}/results", "/issues/", f"/issues/{w['issue']}",
        "/issues/stats", "/issues.geojson", "/processes/square/proposals.geojson",
        "/moderation/transparency",
    ]
    staff_pages = [
        "/admin/processes/", f"/admin/processes/{w['process']}/",
        f"/admin/processes/{w['process']}/phases/{w['process']}", f"/admin/surveys/{w['survey']}/",
        f"/admin/surveys/{w['survey']}/questions/{w['choice_q']}", f"/admin/triage?department={w['roads']}",
        f"/admin/templates?department={w['roads']}", "/moderation/?all=1",
        f"/moderation/users/{w['troll'].id}", "/admin/audit", f"/proposals/{w['proposal']}?reply_to={w['comment']}",
    ]
    anonymous = app.test_client()
    admin = app.test_client()
    with admin.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_token_of(app, w["admin"].id), True
    author = app.test_client()
    with author.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_token_of(app, w["author"].id), True
    for payload in XSS_PAYLOADS:
        _fill(app, w, payload)
        for page in public_pages:
            _check(anonymous.get(page), page, payload)
        for page in public_pages + staff_pages:
            _check(admin.get(page), f"admin {page}", payload)
        _check(author.get("/notifications"), "notifications", payload)
        # Reflected input: search terms and redirect targets.
        _check(anonymous.get("/processes/square/proposals/?q=" + quote(payload)), "search", payload)
        _check(anonymous.get("/auth/login?next=" + quote(payload)), "login next", payload)
        _check(anonymous.get("/issues/?group=" + quote(payload)), "issue filter", payload)
