"""Surveys: building, answering once, validation per type, results, CSV."""
from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from participation.core.errors import Conflict, InvalidInput, PermissionDenied
from participation.core.models import AuditLog, User
from participation.extensions import db
from participation.processes.models import Process
from participation.surveys import reports, services
from participation.surveys.models import Answer, Question, Response, Survey

from .conftest import count, good_answers, options_of, submit_form, survey_url

# --- answering ----------------------------------------------------------------------------------

def test_resident_answers_once_and_sees_thanks(app, client, login, make_user, build_survey, post_form):
    survey_id, ids, _ = build_survey()
    login(make_user())
    response = post_form(survey_url(survey_id), good_answers(app, ids))
    assert response.status_code == 302
    page = client.get(survey_url(survey_id)).get_data(as_text=True)
    assert "ご回答ありがとうございました。" in page
    assert "このアンケートにはすでに回答済みです。" in page
    again = post_form(survey_url(survey_id), good_answers(app, ids))
    assert again.status_code == 409
    assert count(app, Response) == 1
    with app.app_context():
        stored = db.session.scalars(select(Answer)).all()
        assert len(stored) == 1 + 2 + 1 + 3 + 2 + 1 + 1


def test_anonymous_needs_sign_in_unless_allowed(app, client, build_survey, post_form):
    survey_id, ids, _ = build_survey()
    page = client.get(survey_url(survey_id)).get_data(as_text=True)
    assert "アンケートに回答するにはログインしてください。" in page
    assert post_form(survey_url(survey_id), good_answers(app, ids)).status_code == 403
    assert count(app, Response) == 0


def test_one_response_per_browser_when_anonymous_answers_are_allowed(app, build_survey, post_form):
    survey_id, ids, _ = build_survey(allow_anonymous=True)
    assert post_form(survey_url(survey_id), good_answers(app, ids)).status_code == 302
    assert post_form(survey_url(survey_id), good_answers(app, ids)).status_code == 409
    other_browser = app.test_client()
    token = __import__("tests.conftest", fromlist=["csrf_token"]).csrf_token(other_browser, survey_url(survey_id))
    data = good_answers(app, ids)
    data["csrf_token"] = token
    assert other_browser.post(survey_url(survey_id), data=data).status_code == 302
    assert count(app, Response) == 2
    with app.app_context():
        tokens = [r.browser_token for r in db.session.scalars(select(Response))]
        assert all(tokens) and len(set(tokens)) == 2


