"""Answering: is a survey open to this respondent, the rules of each question type, one response each.

The services take the answers as `{question_id: value}`, whoever collected them (the HTML form in
`forms.AnswerForm`, a JSON API):

    short or long text    str
    single choice         the option id (an int, or its digits as a string)
    scale                 the value from 1 to 5 (idem)
    multiple choice       a list of option ids
    ranking               {option_id: rank}, 1 being the first choice
    matrix                {row_id: option_id}

None, "", an empty list or mapping, or a missing question id is "no answer". `check_answers` knows
nothing of surveys beyond the question types: any list of questions with `id`, `type`, `required`,
`max_choices`, `options` and `rows` (see `AnswerableQuestion`) can be checked with it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol, TypeAlias

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..core.errors import Conflict, InvalidInput, PermissionDenied
from ..core.models import User
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post
from ..core.types import Actor
from ..extensions import db
from ..processes.capabilities import CLOSED_ON, OPENS_ON, SIGN_IN, Decision, is_allowed
from ..processes.models import Capability, city_today
from .models import SCALE_VALUES, Answer, QuestionType, Response, Survey, text_answer_max
from .queries import existing_response

Scalar: TypeAlias = str | int | None
AnswerValue: TypeAlias = Scalar | Sequence[Scalar] | Mapping[int, Scalar]

ALREADY_ANSWERED = _l("You have already answered this survey. Thank you!")
NOT_THIS_SURVEY = _l("The answers do not belong to this survey.")
NEEDS_ATTENTION = _l("Some answers need your attention.")
REQUIRED = _l("This question is required.")
NOT_OFFERED = _l("Please choose one of the choices offered.")
OUT_OF_SCALE = _l("Please choose a value from 1 to 5.")
EVERY_ROW = _l("Please answer every row.")


# --- open or not --------------------------------------------------------------------------------

def is_open(survey: Survey, user: Actor) -> Decision:
    """Open when its phase is the process's current phase and lets residents answer."""
    process = survey.process
    decision = is_allowed(process, Capability.ANSWER_SURVEY, user, require_login=not survey.allow_anonymous)
    current = process.current_phase()
    if decision.allowed and current is not None and current.id != survey.phase_id:
        phase = survey.phase
        if phase.start_date > city_today():
            reason = OPENS_ON[Capability.ANSWER_SURVEY] % {"date": format_date(phase.start_date, "long")}
        else:
            reason = CLOSED_ON[Capability.ANSWER_SURVEY] % {"date": format_date(phase.end_date, "long")}
        return Decision(False, str(reason))
    return decision


def needs_browser_token(survey: Survey, user: Actor) -> bool:
    """Someone without an account answers a survey open to all: one response per browser."""
    return survey.allow_anonymous and not isinstance(user, User)


# --- the rules of each question type ------------------------------------------------------------

class Choice(Protocol):
    @property
    def id(self) -> int: ...


