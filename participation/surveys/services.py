"""Survey actions: building, answering (once), results and CSV export."""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core import audit
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.i18n import clean_translated, localized
from ..core.sanitize import clean_text
from ..extensions import db
from ..processes import services as process_services
from ..processes.models import Capability, Process, city_today
from . import permissions
from .models import (
    LONG_TEXT_MAX,
    SCALE_VALUES,
    SHORT_TEXT_MAX,
    Answer,
    Option,
    Question,
    QuestionType,
    Response,
    Survey,
)

LABEL_MAX = 200



def _deny() -> PermissionDenied:
    return PermissionDenied(_l("Only facilitators of this process and administrators can do this."))


# --- loading ------------------------------------------------------------------------------------

def get_survey(survey_id: int, process: Process | None = None) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or (process is not None and survey.process_id != process.id):
        raise NotFound(_l("This survey does not exist."))
    return survey


def get_question(survey: Survey, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id:
        raise NotFound(_l("This question does not exist."))
    return question


def response_count(survey: Survey) -> int:
    return db.session.scalar(select(func.count(Response.id)).where(Response.survey_id == survey.id)) or 0


def _answered_question_ids(survey: Survey) -> set[int]:
    query = (select(Answer.question_id).join(Response)
             .where(Response.survey_id == survey.id).distinct())
    return set(db.session.scalars(query))


def _answered_option_ids(question: Question) -> set[int]:
    ids = set(db.session.scalars(select(Answer.option_id).where(
        Answer.question_id == question.id, Answer.option_id.is_not(None)).distinct()))
    ids |= set(db.session.scalars(select(Answer.row_id).where(
        Answer.question_id == question.id, Answer.row_id.is_not(None)).distinct()))
    return ids


def has_answers(question: Question) -> bool:
    return db.session.scalar(select(func.count(Answer.id)).where(Answer.question_id == question.id)) > 0


# --- building -----------------------------------------------------------------------------------

def _validate_survey(process: Process, data: dict) -> dict:
    title = clean_translated(data.get("title"))
    if not title.get("ja"):
        raise InvalidInput(_l("Please enter the title in Japanese."), field="title_ja")
    phase_id = data.get("phase_id")
    phase = next((p for p in process.phases if p.id == phase_id), None)
    if phase is None:
        raise InvalidInput(_l("Please choose a phase of this process."), field="phase_id")
    if not phase.allows(Capability.ANSWER_SURVEY):
        raise InvalidInput(_l("This phase does not let residents answer surveys. Choose another "
                              "phase or change the phase settings."), field="phase_id")
    return {"title": title, "description": clean_translated(data.get("description")),
            "phase_id": phase.id, "allow_anonymous": bool(data.get("allow_anonymous"))}


def _survey_snapshot(survey: Survey) -> dict:
    return {"title": survey.title, "description": survey.description, "phase_id": survey.phase_id,
            "allow_anonymous": survey.allow_anonymous, "results_published": survey.results_published,
            "free_text_published": survey.free_text_published}


def create_survey(actor: Any, process: Process, data: dict) -> Survey:
    if not permissions.can_manage_survey(actor, process):
        raise _deny()
    survey = Survey(process=process, **_validate_survey(process, data))
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "survey.create", survey, after=_survey_snapshot(survey))
    return survey


def update_survey(actor: Any, survey: Survey, data: dict) -> Survey:
    if not permissions.can_manage_survey(actor, survey.process):
        raise _deny()
    before = _survey_snapshot(survey)
    for key, value in _validate_survey(survey.process, data).items():
        setattr(survey, key, value)
    db.session.flush()
    audit.record(actor, "survey.update", survey, before=before, after=_survey_snapshot(survey))
    return survey


def delete_survey(actor: Any, survey: Survey) -> None:
    if not permissions.can_manage_survey(actor, survey.process):
        raise _deny()
    if response_count(survey):
        raise Conflict(_l("This survey has responses and cannot be deleted."))
    audit.record(actor, "survey.delete", survey, before=_survey_snapshot(survey))
    db.session.delete(survey)
    db.session.flush()


def set_results_publication(actor: Any, survey: Survey, publish: bool, free_text: bool) -> Survey:
    if not permissions.can_manage_survey(actor, survey.process):
        raise _deny()
    before = _survey_snapshot(survey)
    survey.results_published = bool(publish)
    survey.free_text_published = bool(publish and free_text)
    db.session.flush()
    audit.record(actor, "survey.results", survey, before=before, after=_survey_snapshot(survey))
    return survey


