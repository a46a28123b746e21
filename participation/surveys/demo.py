"""Demo survey with every question type and a few responses."""
from __future__ import annotations

import random

from sqlalchemy import select

from ..core.models import User
from ..extensions import db
from ..processes.models import Process
from .models import Answer, Option, OptionKind, Question, QuestionType, Response, Survey

TITLE = {"ja": "駅前広場の使い方アンケート", "en": "How do you use the station square?"}


def _options(labels: list[tuple[str, str]], kind: OptionKind = OptionKind.OPTION) -> list[Option]:
    return [Option(kind=kind, position=i, label={"ja": ja, "en": en}) for i, (ja, en) in enumerate(labels)]


def seed() -> str | None:
    process = db.session.scalar(select(Process).where(Process.slug == "station-square"))
    if process is None:
        return None
    if db.session.scalar(select(Survey).where(Survey.process_id == process.id)) is not None:
        return "Survey: already there."
    phase = next(p for p in process.phases if p.allow_survey_answers)
    survey = Survey(process=process, phase=phase, title=TITLE, allow_anonymous=True,
                    results_published=True, free_text_published=False,
                    description={"ja": "5分ほどで終わります。回答は統計としてのみ使います。",
                                 "en": "It takes about five minutes. Answers are used only as statistics."})
    questions = [
        Question(position=0, type=QuestionType.SINGLE, required=True,
                 text={"ja": "駅前広場をどのくらい利用しますか。", "en": "How often do you use the square?"},
                 all_options=_options([("ほぼ毎日", "Almost every day"), ("週に数回", "A few times a week"),
                                       ("月に数回", "A few times a month"), ("ほとんど使わない", "Rarely")])),
        Question(position=1, type=QuestionType.MULTIPLE, max_choices=2,
                 text={"ja": "広場に欲しいものを2つまで選んでください。", "en": "Choose up to two things you want."},
                 all_options=_options([("ベンチ", "Benches"), ("木陰", "Shade trees"),
                                       ("屋根のある待合所", "Covered waiting area"), ("駐輪場", "Bicycle parking")])),
        Question(position=2, type=QuestionType.SCALE, required=True,
                 text={"ja": "今の広場の歩きやすさは？", "en": "How easy is it to walk across the square today?"},
                 scale_min_label={"ja": "とても歩きにくい", "en": "Very hard"},
                 scale_max_label={"ja": "とても歩きやすい", "en": "Very easy"}),
        Question(position=3, type=QuestionType.RANKING,
                 text={"ja": "優先してほしい順に並べてください。", "en": "Rank these priorities."},
                 all_options=_options([("安全", "Safety"), ("緑", "Greenery"), ("にぎわい", "Liveliness")])),
        Question(position=4, type=QuestionType.MATRIX,
                 text={"ja": "時間帯ごとの印象を教えてください。", "en": "How does the square feel at these times?"},
                 all_options=_options([("快適", "Pleasant"), ("普通", "Neutral"), ("不快", "Unpleasant")])
                 + _options([("朝", "Morning"), ("昼", "Daytime"), ("夜", "Night")], kind=OptionKind.ROW)),
        Question(position=5, type=QuestionType.SHORT_TEXT,
                 text={"ja": "広場を一言で表すと？", "en": "The square in one word?"}),
        Question(position=6, type=QuestionType.LONG_TEXT,
                 text={"ja": "ほかにご意見があればお書きください。", "en": "Any other comments?"},
                 help={"ja": "個人が特定できる情報は書かないでください。",
                       "en": "Please do not include personal information."}),
    ]
    survey.questions = questions
    db.session.add(survey)
    db.session.flush()

    rng = random.Random(2026)
    residents = list(db.session.scalars(select(User).where(User.email.like("resident%")).order_by(User.id)))
    respondents = [(u.id, None) for u in residents] + [(None, f"demo-browser-{i}") for i in range(9)]
    words = ["にぎやか", "せまい", "便利", "暑い", "殺風景"]
    for user_id, token in respondents:
        answers = []
        q = questions
        answers.append(Answer(question_id=q[0].id, option_id=rng.choice(q[0].options).id))
        for option in rng.sample(q[1].options, rng.randint(1, 2)):
            answers.append(Answer(question_id=q[1].id, option_id=option.id))
        answers.append(Answer(question_id=q[2].id, number=rng.choice([1, 2, 2, 3, 3, 4])))
        order = rng.sample(q[3].options, len(q[3].options))
        answers += [Answer(question_id=q[3].id, option_id=o.id, number=i + 1) for i, o in enumerate(order)]
        for row in q[4].rows:
            answers.append(Answer(question_id=q[4].id, row_id=row.id, option_id=rng.choice(q[4].options).id))
        answers.append(Answer(question_id=q[5].id, text=rng.choice(words)))
        db.session.add(Response(survey_id=survey.id, user_id=user_id, browser_token=token,
                                language="ja", answers=answers))
    db.session.flush()
    return f"Survey: created with {len(questions)} questions and {len(respondents)} responses."