@pytest.mark.commits_from_threads
def test_concurrent_submits_store_one_response(app, make_user, build_survey):
    survey_id, ids, _ = build_survey()
    resident = make_user()
    data = good_answers(app, ids)
    barrier = threading.Barrier(4)
    outcomes = []

    def submit():
        barrier.wait()  # all four at once; a writing request holds SQLite's write lock from its first query
        with app.test_request_context("/", method="POST"):
            survey = db.session.get(Survey, survey_id)
            user = db.session.get(User, resident.id)
            try:
                submit_form(survey, user, data)
                db.session.commit()
                outcomes.append("stored")
            except Conflict:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "stored"]
    assert count(app, Response) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("often", None, "この質問は回答が必須です。"),
        ("often", "999999", "表示されている選択肢から選んでください。"),
        ("often", "abc", "表示されている選択肢から選んでください。"),
        ("walk", "6", "1から5の中から選んでください。"),
        ("walk", "0", "1から5の中から選んでください。"),
        ("word", "あ" * 201, "回答は200文字以内にしてください。"),
        ("more", "あ" * 2001, "回答は2000文字以内にしてください。"),
    ],
)
def test_bad_answers_are_refused_and_typed_answers_kept(app, client, login, make_user, build_survey,
                                                        post_form, field, value, message):
    survey_id, ids, _ = build_survey()
    login(make_user())
    data = good_answers(app, ids, **{f"q{ids[field]}": value})
    response = post_form(survey_url(survey_id), data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'href="#q{ids[field]}"' in html
    assert "にぎやか" in html or field == "word"  # the short text typed earlier is still there
    assert count(app, Response) == 0 and count(app, Answer) == 0


def test_multiple_choice_limit_and_ranking_and_matrix_rules(app, login, make_user, build_survey, post_form):
    survey_id, ids, _ = build_survey()
    login(make_user())
    want, _ = options_of(app, ids["want"])
    rank, _ = options_of(app, ids["rank"])
    cols, rows = options_of(app, ids["feel"])
    cases = [
        ({f"q{ids['want']}": [str(w) for w in want]}, "2個以内で選んでください。"),
        ({f"q{ids['rank']}_o{rank[0]}": "1", f"q{ids['rank']}_o{rank[1]}": "1"},
         "1から3までの異なる順位をつけてください。"),
        ({f"q{ids['rank']}_o{rank[2]}": None}, "1から3までの異なる順位をつけてください。"),
        ({f"q{ids['feel']}_r{rows[1]}": None}, "すべての行に回答してください。"),
        ({f"q{ids['feel']}_r{rows[1]}": str(want[0])}, "表示されている選択肢から選んでください。"),
    ]
    for overrides, message in cases:
        response = post_form(survey_url(survey_id), good_answers(app, ids, **overrides))
        assert response.status_code == 400, overrides
        assert message in response.get_data(as_text=True), overrides
    assert count(app, Response) == 0


def test_answers_to_another_surveys_questions_are_refused(app, login, make_user, build_survey,
                                                          make_process, post_form):
    survey_id, ids, _ = build_survey()
    other_id, other_ids, _ = build_survey(process=make_process("other"))
    login(make_user())
    data = good_answers(app, ids)
    data[f"q{other_ids['word']}"] = "紛れ込み"
    response = post_form(survey_url(survey_id), data)
    assert response.status_code == 400
    assert count(app, Response) == 0
    # And a survey id that belongs to another process is a 404.
    assert post_form(survey_url(other_id), good_answers(app, other_ids),
                     page=survey_url(survey_id)).status_code == 404


def test_survey_outside_its_phase_is_closed(app, login, make_user, make_process, build_survey, post_form):
    today = date.today()
    process = make_process("square", phases=[
        dict(start_date=today - timedelta(days=30), end_date=today + timedelta(days=5),
             allow_survey_answers=False),
        dict(start_date=today + timedelta(days=6), end_date=today + timedelta(days=30),
             allow_survey_answers=True)])
    with app.app_context():
        proc = db.session.get(Process, process.id)
        proc.phases[0].allow_survey_answers = True  # let the builder attach to phase 2 below
        db.session.commit()
    survey_id, ids, facilitator = build_survey(process=process)
    with app.test_request_context("/"):
        survey = db.session.get(Survey, survey_id)
        survey.phase_id = db.session.get(Process, process.id).phases[1].id
        db.session.commit()
    login(make_user())
    response = post_form(survey_url(survey_id), good_answers(app, ids))
    assert response.status_code == 403
    assert "アンケートの受付は" in response.get_data(as_text=True)
    assert count(app, Response) == 0


# --- building -----------------------------------------------------------------------------------

def test_questions_with_answers_are_protected(app, make_user, build_survey):
    survey_id, ids, facilitator = build_survey()
    resident = make_user()
    often, _ = options_of(app, ids["often"])
    with app.test_request_context("/"):
        survey = db.session.get(Survey, survey_id)
        submit_form(survey, db.session.get(User, resident.id),
                    good_answers(app, ids, **{f"q{ids['often']}": str(often[2]),
                                              f"q{ids['more']}": None}))
        db.session.commit()
        actor = db.session.get(User, facilitator.id)
        question = db.session.get(Question, ids["often"])
        with pytest.raises(Conflict):
            services.delete_question(actor, question)
        with pytest.raises(Conflict):
            services.update_question(actor, question, {
                "type": "multiple_choice", "text": question.text,
                "options": [o.label for o in question.options]})
        db.session.rollback()
        question = db.session.get(Question, ids["often"])
        with pytest.raises(Conflict):  # dropping the answered third choice
            services.update_question(actor, question, {
                "type": "single_choice", "text": question.text,
                "options": [{"ja": "毎日"}, {"ja": "週1"}]})
        db.session.rollback()
        question = db.session.get(Question, ids["often"])
        services.update_question(actor, question, {   # wording fix + a new choice: fine
            "type": "single_choice", "text": {"ja": "利用頻度", "en": "How often"},
            "options": [{"ja": "ほぼ毎日"}, {"ja": "週1"}, {"ja": "まれ"}, {"ja": "初めて"}]})
        db.session.commit()
        question = db.session.get(Question, ids["often"])
        assert question.text["ja"] == "利用頻度"
        assert [o.label["ja"] for o in question.options] == ["ほぼ毎日", "週1", "まれ", "初めて"]
        with pytest.raises(Conflict):
            services.delete_survey(actor, db.session.get(Survey, survey_id))
        # An unanswered question can still be deleted.
        services.delete_question(actor, db.session.get(Question, ids["more"]))
        db.session.commit()


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (dict(type="single_choice", text={"ja": "x"}, options=[{"ja": "一つだけ"}]), "options"),
        (dict(type="matrix", text={"ja": "x"}, options=[{"ja": "a"}, {"ja": "b"}], rows=[]), "rows"),
        (dict(type="multiple_choice", text={"ja": "x"}, options=[{"ja": "a"}, {"ja": "b"}], max_choices=3),
         "max_choices"),
        (dict(type="bogus", text={"ja": "x"}), "type"),
        (dict(type="short_text", text={"ja": "", "en": "English only"}), "text_ja"),
        (dict(type="single_choice", text={"ja": "x"}, options=[{"ja": "a"}, {"ja": "", "en": "b"}]), "options"),
    ],
)
def test_question_validation(app, build_survey, spec, field):
    survey_id, _ids, facilitator = build_survey()
    with app.test_request_context("/"):
        with pytest.raises(InvalidInput) as info:
            services.add_question(db.session.get(User, facilitator.id), db.session.get(Survey, survey_id), spec)
        assert info.value.field == field