def parse_labels(text: str) -> list[dict]:
    """One label per line, "日本語 | English" (English optional)."""
    labels = []
    for line in clean_text(text).split("\n"):
        if not line.strip():
            continue
        ja, _sep, en = line.partition("|")
        labels.append({"ja": ja.strip(), "en": en.strip()})
    return labels


def format_labels(options: list[Option]) -> str:
    return "\n".join(o.label.get("ja", "") + (f" | {o.label['en']}" if o.label.get("en") else "")
                     for o in options)


def _validate_question(data: dict) -> dict:
    try:
        qtype = QuestionType(data.get("type"))
    except ValueError:
        raise InvalidInput(_l("Please choose a question type."), field="type") from None
    text = clean_translated(data.get("text"))
    if not text.get("ja"):
        raise InvalidInput(_l("Please enter the question in Japanese."), field="text_ja")
    options = [clean_translated(o) for o in data.get("options") or []]
    rows = [clean_translated(r) for r in data.get("rows") or []]
    for label in options + rows:
        if not label.get("ja"):
            raise InvalidInput(_l("Every choice needs a Japanese label."), field="options")
        if any(len(v) > LABEL_MAX for v in label.values()):
            raise InvalidInput(_l("A choice can be at most %(n)d characters long.", n=LABEL_MAX),
                               field="options")
    if qtype.has_options and len(options) < 2:
        raise InvalidInput(_l("Please give at least two choices, one per line."), field="options")
    if qtype is QuestionType.MATRIX and not rows:
        raise InvalidInput(_l("A matrix needs at least one row."), field="rows")
    max_choices = data.get("max_choices")
    if qtype is not QuestionType.MULTIPLE:
        max_choices = None
    elif max_choices is not None and not (1 <= max_choices <= len(options)):
        raise InvalidInput(_l("The maximum number of choices must be between 1 and the number of "
                              "choices."), field="max_choices")
    return {
        "type": qtype.value, "text": text, "help": clean_translated(data.get("help")),
        "required": bool(data.get("required")), "max_choices": max_choices,
        "scale_min_label": clean_translated(data.get("scale_min_label")) if qtype is QuestionType.SCALE else {},
        "scale_max_label": clean_translated(data.get("scale_max_label")) if qtype is QuestionType.SCALE else {},
        "options": options if qtype.has_options else [],
        "rows": rows if qtype is QuestionType.MATRIX else [],
    }


def _question_snapshot(question: Question) -> dict:
    return {"type": question.type, "text": question.text, "required": question.required,
            "options": [o.label for o in question.options], "rows": [r.label for r in question.rows]}


def _sync_options(question: Question, kind: str, labels: list[dict], locked: set[int]) -> None:
    existing = [o for o in question.all_options if o.kind == kind]
    for index, label in enumerate(labels):
        if index < len(existing):
            existing[index].label = label  # wording fix keeps the option (and its answers)
            existing[index].position = index
        else:
            question.all_options.append(Option(kind=kind, position=index, label=label))
    for option in existing[len(labels):]:
        if option.id in locked:
            raise Conflict(_l("The choice “%(label)s” already has answers and cannot be removed.",
                              label=option.label.get("ja", "")), field="options")
        question.all_options.remove(option)


def add_question(actor: Any, survey: Survey, data: dict) -> Question:
    if not permissions.can_manage_survey(actor, survey.process):
        raise _deny()
    values = _validate_question(data)
    options, rows = values.pop("options"), values.pop("rows")
    question = Question(survey=survey, position=len(survey.questions), **values)
    _sync_options(question, "option", options, set())
    _sync_options(question, "row", rows, set())
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "survey.question.create", question, after=_question_snapshot(question))
    return question


def update_question(actor: Any, question: Question, data: dict) -> Question:
    if not permissions.can_manage_survey(actor, question.survey.process):
        raise _deny()
    values = _validate_question(data)
    answered = has_answers(question)
    if answered and values["type"] != question.type:
        raise Conflict(_l("This question already has answers, so its type cannot change. "
                          "Wording fixes are still possible."), field="type")
    before = _question_snapshot(question)
    options, rows = values.pop("options"), values.pop("rows")
    locked = _answered_option_ids(question) if answered else set()
    for key, value in values.items():
        setattr(question, key, value)
    _sync_options(question, "option", options, locked)
    _sync_options(question, "row", rows, locked)
    db.session.flush()
    audit.record(actor, "survey.question.update", question, before=before,
                 after=_question_snapshot(question))
    return question


