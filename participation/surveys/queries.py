"""Reads: loading surveys and questions (404 when absent), counts, a respondent's response."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.errors import NotFound
from ..core.models import User
from ..core.types import Actor
from ..extensions import db
from ..processes.models import Phase, Process
from .models import Answer, Question, Response, Survey


def get_survey(survey_id: int, process: Process | None = None) -> Survey:
    """The survey (of `process`, when given), or NotFound."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or (process is not None and survey.process_id != process.id):
        raise NotFound(_l("This survey does not exist."))
    return survey


def get_question(survey: Survey, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id:
        raise NotFound(_l("This question does not exist."))
    return question


def process_surveys(process: Process) -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.process_id == process.id)
                                   .order_by(Survey.id)))


def phase_has_surveys(phase: Phase) -> bool:
    return bool(db.session.scalar(select(func.count(Survey.id)).where(Survey.phase_id == phase.id)))


def response_count(survey: Survey) -> int:
    return db.session.scalar(select(func.count(Response.id)).where(Response.survey_id == survey.id)) or 0


def process_response_count(process: Process) -> int:
    """Responses to every survey of the process (a figure on the process page), from core.counts."""
    from ..core.counts import total

    return total("survey_responses", select(Survey.id).where(Survey.process_id == process.id))


def has_answers(question: Question) -> bool:
    count = db.session.scalar(select(func.count(Answer.id)).where(Answer.question_id == question.id))
    return bool(count)


def answered_option_ids(question: Question) -> set[int]:
    """Choices and matrix rows that some response chose: they cannot be removed any more."""
    ids = set(db.session.scalars(select(Answer.option_id).where(
        Answer.question_id == question.id, Answer.option_id.is_not(None)).distinct()))
    ids |= set(db.session.scalars(select(Answer.row_id).where(
        Answer.question_id == question.id, Answer.row_id.is_not(None)).distinct()))
    return {i for i in ids if i is not None}


def existing_response(survey: Survey, user: Actor, browser_token: str | None) -> Response | None:
    """The response this resident (or, when not signed in, this browser) already gave."""
    if isinstance(user, User):  # signed in
        condition = Response.user_id == user.id
    elif browser_token:
        condition = Response.browser_token == browser_token
    else:
        return None
    return db.session.scalar(select(Response).where(Response.survey_id == survey.id, condition))