def test_only_facilitators_of_the_process_build_surveys(app, make_user, make_process, build_survey):
    survey_id, _ids, _ = build_survey()
    outsider = make_user("facilitator", process_id=make_process().id)
    with app.test_request_context("/"), pytest.raises(PermissionDenied):
        services.add_question(db.session.get(User, outsider.id), db.session.get(Survey, survey_id),
                              dict(type="short_text", text={"ja": "x"}))


def test_builder_pages_create_and_edit_questions(app, client, login, build_survey, post_form):
    survey_id, ids, facilitator = build_survey()
    login(facilitator)
    page = f"/admin/surveys/{survey_id}/questions/new"
    response = post_form(page, {"type": "single_choice", "text_ja": "年代", "text_en": "Age",
                                "options": "10代 | teens\n20代 | twenties\n\n30代以上 | 30+"})
    assert response.status_code == 302
    with app.app_context():
        question = db.session.scalars(select(Question).order_by(Question.id.desc())).first()
        assert [o.label for o in question.options] == [
            {"ja": "10代", "en": "teens"}, {"ja": "20代", "en": "twenties"}, {"ja": "30代以上", "en": "30+"}]
        assert question.position == len(ids)
    bad = post_form(page, {"type": "single_choice", "text_ja": "年代", "options": "ひとつ"})
    assert bad.status_code == 400
    assert "選択肢を1行に1つずつ、2つ以上入力してください。" in bad.get_data(as_text=True)
    edit = client.get(f"/admin/surveys/{survey_id}/questions/{question.id}").get_data(as_text=True)
    assert "10代 | teens" in edit
    moved = post_form(f"/admin/surveys/{survey_id}/questions/{question.id}/move", {"direction": "up"},
                      page=f"/admin/surveys/{survey_id}/")
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(Question, question.id).position == len(ids) - 1


# --- results and export -------------------------------------------------------------------------

def _respond(app, survey_id, ids, n_users, make_user, **overrides):
    for _ in range(n_users):
        user = make_user()
        with app.test_request_context("/"):
            submit_form(db.session.get(Survey, survey_id), db.session.get(User, user.id),
                        good_answers(app, ids, **overrides))
            db.session.commit()