def delete_question(actor: Any, question: Question) -> None:
    survey = question.survey
    if not permissions.can_manage_survey(actor, survey.process):
        raise _deny()
    if has_answers(question):
        raise Conflict(_l("This question already has answers and cannot be deleted."))
    audit.record(actor, "survey.question.delete", question, before=_question_snapshot(question))
    survey.questions.remove(question)
    for index, other in enumerate(survey.questions):
        other.position = index
    db.session.flush()


def move_question(actor: Any, question: Question, direction: str) -> None:
    survey = question.survey
    if not permissions.can_manage_survey(actor, survey.process):
        raise _deny()
    questions = list(survey.questions)
    index = questions.index(question)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(questions):
        raise InvalidInput(_l("This question cannot move further."))
    questions[index], questions[target] = questions[target], questions[index]
    for position, item in enumerate(questions):
        item.position = position
    db.session.flush()
    audit.record(actor, "survey.question.move", question, after={"position": target})


# --- answering ----------------------------------------------------------------------------------

def is_open(survey: Survey, user: Any) -> process_services.Decision:
    """Open when its phase is the process's current phase and lets residents answer."""
    process = survey.process
    decision = process_services.is_allowed(process, Capability.ANSWER_SURVEY, user,
                                           require_login=not survey.allow_anonymous)
    current = process.current_phase()
    if decision.allowed and current is not None and current.id != survey.phase_id:
        today = city_today()
        phase = survey.phase
        if phase.start_date > today:
            reason = _l("The survey opens on %(date)s.", date=format_date(phase.start_date, "long"))
        else:
            reason = _l("The survey closed on %(date)s.", date=format_date(phase.end_date, "long"))
        return process_services.Decision(False, str(reason))
    return decision