class AnswerableQuestion(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def type(self) -> QuestionType: ...
    @property
    def required(self) -> bool: ...
    @property
    def max_choices(self) -> int | None: ...
    @property
    def options(self) -> Sequence[Choice]: ...
    @property
    def rows(self) -> Sequence[Choice]: ...


@dataclass(frozen=True)
class Given:
    """One accepted answer: a text, a choice (with its rank), a scale value or a matrix cell."""

    question_id: int
    option_id: int | None = None
    row_id: int | None = None
    text: str | None = None
    number: int | None = None  # scale value, or rank (1 = first)


class AnswerRefused(Exception):
    """The answer to one question breaks a rule; `message` says which (translated)."""

    def __init__(self, message: object):
        super().__init__(str(message))
        self.message = message


class AnswerErrors(InvalidInput):
    """Some answers were refused; `errors` maps question ids to messages, shown next to each question."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(NEEDS_ATTENTION)
        self.errors = errors


def _empty(value: object) -> bool:
    return value is None or value == ""


def _as_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _one(value: AnswerValue) -> Scalar:
    if isinstance(value, (str, int)) or value is None:
        return value
    raise AnswerRefused(NOT_OFFERED)


def _many(value: AnswerValue) -> list[Scalar]:
    if isinstance(value, (str, int)) or value is None:
        return [value]
    if isinstance(value, Mapping):
        raise AnswerRefused(NOT_OFFERED)
    return list(value)


def _by_id(value: AnswerValue, error: object) -> dict[int, Scalar]:
    """A {id: value} answer (ranking, matrix) without its empty entries."""
    if _empty(value):
        return {}
    if not isinstance(value, Mapping):
        raise AnswerRefused(error)
    given: dict[int, Scalar] = {}
    for key, item in value.items():
        if _empty(item):
            continue
        number = _as_int(key)
        if number is None:
            raise AnswerRefused(error)
        given[number] = item
    return given


def _text(q: AnswerableQuestion, value: AnswerValue) -> list[Given]:
    raw = _one(value)
    text = clean_text(str(raw) if raw is not None else "").strip()
    limit = text_answer_max(q.type)
    if len(text) > limit:
        raise AnswerRefused(_l("Please keep the answer under %(n)d characters.", n=limit))
    return [Given(q.id, text=text)] if text else []


def _single(q: AnswerableQuestion, value: AnswerValue) -> list[Given]:
    raw = _one(value)
    if _empty(raw):
        return []
    chosen = _as_int(raw)
    if chosen is None or chosen not in {o.id for o in q.options}:
        raise AnswerRefused(NOT_OFFERED)
    return [Given(q.id, option_id=chosen)]


def _multiple(q: AnswerableQuestion, value: AnswerValue) -> list[Given]:
    chosen = [_as_int(v) for v in _many(value) if not _empty(v)]
    option_ids = {o.id for o in q.options}
    if any(c not in option_ids for c in chosen) or len(set(chosen)) != len(chosen):
        raise AnswerRefused(NOT_OFFERED)
    if q.max_choices and len(chosen) > q.max_choices:
        raise AnswerRefused(_l("Please choose at most %(n)d.", n=q.max_choices))
    return [Given(q.id, option_id=c) for c in chosen if c is not None]


def _scale(q: AnswerableQuestion, value: AnswerValue) -> list[Given]:
    raw = _one(value)
    if _empty(raw):
        return []
    number = _as_int(raw)
    if number is None or number not in SCALE_VALUES:
        raise AnswerRefused(OUT_OF_SCALE)
    return [Given(q.id, number=number)]


def _ranking(q: AnswerableQuestion, value: AnswerValue) -> list[Given]:
    n = len(q.options)
    message = _l("Please give each choice a different rank from 1 to %(n)d.", n=n)
    given = _by_id(value, message)
    if not given:
        return []
    ranks = {o.id: _as_int(given.get(o.id)) for o in q.options}
    if set(given) - set(ranks) or sorted(r or 0 for r in ranks.values()) != list(range(1, n + 1)):
        raise AnswerRefused(message)
    return [Given(q.id, option_id=option_id, number=rank) for option_id, rank in ranks.items()]


def _matrix(q: AnswerableQuestion, value: AnswerValue) -> list[Given]:
    given = _by_id(value, NOT_OFFERED)
    option_ids = {o.id for o in q.options}
    row_ids = [r.id for r in q.rows]
    if set(given) - set(row_ids):
        raise AnswerRefused(NOT_OFFERED)
    cells = {row_id: _as_int(given[row_id]) for row_id in row_ids if row_id in given}
    if any(option_id not in option_ids for option_id in cells.values()):
        raise AnswerRefused(NOT_OFFERED)
    if len(cells) < len(row_ids) and q.required:
        raise AnswerRefused(EVERY_ROW)
    return [Given(q.id, row_id=row_id, option_id=option_id) for row_id, option_id in cells.items()]


RULES = {
    QuestionType.SHORT_TEXT: _text,
    QuestionType.LONG_TEXT: _text,
    QuestionType.SINGLE: _single,
    QuestionType.MULTIPLE: _multiple,
    QuestionType.SCALE: _scale,
    QuestionType.RANKING: _ranking,
    QuestionType.MATRIX: _matrix,
}


def check_answer(question: AnswerableQuestion, value: AnswerValue) -> list[Given]:
    """The accepted answer rows for one question, or AnswerRefused (also for a missing required one)."""
    given = RULES[question.type](question, value)
    if not given and question.required:
        raise AnswerRefused(REQUIRED)
    return given


def check_answers(questions: Iterable[AnswerableQuestion], answers: Mapping[int, AnswerValue]) -> list[Given]:
    """Every question's accepted answers, or AnswerErrors with one message per refused question.

    Answers to questions not in `questions` are refused as a whole (InvalidInput).
    """
    questions = list(questions)
    if set(answers) - {q.id for q in questions}:
        raise InvalidInput(NOT_THIS_SURVEY)
    accepted: list[Given] = []
    errors: dict[int, str] = {}
    for question in questions:
        try:
            accepted.extend(check_answer(question, answers.get(question.id)))
        except AnswerRefused as refused:
            errors[question.id] = str(refused.message)
    if errors:
        raise AnswerErrors(errors)
    return accepted


# --- recording ----------------------------------------------------------------------------------

def submit_response(survey: Survey, user: Actor, answers: Mapping[int, AnswerValue], *,
                    browser_token: str | None = None, language: str | None = None) -> Response:
    """Store one response; a second one from the same resident or browser is refused."""
    decision = is_open(survey, user)
    if not decision:
        raise PermissionDenied(decision.reason)
    signed_in = isinstance(user, User)
    if signed_in:
        ensure_can_post(user)  # a blocked resident's answers are refused like their posts
    if not signed_in and not browser_token:
        raise PermissionDenied(SIGN_IN[Capability.ANSWER_SURVEY])
    if existing_response(survey, user, browser_token) is not None:
        raise Conflict(ALREADY_ANSWERED)
    given = check_answers(survey.questions, answers)
    response = Response(survey_id=survey.id, user_id=user.id if isinstance(user, User) else None,
                        browser_token=None if signed_in else browser_token, language=language,
                        answers=[Answer(**asdict(g)) for g in given])
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        # A concurrent request stored this respondent's answer first.
        raise Conflict(ALREADY_ANSWERED) from None
    return response
