"""Commands of the survey builder: surveys, their questions and choices, publication of results.

Answering is in `answering`, reads in `queries`, results in `reports`, the CSV in `exports`.
Every command checks its permission predicate, writes the audit log and flushes; the request's one
boundary commits.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import Conflict, InvalidInput, PermissionDenied
from ..core.i18n import clean_translated
from ..core.models import User
from ..core.types import Translated
from ..extensions import db
from ..processes.models import Capability, Process
from . import permissions
from .models import LABEL_MAX, Option, OptionKind, Question, QuestionType, Survey
from .queries import answered_option_ids, has_answers, response_count


def _require_manager(actor: User, process: Process) -> None:
    if not permissions.can_manage_survey(actor, process):
        raise PermissionDenied(permissions.NOT_FACILITATOR)


# --- surveys ------------------------------------------------------------------------------------

def _validate_survey(process: Process, data: dict[str, Any]) -> dict[str, Any]:
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


def _survey_snapshot(survey: Survey) -> dict[str, Any]:
    return {"title": survey.title, "description": survey.description, "phase_id": survey.phase_id,
            "allow_anonymous": survey.allow_anonymous, "results_published": survey.results_published,
            "free_text_published": survey.free_text_published}


def create_survey(actor: User, process: Process, data: dict[str, Any]) -> Survey:
    _require_manager(actor, process)
    survey = Survey(process=process, **_validate_survey(process, data))
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "survey.create", survey, after=_survey_snapshot(survey))
    return survey


def update_survey(actor: User, survey: Survey, data: dict[str, Any]) -> Survey:
    _require_manager(actor, survey.process)
    before = _survey_snapshot(survey)
    for key, value in _validate_survey(survey.process, data).items():
        setattr(survey, key, value)
    db.session.flush()
    audit.record(actor, "survey.update", survey, before=before, after=_survey_snapshot(survey))
    return survey


def delete_survey(actor: User, survey: Survey) -> None:
    _require_manager(actor, survey.process)
    if response_count(survey):
        raise Conflict(_l("This survey has responses and cannot be deleted."))
    audit.record(actor, "survey.delete", survey, before=_survey_snapshot(survey))
    db.session.delete(survey)
    db.session.flush()


def set_results_publication(actor: User, survey: Survey, publish: bool, free_text: bool) -> Survey:
    _require_manager(actor, survey.process)
    before = _survey_snapshot(survey)
    survey.results_published = bool(publish)
    survey.free_text_published = bool(publish and free_text)
    db.session.flush()
    audit.record(actor, "survey.results", survey, before=before, after=_survey_snapshot(survey))
    return survey


# --- questions ----------------------------------------------------------------------------------

def _validate_question(data: dict[str, Any]) -> dict[str, Any]:
    try:
        qtype = QuestionType(data.get("type", ""))
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
    scale = qtype is QuestionType.SCALE
    return {
        "type": qtype, "text": text, "help": clean_translated(data.get("help")),
        "required": bool(data.get("required")), "max_choices": max_choices,
        "scale_min_label": clean_translated(data.get("scale_min_label")) if scale else {},
        "scale_max_label": clean_translated(data.get("scale_max_label")) if scale else {},
        "options": options if qtype.has_options else [],
        "rows": rows if qtype is QuestionType.MATRIX else [],
    }


def _question_snapshot(question: Question) -> dict[str, Any]:
    return {"type": question.type, "text": question.text, "required": question.required,
            "options": [o.label for o in question.options], "rows": [r.label for r in question.rows]}


def _match_options(existing: list[Option], labels: list[Translated]) -> list[Option | None]:
    """Which existing option each submitted label is. Options keep their identity (and their
    answers) by what they say, never by where they stand: the same Japanese or English wording
    names the same option wherever it moves; a line whose wording changed in both languages renames
    the option that stood at that place, if that one was not matched otherwise."""
    matched: list[Option | None] = [None] * len(labels)
    free = list(existing)
    for language in ("ja", "en"):
        for index, label in enumerate(labels):
            if matched[index] is not None or not label.get(language):
                continue
            same = next((o for o in free if (o.label or {}).get(language) == label[language]), None)
            if same is not None:
                matched[index] = same
                free.remove(same)
    for index in range(len(labels)):
        if matched[index] is None and index < len(existing) and existing[index] in free:
            matched[index] = existing[index]
            free.remove(existing[index])
    return matched


def _sync_options(question: Question, kind: OptionKind, labels: list[Translated], locked: set[int]) -> None:
    """Rename, add, reorder; remove only options nobody chose. Answers stay with their option."""
    existing = [o for o in question.all_options if o.kind is kind]
    matched = _match_options(existing, labels)
    kept = {id(o) for o in matched if o is not None}
    for option in existing:
        if id(option) not in kept and option.id in locked:
            raise Conflict(_l("The choice “%(label)s” already has answers and cannot be removed.",
                              label=option.label.get("ja", "")), field="options")
    for option in existing:
        if id(option) not in kept:
            question.all_options.remove(option)
    for index, (label, match) in enumerate(zip(labels, matched, strict=True)):
        if match is None:
            question.all_options.append(Option(kind=kind, position=index, label=label))
        else:
            match.label, match.position = label, index  # the option (and its answers) stays
    question.all_options.sort(key=lambda o: (o.kind != OptionKind.OPTION, o.position))


def add_question(actor: User, survey: Survey, data: dict[str, Any]) -> Question:
    _require_manager(actor, survey.process)
    values = _validate_question(data)
    options, rows = values.pop("options"), values.pop("rows")
    question = Question(survey=survey, position=len(survey.questions), **values)
    _sync_options(question, OptionKind.OPTION, options, set())
    _sync_options(question, OptionKind.ROW, rows, set())
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "survey.question.create", question, after=_question_snapshot(question))
    return question


def update_question(actor: User, question: Question, data: dict[str, Any]) -> Question:
    _require_manager(actor, question.survey.process)
    values = _validate_question(data)
    answered = has_answers(question)
    if answered and values["type"] != question.type:
        raise Conflict(_l("This question already has answers, so its type cannot change. "
                          "Wording fixes are still possible."), field="type")
    before = _question_snapshot(question)
    options, rows = values.pop("options"), values.pop("rows")
    locked = answered_option_ids(question) if answered else set()
    for key, value in values.items():
        setattr(question, key, value)
    _sync_options(question, OptionKind.OPTION, options, locked)
    _sync_options(question, OptionKind.ROW, rows, locked)
    db.session.flush()
    audit.record(actor, "survey.question.update", question, before=before,
                 after=_question_snapshot(question))
    return question


def delete_question(actor: User, question: Question) -> None:
    survey = question.survey
    _require_manager(actor, survey.process)
    if has_answers(question):
        raise Conflict(_l("This question already has answers and cannot be deleted."))
    audit.record(actor, "survey.question.delete", question, before=_question_snapshot(question))
    survey.questions.remove(question)
    for index, other in enumerate(survey.questions):
        other.position = index
    db.session.flush()


def move_question(actor: User, question: Question, direction: str) -> None:
    survey = question.survey
    _require_manager(actor, survey.process)
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