class SurveyErrors(InvalidInput):
    """Validation failed; `errors` maps question field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_l("Some answers need your attention."))
        self.errors = errors


def existing_response(survey: Survey, user: Any, browser_token: str | None) -> Response | None:
    if user is not None and getattr(user, "is_authenticated", False):
        condition = Response.user_id == user.id
    elif browser_token:
        condition = Response.browser_token == browser_token
    else:
        return None
    return db.session.scalar(select(Response).where(Response.survey_id == survey.id, condition))


QUESTION_KEY = re.compile(r"^q(\d+)(?:_[or]\d+)?$")


def _parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def validate_answers(survey: Survey, form: Any) -> list[Answer]:
    """Turn submitted form data into Answer rows, or raise SurveyErrors."""
    own_ids = {q.id for q in survey.questions}
    for key in form.keys():
        match = QUESTION_KEY.match(key)
        if match and int(match.group(1)) not in own_ids:
            raise InvalidInput(_l("The answers do not belong to this survey."))
    errors: dict[str, str] = {}
    answers: list[Answer] = []
    required_msg = _l("This question is required.")
    invalid_msg = _l("Please choose one of the choices offered.")
    for q in survey.questions:
        name, qtype = q.field_name, q.qtype
        option_ids = {o.id for o in q.options}
        if qtype.is_text:
            text = clean_text(form.get(name, "")).strip()
            limit = SHORT_TEXT_MAX if qtype is QuestionType.SHORT_TEXT else LONG_TEXT_MAX
            if len(text) > limit:
                errors[name] = str(_l("Please keep the answer under %(n)d characters.", n=limit))
            elif text:
                answers.append(Answer(question_id=q.id, text=text))
            elif q.required:
                errors[name] = str(required_msg)
        elif qtype is QuestionType.SINGLE:
            value = form.get(name, "")
            if not value:
                if q.required:
                    errors[name] = str(required_msg)
            elif _parse_int(value) not in option_ids:
                errors[name] = str(invalid_msg)
            else:
                answers.append(Answer(question_id=q.id, option_id=int(value)))
        elif qtype is QuestionType.MULTIPLE:
            values = [v for v in form.getlist(name) if v]
            chosen = [_parse_int(v) for v in values]
            if any(c not in option_ids for c in chosen) or len(set(chosen)) != len(chosen):
                errors[name] = str(invalid_msg)
            elif q.max_choices and len(chosen) > q.max_choices:
                errors[name] = str(_l("Please choose at most %(n)d.", n=q.max_choices))
            elif not chosen and q.required:
                errors[name] = str(required_msg)
            else:
                answers.extend(Answer(question_id=q.id, option_id=c) for c in chosen)
        elif qtype is QuestionType.SCALE:
            value = form.get(name, "")
            if not value:
                if q.required:
                    errors[name] = str(required_msg)
            elif _parse_int(value) not in SCALE_VALUES:
                errors[name] = str(_l("Please choose a value from 1 to 5."))
            else:
                answers.append(Answer(question_id=q.id, number=int(value)))
        elif qtype is QuestionType.RANKING:
            raw = {o.id: form.get(f"{name}_o{o.id}", "") for o in q.options}
            given = {oid: _parse_int(v) for oid, v in raw.items() if v}
            n = len(q.options)
            if not given:
                if q.required:
                    errors[name] = str(required_msg)
            elif len(given) != n or sorted(given.values()) != list(range(1, n + 1)):
                errors[name] = str(_l("Please give each choice a different rank from 1 to %(n)d.", n=n))
            else:
                answers.extend(Answer(question_id=q.id, option_id=oid, number=rank)
                               for oid, rank in given.items())
        elif qtype is QuestionType.MATRIX:
            row_answers = []
            missing = False
            for row in q.rows:
                value = form.get(f"{name}_r{row.id}", "")
                if not value:
                    missing = True
                elif _parse_int(value) not in option_ids:
                    errors[name] = str(invalid_msg)
                else:
                    row_answers.append(Answer(question_id=q.id, row_id=row.id, option_id=int(value)))
            if name not in errors:
                if missing and q.required:
                    errors[name] = str(_l("Please answer every row."))
                else:
                    answers.extend(row_answers)
    if errors:
        raise SurveyErrors(errors)
    return answers


def submit_response(survey: Survey, user: Any, form: Any, *, browser_token: str | None = None,
                    language: str | None = None) -> Response:
    """Store one response; a second one from the same resident or browser is refused."""
    decision = is_open(survey, user)
    if not decision:
        raise PermissionDenied(decision.reason)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if not signed_in and not browser_token:
        raise PermissionDenied(_l("Please sign in to answer the survey."))
    if existing_response(survey, user, browser_token) is not None:
        raise Conflict(_l("You have already answered this survey. Thank you!"))
    answers = validate_answers(survey, form)
    response = Response(survey_id=survey.id, user_id=user.id if signed_in else None,
                        browser_token=None if signed_in else browser_token, language=language,
                        answers=answers)
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        # A concurrent request stored this respondent's answer first.
        raise Conflict(_l("You have already answered this survey. Thank you!")) from None
    return response


# --- results ------------------------------------------------------------------------------------

@dataclass
class Bar:
    label: dict
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: Question
    answered: int  # respondents who answered this question
    bars: list[Bar] = field(default_factory=list)
    average: float | None = None
    matrix: list[tuple[dict, list[Bar]]] = field(default_factory=list)
    ranking: list[tuple[dict, float]] = field(default_factory=list)
    texts: list[str] | None = None


def _scale_label(value: int, end_label: dict | None) -> dict:
    if not end_label:
        return {"ja": str(value), "en": str(value)}
    return {"ja": f"{value}（{end_label.get('ja') or end_label.get('en', '')}）",
            "en": f"{value} ({end_label.get('en') or end_label.get('ja', '')})"}


def _percent(count: int, total: int) -> float:
    return round(100.0 * count / total, 1) if total else 0.0


def compute_results(survey: Survey, *, include_free_text: bool) -> tuple[int, list[QuestionResult]]:
    """Counts, percentages, scale averages and average ranks, in a fixed number of queries."""
    total = response_count(survey)
    rows = db.session.execute(
        select(Answer.question_id, Answer.option_id, Answer.row_id, Answer.number,
               func.count(Answer.id))
        .join(Response).where(Response.survey_id == survey.id)
        .group_by(Answer.question_id, Answer.option_id, Answer.row_id, Answer.number)
    ).all()
    answered = dict(db.session.execute(
        select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
        .join(Response).where(Response.survey_id == survey.id).group_by(Answer.question_id)
    ).all())
    counts: dict[int, list[tuple]] = defaultdict(list)
    for question_id, option_id, row_id, number, count in rows:
        counts[question_id].append((option_id, row_id, number, count))
    texts: dict[int, list[str]] = defaultdict(list)
    if include_free_text:
        for question_id, text in db.session.execute(
                select(Answer.question_id, Answer.text).join(Response)
                .where(Response.survey_id == survey.id, Answer.text.is_not(None))
                .order_by(Answer.id)):
            texts[question_id].append(text)

    results = []
    for q in survey.questions:
        n = answered.get(q.id, 0)
        result = QuestionResult(question=q, answered=n)
        data = counts.get(q.id, [])
        qtype = q.qtype
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            by_option = defaultdict(int)
            for option_id, _row, _num, count in data:
                by_option[option_id] += count
            result.bars = [Bar(o.label, by_option[o.id], _percent(by_option[o.id], n)) for o in q.options]
        elif qtype is QuestionType.SCALE:
            by_value = defaultdict(int)
            for _opt, _row, number, count in data:
                by_value[number] += count
            ends = {1: q.scale_min_label, 5: q.scale_max_label}
            result.bars = [Bar(_scale_label(v, ends.get(v)), by_value[v], _percent(by_value[v], n))
                           for v in SCALE_VALUES]
            if n:
                result.average = round(sum(v * c for v, c in by_value.items()) / sum(by_value.values()), 2)
        elif qtype is QuestionType.RANKING:
            sums, hits = defaultdict(int), defaultdict(int)
            for option_id, _row, number, count in data:
                sums[option_id] += number * count
                hits[option_id] += count
            ranked = [(o.label, round(sums[o.id] / hits[o.id], 2)) for o in q.options if hits[o.id]]
            result.ranking = sorted(ranked, key=lambda item: item[1])
        elif qtype is QuestionType.MATRIX:
            for row in q.rows:
                by_column = defaultdict(int)
                for option_id, row_id, _num, count in data:
                    if row_id == row.id:
                        by_column[option_id] += count
                row_total = sum(by_column.values())
                result.matrix.append((row.label, [Bar(o.label, by_column[o.id],
                                                      _percent(by_column[o.id], row_total))
                                                  for o in q.options]))
        elif qtype.is_text and include_free_text:
            result.texts = texts.get(q.id, [])
        results.append(result)
    return total, results


# --- CSV ----------------------------------------------------------------------------------------

def export_csv(actor: Any, survey: Survey, lang: str) -> str:
    """One row per response, one column per question (matrix: one per row), UTF-8 with BOM."""
    if not permissions.can_export_survey(actor, survey):
        raise _deny()
    tz = ZoneInfo(current_app.config["CITY_TIMEZONE"])
    columns: list[tuple[Question, Option | None]] = []
    header = ["response_id", "submitted_at"]
    for q in survey.questions:
        if q.qtype is QuestionType.MATRIX:
            for row in q.rows:
                columns.append((q, row))
                header.append(f"{localized(q.text, lang)} [{localized(row.label, lang)}]")
        else:
            columns.append((q, None))
            header.append(localized(q.text, lang))
    labels = {o.id: localized(o.label, lang) for q in survey.questions for o in q.all_options}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    responses = db.session.scalars(select(Response).where(Response.survey_id == survey.id)
                                   .order_by(Response.id))
    for response in responses:
        by_question: dict[int, list[Answer]] = defaultdict(list)
        for answer in response.answers:
            by_question[answer.question_id].append(answer)
        row = [response.id, response.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")]
        for q, matrix_row in columns:
            given = by_question.get(q.id, [])
            qtype = q.qtype
            if qtype.is_text:
                cell = given[0].text if given else ""
            elif qtype is QuestionType.SCALE:
                cell = given[0].number if given else ""
            elif qtype is QuestionType.RANKING:
                cell = " > ".join(labels[a.option_id] for a in sorted(given, key=lambda a: a.number))
            elif qtype is QuestionType.MATRIX:
                cell = next((labels[a.option_id] for a in given if a.row_id == matrix_row.id), "")
            else:
                order = {o.id: i for i, o in enumerate(q.options)}
                cell = "; ".join(labels[a.option_id] for a in sorted(given, key=lambda a: order[a.option_id]))
            row.append(cell)
        writer.writerow(row)
    audit.record(actor, "survey.export", survey)
    return out.getvalue()


# --- contributions to the process page -----------------------------------------------------------

def _figures(process: Process) -> list[tuple[str, int]]:
    count = db.session.scalar(select(func.count(Response.id)).join(Survey)
                              .where(Survey.process_id == process.id)) or 0
    return [(str(_l("Survey responses")), count)]


def _actions(process: Process, user: Any) -> list[tuple[str, str]]:
    from flask import url_for

    actions = []
    for survey in process_services.process_surveys(process):
        decision = is_open(survey, user)
        if decision.allowed or decision.needs_login:
            actions.append((str(_l("Answer the survey: %(title)s", title=localized(survey.title))),
                            url_for("surveys.answer", slug=process.slug, survey_id=survey.id)))
    return actions


process_services.FIGURE_PROVIDERS.append(_figures)
process_services.ACTION_PROVIDERS.append(_actions)
