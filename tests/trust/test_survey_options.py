"""Issue 11, item 13: editing the choices of an answered question never moves its answers."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core.errors import Conflict
from participation.core.models import User
from participation.extensions import db
from participation.processes.models import Process
from participation.surveys import answering, exports, reports, services
from participation.surveys.models import Answer, Question


@pytest.fixture
def answered(app, make_process, make_user):
    process = make_process()
    facilitator = make_user("facilitator", process_id=process.id)
    residents = [make_user() for _ in range(3)]
    with app.test_request_context("/"):
        actor = db.session.get(User, facilitator.id)
        proc = db.session.get(Process, process.id)
        survey = services.create_survey(actor, proc, {"title": {"ja": "年齢"}, "phase_id": proc.phases[0].id})
        question = services.add_question(actor, survey, {
            "type": "single_choice", "text": {"ja": "お子さんの年齢"}, "required": True,
            "options": [{"ja": "3歳未満", "en": "Under 3"}, {"ja": "3〜5歳", "en": "3-5"},
                        {"ja": "6歳以上", "en": "6+"}]})
        ids = {o.label["en"]: o.id for o in question.options}
        for resident, choice in zip(residents, ["Under 3", "3-5", "3-5"], strict=True):
            answering.submit_response(survey, db.session.get(User, resident.id), {question.id: ids[choice]})
        db.session.commit()
        return {"facilitator": facilitator.id, "survey": survey.id, "question": question.id, "ids": ids}


def given(question_id):
    return sorted(db.session.scalars(select(Answer.option_id).where(Answer.question_id == question_id)))


def edit(world, options):
    actor = db.session.get(User, world["facilitator"])
    question = db.session.get(Question, world["question"])
    return services.update_question(actor, question, {
        "type": "single_choice", "text": {"ja": "お子さんの年齢"}, "required": True, "options": options})


def test_reordering_keeps_every_answer_on_its_option(app, answered):
    with app.test_request_context("/"):
        before = given(answered["question"])
        question = edit(answered, [{"ja": "6歳以上", "en": "6+"}, {"ja": "3歳未満", "en": "Under 3"},
                                   {"ja": "3〜5歳", "en": "3-5"}])
        db.session.commit()
        assert given(answered["question"]) == before
        assert [o.label["en"] for o in question.options] == ["6+", "Under 3", "3-5"]
        assert {o.label["en"]: o.id for o in question.options} == answered["ids"]
        counts = {row["label"]: row["count"] for row in _counts(question)}
        assert counts == {"6歳以上": 0, "3歳未満": 1, "3〜5歳": 2}


def _counts(question):
    _n, results = reports.compute_results(question.survey, include_free_text=False)
    result = next(r for r in results if r.question.id == question.id)
    return [{"label": bar.label["ja"], "count": bar.count} for bar in result.bars]


def test_the_csv_follows_the_options_not_their_places(app, answered):
    with app.test_request_context("/"):
        edit(answered, [{"ja": "6歳以上", "en": "6+"}, {"ja": "3歳未満", "en": "Under 3"},
                        {"ja": "3〜5歳", "en": "3-5"}])
        text = exports.export_csv(db.session.get(User, answered["facilitator"]),
                                  db.session.get(Question, answered["question"]).survey, "en")
        cells = [line.split(",")[-1] for line in text.strip().splitlines()[1:]]
        assert sorted(cells) == ["3-5", "3-5", "Under 3"]


def test_renaming_and_adding_keep_the_answers(app, answered):
    with app.test_request_context("/"):
        before = given(answered["question"])
        question = edit(answered, [{"ja": "0〜2歳", "en": "Under 3"}, {"ja": "3〜5歳", "en": "3 to 5"},
                                   {"ja": "6歳以上", "en": "6+"}, {"ja": "いない", "en": "None"}])
        assert given(answered["question"]) == before
        assert [o.id for o in question.options][:3] == [answered["ids"][k] for k in ("Under 3", "3-5", "6+")]
        assert question.options[0].label == {"ja": "0〜2歳", "en": "Under 3"}
        assert len(question.options) == 4


def test_answered_options_cannot_be_removed_but_unanswered_ones_can(app, answered):
    with app.test_request_context("/"):
        with pytest.raises(Conflict):
            edit(answered, [{"ja": "6歳以上", "en": "6+"}, {"ja": "3〜5歳", "en": "3-5"}])
        db.session.rollback()
        question = edit(answered, [{"ja": "3〜5歳", "en": "3-5"}, {"ja": "3歳未満", "en": "Under 3"}])
        assert {o.id for o in question.options} == {answered["ids"]["3-5"], answered["ids"]["Under 3"]}
        assert len(given(answered["question"])) == 3
