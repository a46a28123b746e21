"""The answering rules on `{question_id: value}`: without the HTML form, for any list of questions."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from participation.core.errors import InvalidInput
from participation.core.models import User
from participation.extensions import db
from participation.surveys import answering
from participation.surveys.answering import AnswerErrors, Given, check_answers
from participation.surveys.forms import AnswerForm
from participation.surveys.models import Answer, QuestionType, Response, Survey

from .conftest import good_answers, options_of, survey_url


@dataclass
class Choice:
    id: int


@dataclass
class Q:
    """A question that is not a survey's (a meeting's registration question, say)."""

    id: int
    type: QuestionType
    required: bool = False
    max_choices: int | None = None
    options: list[Choice] = field(default_factory=list)
    rows: list[Choice] = field(default_factory=list)


def choices(*ids):
    return [Choice(i) for i in ids]


QUESTIONS = [
    Q(1, QuestionType.SHORT_TEXT, required=True),
    Q(2, QuestionType.SINGLE, options=choices(21, 22)),
    Q(3, QuestionType.MULTIPLE, max_choices=2, options=choices(31, 32, 33)),
    Q(4, QuestionType.SCALE),
    Q(5, QuestionType.RANKING, options=choices(51, 52, 53)),
    Q(6, QuestionType.MATRIX, required=True, options=choices(61, 62), rows=choices(66, 67)),
    Q(7, QuestionType.LONG_TEXT),
]


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def refused(answers):
    with pytest.raises(AnswerErrors) as info:
        check_answers(QUESTIONS, answers)
    return info.value.errors


def test_typed_values_are_accepted_as_answer_rows(english):
    given = check_answers(QUESTIONS, {1: "  はい ", 2: 22, 3: [31, "33"], 4: 5, 5: {51: 3, 52: 1, 53: "2"},
                                      6: {66: 61, 67: 62}, 7: ""})
    assert given == [
        Given(1, text="はい"), Given(2, option_id=22), Given(3, option_id=31), Given(3, option_id=33),
        Given(4, number=5), Given(5, option_id=51, number=3), Given(5, option_id=52, number=1),
        Given(5, option_id=53, number=2), Given(6, row_id=66, option_id=61), Given(6, row_id=67, option_id=62),
    ]


def test_unanswered_optional_questions_give_no_rows(english):
    assert check_answers(QUESTIONS, {1: "x", 6: {66: 61, 67: 61}, 5: {51: "", 52: None}}) == [
        Given(1, text="x"), Given(6, row_id=66, option_id=61), Given(6, row_id=67, option_id=61)]


def test_each_refused_question_gets_its_own_message(english):
    errors = refused({1: "", 2: 99, 3: [31, 32, 33], 4: 0, 5: {51: 1, 52: 1, 53: 2}, 6: {66: 61},
                      7: "x" * 2001})
    assert errors == {
        1: "This question is required.",
        2: "Please choose one of the choices offered.",
        3: "Please choose at most 2.",
        4: "Please choose a value from 1 to 5.",
        5: "Please give each choice a different rank from 1 to 3.",
        6: "Please answer every row.",
        7: "Please keep the answer under 2000 characters.",
    }


@pytest.mark.parametrize(
    ("answers", "question_id", "message"),
    [
        ({3: [31, 31]}, 3, "Please choose one of the choices offered."),
        ({3: {31: 1}}, 3, "Please choose one of the choices offered."),
        ({2: [21]}, 2, "Please choose one of the choices offered."),
        ({2: True}, 2, "Please choose one of the choices offered."),
        ({5: {51: "x", 52: 1, 53: 2}}, 5, "Please give each choice a different rank from 1 to 3."),
        ({5: {51: 1, 52: 2, 53: 3, 99: 4}}, 5, "Please give each choice a different rank from 1 to 3."),
        ({5: [1, 2, 3]}, 5, "Please give each choice a different rank from 1 to 3."),
        ({6: {66: 61, 67: 99}}, 6, "Please choose one of the choices offered."),
        ({6: {66: 61, 67: 62, 68: 61}}, 6, "Please choose one of the choices offered."),
        ({1: "x" * 201}, 1, "Please keep the answer under 200 characters."),
    ],
)
def test_malformed_values_are_refused_not_crashed_on(english, answers, question_id, message):
    answers = {1: "x", 6: {66: 61, 67: 61}, **answers}
    assert refused(answers)[question_id] == message


def test_answers_to_other_questions_are_refused_as_a_whole(english):
    with pytest.raises(InvalidInput) as info:
        check_answers(QUESTIONS, {1: "x", 6: {66: 61, 67: 61}, 99: "紛れ込み"})
    assert str(info.value.message) == "The answers do not belong to this survey."


def test_the_form_turns_fields_into_answers_by_question_id(app, build_survey):
    survey_id, ids, _ = build_survey()
    want, _ = options_of(app, ids["want"])
    rank, _ = options_of(app, ids["rank"])
    cols, rows = options_of(app, ids["feel"])
    with app.test_request_context("/"):
        survey = db.session.get(Survey, survey_id)
        form = AnswerForm(survey.questions, MultiDict([
            (f"q{ids['want']}", str(want[0])), (f"q{ids['want']}", str(want[1])),
            (f"q{ids['rank']}_o{rank[0]}", "1"), (f"q{ids['rank']}_o999999", "2"),
            (f"q{ids['feel']}_r{rows[1]}", str(cols[0])),
            (f"q{ids['word']}", "にぎやか"), (f"q{ids['word']}", "二つ目は無視"),
            ("q424242", "他の調査"), ("q424243_o1", "1"), ("csrf_token", "t"), ("qx", "?"),
        ]))
        assert form.answers() == {
            ids["often"]: "", ids["want"]: [str(want[0]), str(want[1])], ids["walk"]: "",
            ids["rank"]: {rank[0]: "1", rank[1]: "", rank[2]: ""},
            ids["feel"]: {rows[0]: "", rows[1]: str(cols[0])},
            ids["word"]: "にぎやか", ids["more"]: "",
            424242: "他の調査", 424243: "1",
        }
        form.show_errors({ids["walk"]: "message"})
        assert form.errors == {f"q{ids['walk']}": "message"}


def test_a_json_client_records_the_same_response_as_the_form(app, make_user, build_survey):
    survey_id, ids, _ = build_survey()
    often, _ = options_of(app, ids["often"])
    want, _ = options_of(app, ids["want"])
    rank, _ = options_of(app, ids["rank"])
    cols, rows = options_of(app, ids["feel"])
    resident = make_user()
    with app.test_request_context("/"):
        survey = db.session.get(Survey, survey_id)
        response = answering.submit_response(survey, db.session.get(User, resident.id), {
            ids["often"]: often[1], ids["want"]: [want[2]], ids["walk"]: 3,
            ids["rank"]: {rank[0]: 1, rank[1]: 3, rank[2]: 2},
            ids["feel"]: {rows[0]: cols[1], rows[1]: cols[0]}, ids["more"]: "木陰"}, language="en")
        db.session.commit()
        assert response.user_id == resident.id and response.language == "en"
        stored = {(a.question_id, a.option_id, a.row_id, a.number, a.text) for a in response.answers}
        assert stored == {
            (ids["often"], often[1], None, None, None), (ids["want"], want[2], None, None, None),
            (ids["walk"], None, None, 3, None),
            (ids["rank"], rank[0], None, 1, None), (ids["rank"], rank[1], None, 3, None),
            (ids["rank"], rank[2], None, 2, None),
            (ids["feel"], cols[1], rows[0], None, None), (ids["feel"], cols[0], rows[1], None, None),
            (ids["more"], None, None, None, "木陰"),
        }


def test_a_rank_that_is_not_a_number_is_a_400_with_the_message(app, login, make_user, build_survey,
                                                                post_form):
    survey_id, ids, _ = build_survey()
    rank, _ = options_of(app, ids["rank"])
    login(make_user())
    response = post_form(survey_url(survey_id), good_answers(app, ids, **{f"q{ids['rank']}_o{rank[0]}": "x"}))
    assert response.status_code == 400
    assert "1から3までの異なる順位をつけてください。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0
        assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_the_page_names_its_fields_as_the_form_reads_them(app, client, login, make_user, build_survey):
    survey_id, ids, _ = build_survey()
    rank, _ = options_of(app, ids["rank"])
    cols, rows = options_of(app, ids["feel"])
    login(make_user())
    html = client.get(survey_url(survey_id)).get_data(as_text=True)
    assert f'name="q{ids["word"]}" maxlength="200"' in html
    assert f'name="q{ids["more"]}" rows="5" maxlength="2000"' in html
    assert f'<select id="q{ids["rank"]}_o{rank[0]}" name="q{ids["rank"]}_o{rank[0]}">' in html
    assert f'name="q{ids["feel"]}_r{rows[1]}" value="{cols[0]}"' in html
    assert f'<fieldset class="question" id="q{ids["often"]}"' in html


def test_an_answer_naming_another_surveys_question_is_announced_as_an_error(app, login, make_user, build_survey,
                                                                             post_form):
    """A refusal of the whole form is read out at once (role=alert), not as a polite status."""
    survey_id, ids, _ = build_survey()
    foreign = max(ids.values()) + 1000
    login(make_user())
    response = post_form(survey_url(survey_id), good_answers(app, ids, **{f"q{foreign}": "1"}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    alert = html[html.index('<div class="flashes" role="alert">'):]
    assert "flash-error" in alert[:300]
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0