def test_results_maths(app, make_user, build_survey):
    survey_id, ids, _ = build_survey()
    often, _ = options_of(app, ids["often"])
    rank, _ = options_of(app, ids["rank"])
    _respond(app, survey_id, ids, 3, make_user)  # daily, walk 4, rank: 緑 1, 安全 2, にぎわい 3
    _respond(app, survey_id, ids, 1, make_user, **{
        f"q{ids['often']}": str(often[2]), f"q{ids['walk']}": "1",
        f"q{ids['rank']}_o{rank[0]}": "1", f"q{ids['rank']}_o{rank[1]}": "3",
        f"q{ids['rank']}_o{rank[2]}": "2", f"q{ids['word']}": None, f"q{ids['want']}": None})
    with app.test_request_context("/"):
        total, results = reports.compute_results(db.session.get(Survey, survey_id), include_free_text=True)
        by_id = {r.question.id: r for r in results}
        assert total == 4
        assert [(b.count, b.percent) for b in by_id[ids["often"]].bars] == [(3, 75.0), (0, 0.0), (1, 25.0)]
        want = by_id[ids["want"]]
        assert want.answered == 3
        assert [(b.count, b.percent) for b in want.bars] == [(3, 100.0), (0, 0.0), (3, 100.0)]
        walk = by_id[ids["walk"]]
        assert walk.average == 3.25  # (4 * 3 + 1) / 4
        assert walk.bars[0].label == {"ja": "1（悪い）", "en": "1 (悪い)"}
        assert by_id[ids["rank"]].ranking == [({"ja": "緑"}, 1.5), ({"ja": "安全"}, 1.75),
                                              ({"ja": "にぎわい"}, 2.75)]
        morning = by_id[ids["feel"]].matrix[0]
        assert [(b.count, b.percent) for b in morning[1]] == [(4, 100.0), (0, 0.0)]
        assert by_id[ids["word"]].texts == ["にぎやか"] * 3
        _, public = reports.compute_results(db.session.get(Survey, survey_id), include_free_text=False)
        assert all(r.texts is None for r in public)


def test_results_are_private_until_published(app, client, login, make_user, build_survey, post_form):
    survey_id, ids, facilitator = build_survey()
    _respond(app, survey_id, ids, 2, make_user)
    results = f"/processes/square/surveys/{survey_id}/results"
    assert client.get(results).status_code == 403
    login(facilitator)
    html = client.get(results).get_data(as_text=True)
    assert "にぎやか" in html and "<svg" in html
    response = post_form(f"/admin/surveys/{survey_id}/results", {"publish": "y"},
                         page=f"/admin/surveys/{survey_id}/")
    assert response.status_code == 302
    public = app.test_client()
    html = public.get(results).get_data(as_text=True)
    assert public.get(results).status_code == 200
    assert '回答数 <span class="num">2</span>件' in html and "にぎやか" not in html
    assert "自由記述の回答は公開していません。" in html
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "survey.results")) is not None


def test_csv_export_has_bom_headers_and_one_row_per_response(app, client, login, make_user, build_survey,
                                                             post_form):
    survey_id, ids, facilitator = build_survey()
    _respond(app, survey_id, ids, 2, make_user)
    login(facilitator)
    assert client.get(f"/admin/surveys/{survey_id}/export.csv").status_code == 405  # a GET never writes
    response = post_form(f"/admin/surveys/{survey_id}/export.csv", {}, page=f"/admin/surveys/{survey_id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["response_id", "submitted_at", "頻度", "欲しいもの", "歩きやすさ", "優先順位",
                       "印象 [朝]", "印象 [夜]", "一言で", "ご意見"]
    assert len(rows) == 3
    assert rows[1][2:] == ["毎日", "ベンチ; 屋根", "4", "緑 > 安全 > にぎわい", "快適", "不快",
                           "にぎやか", "木陰がほしいです。"]
    assert "@" not in body.decode("utf-8-sig")  # no e-mail addresses or other personal data
    with app.app_context():  # who exported personal data is on record
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "survey.export")) is not None


def test_csv_export_is_for_facilitators_only(client, login, make_user, build_survey, post_form):
    survey_id, _ids, _ = build_survey()
    login(make_user())
    assert post_form(f"/admin/surveys/{survey_id}/export.csv", {}, page="/account/").status_code == 403


def test_process_page_counts_survey_responses_and_links_the_survey(app, client, login, make_user,
                                                                   build_survey):
    survey_id, ids, _ = build_survey()
    _respond(app, survey_id, ids, 2, make_user)
    login(make_user())
    html = client.get("/processes/square/").get_data(as_text=True)
    assert "アンケート回答数" in html
    assert f'href="/processes/square/surveys/{survey_id}"' in html
    assert "アンケートに回答する：広場アンケート" in html
