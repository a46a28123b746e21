"""Extra questions a category asks in step 2 of a report (e.g. 電柱番号 for a street light), with the
survey question types and rules (`participation.surveys.answering`, a documented interface).

A category's questions are stored on it as JSON: [{"id", "kind", "text": {ja, en}, "required",
"max_choices", "choices": [{ja, en}, ...]}]; a report's answers as {question id (str): value}."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import InvalidInput, NotFound
from ..core.i18n import localized
from ..core.sanitize import clean_text
from ..core.types import Actor, Translated
from ..extensions import db
from ..surveys.answering import QuestionType, check_answers
from .models import Category

#: the question types a category may ask (a subset of the survey's)
KINDS = {
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
}
QUESTIONS_MAX, TEXT_MAX, CHOICES_MAX, CHOICE_MAX = 10, 300, 20, 100


@dataclass(frozen=True)
class Choice:
    id: int
    label: Translated


@dataclass(frozen=True)
class CategoryQuestion:
    """One question, in the shape `surveys.answering.check_answers` reads (AnswerableQuestion)."""

    id: int
    kind: str
    text: Translated
    required: bool = False
    max_choices: int | None = None
    choices: list[Translated] = field(default_factory=list)

    @property
    def type(self) -> QuestionType:
        return QuestionType(self.kind)

    @property
    def options(self) -> list[Choice]:
        return [Choice(i, label) for i, label in enumerate(self.choices, 1)]

    @property
    def rows(self) -> list[Choice]:
        return []


def questions_of(category: Category | None) -> list[CategoryQuestion]:
    if category is None:
        return []
    return [CategoryQuestion(id=int(q["id"]), kind=q["kind"], text=q.get("text") or {},
                             required=bool(q.get("required")), max_choices=q.get("max_choices"),
                             choices=list(q.get("choices") or []))
            for q in category.questions or [] if q.get("kind") in KINDS and not q.get("removed")]


def check(category: Category, answers: Any) -> dict[str, Any] | None:
    """The answers to store with a report, checked by the survey rules (AnswerErrors per question)."""
    questions = questions_of(category)
    if not questions:
        return None
    given = check_answers(questions, answers or {})
    stored: dict[str, Any] = {}
    for row in given:
        key = str(row.question_id)
        if row.text is not None:
            stored[key] = row.text
        elif row.option_id is not None:
            stored.setdefault(key, []).append(row.option_id)
    return stored or None


def shown_answers(category: Category, answers: dict | None, lang: str | None = None) -> list[tuple[str, str]]:
    """(question, answer) in words, for staff on the issue page."""
    if not answers:
        return []
    rows = []
    for q in questions_of(category):
        value = answers.get(str(q.id))
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            labels = {o.id: localized(o.label, lang) for o in q.options}
            text = "、".join(labels.get(v, str(v)) for v in value)
        else:
            text = str(value)
        rows.append((localized(q.text, lang), text))
    return rows


# --- administration -----------------------------------------------------------------------------

def add_question(actor: Actor, category: Category, data: dict) -> dict:
    """An admin adds a question to a category (admin_services checks the permission first)."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise InvalidInput(_l("Please choose a question type."), field="kind")
    text = {lang: clean_text(data.get("text", {}).get(lang)).strip() for lang in ("ja", "en")}
    text = {lang: value for lang, value in text.items() if value}
    if not text:
        raise InvalidInput(_l("Please write the question in Japanese or English."), field="text_ja")
    if any(len(value) > TEXT_MAX for value in text.values()):
        raise InvalidInput(_l("Please enter at most %(n)s characters.", n=TEXT_MAX), field="text_ja")
    choices = []
    for line in clean_text(data.get("choices") or "").splitlines():
        ja, _sep, en = line.partition("|")
        label = {k: v.strip()[:CHOICE_MAX] for k, v in (("ja", ja), ("en", en)) if v.strip()}
        if label:
            choices.append(label)
    if kind in ("single_choice", "multiple_choice") and len(choices) < 2:
        raise InvalidInput(_l("Please give at least two choices, one per line."), field="choices")
    if len(choices) > CHOICES_MAX:
        raise InvalidInput(_l("At most %(n)s choices.", n=CHOICES_MAX), field="choices")
    existing = list(category.questions or [])
    if len(questions_of(category)) >= QUESTIONS_MAX:
        raise InvalidInput(_l("A category can ask at most %(n)s questions.", n=QUESTIONS_MAX), field="kind")
    question = {"id": max((int(q["id"]) for q in existing), default=0) + 1, "kind": kind, "text": text,
                "required": bool(data.get("required")), "max_choices": None,
                "choices": choices if kind in ("single_choice", "multiple_choice") else []}
    category.questions = [*existing, question]
    db.session.flush()
    audit.record(actor, "category.question_add", category, after=question)
    return question


def remove_question(actor: Actor, category: Category, question_id: int) -> None:
    """No longer asked; kept (marked removed) so that its id is never reused for another question."""
    existing = [dict(q) for q in category.questions or []]
    target = next((q for q in existing if int(q["id"]) == question_id and not q.get("removed")), None)
    if target is None:
        raise NotFound(_l("This question does not exist."))
    target["removed"] = True
    category.questions = existing
    db.session.flush()
    audit.record(actor, "category.question_remove", category, before={"id": question_id})


# --- the report form (step 2) -------------------------------------------------------------------

def category(category_id: Any) -> Category | None:
    """The category named by the form, or None (step 2 re-shown after an error)."""
    from ..core.services import parse_id

    found = db.session.get(Category, parse_id(category_id) or 0) if parse_id(category_id) else None
    return found if found is not None and found.active else None


def answer_form(category_id: Any, formdata: Any) -> Any:
    """The survey answer form for the category's questions (fields q<id>)."""
    from ..surveys.forms import AnswerForm

    return AnswerForm(questions_of(category(category_id)), formdata)  # type: ignore[arg-type]


def show_errors(form: Any, exc: Exception) -> None:
    from ..surveys.answering import AnswerErrors

    if isinstance(exc, AnswerErrors):
        form.show_errors(exc.errors)
