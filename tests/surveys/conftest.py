"""Survey fixtures: a survey with one question of each type, and helpers to answer it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from participation.core.models import User
from participation.extensions import db
from participation.processes.models import Process
from participation.surveys import answering, services
from participation.surveys.forms import AnswerForm
from participation.surveys.models import Question


@pytest.fixture
def build_survey(app, make_process, make_user):
    """build_survey(allow_anonymous=False, process=None) -> (survey_id, {name: question_id}, facilitator)."""

    def factory(*, allow_anonymous: bool = False, process=None, results_published: bool = False):
        process = process or make_process("square")
        facilitator = make_user("facilitator", process_id=process.id)
        with app.test_request_context("/"):
            actor = db.session.get(User, facilitator.id)
            proc = db.session.get(Process, process.id)
            survey = services.create_survey(actor, proc, {
                "title": {"ja": "広場アンケート", "en": "Square survey"},
                "phase_id": proc.phases[0].id, "allow_anonymous": allow_anonymous})
            specs = {
                "often": dict(type="single_choice", text={"ja": "頻度", "en": "How often"}, required=True,
                              options=[{"ja": "毎日", "en": "Daily"}, {"ja": "週1", "en": "Weekly"},
                                       {"ja": "まれ", "en": "Rarely"}]),
                "want": dict(type="multiple_choice", text={"ja": "欲しいもの", "en": "Wants"}, max_choices=2,
                             options=[{"ja": "ベンチ"}, {"ja": "木陰"}, {"ja": "屋根"}]),
                "walk": dict(type="scale", text={"ja": "歩きやすさ"}, required=True,
                             scale_min_label={"ja": "悪い"}, scale_max_label={"ja": "良い"}),
                "rank": dict(type="ranking", text={"ja": "優先順位"},
                             options=[{"ja": "安全"}, {"ja": "緑"}, {"ja": "にぎわい"}]),
                "feel": dict(type="matrix", text={"ja": "印象"}, required=True,
                             options=[{"ja": "快適"}, {"ja": "不快"}], rows=[{"ja": "朝"}, {"ja": "夜"}]),
                "word": dict(type="short_text", text={"ja": "一言で"}),
                "more": dict(type="long_text", text={"ja": "ご意見"}),
            }
            ids = {name: services.add_question(actor, survey, spec).id for name, spec in specs.items()}
            if results_published:
                services.set_results_publication(actor, survey, True, False)
            db.session.commit()
            return survey.id, ids, facilitator

    return factory


def options_of(app, question_id):
    with app.app_context():
        q = db.session.get(Question, question_id)
        return [o.id for o in q.options], [r.id for r in q.rows]


def good_answers(app, ids, **overrides):
    often, _ = options_of(app, ids["often"])
    want, _ = options_of(app, ids["want"])
    rank, _ = options_of(app, ids["rank"])
    feel_cols, feel_rows = options_of(app, ids["feel"])
    data = MultiDict([
        (f"q{ids['often']}", str(often[0])),
        (f"q{ids['want']}", str(want[0])), (f"q{ids['want']}", str(want[2])),
        (f"q{ids['walk']}", "4"),
        (f"q{ids['rank']}_o{rank[0]}", "2"), (f"q{ids['rank']}_o{rank[1]}", "1"),
        (f"q{ids['rank']}_o{rank[2]}", "3"),
        (f"q{ids['feel']}_r{feel_rows[0]}", str(feel_cols[0])),
        (f"q{ids['feel']}_r{feel_rows[1]}", str(feel_cols[1])),
        (f"q{ids['word']}", "にぎやか"),
        (f"q{ids['more']}", "木陰がほしいです。"),
    ])
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        elif isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def submit_form(survey, user, formdata):
    """What the answer page does with the submitted fields."""
    return answering.submit_response(survey, user, AnswerForm(survey.questions, formdata).answers())


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def survey_url(survey_id):
    return f"/processes/square/surveys/{survey_id}"
