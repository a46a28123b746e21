"""Forms: the survey builder (facilitators), and the answer form built for each survey.

The answer form only turns the submitted fields into `{question_id: value}` (see `answering`); every
rule about the answers (required, choices offered, limits, ranks, matrix rows) is checked by
`answering.check_answers`, whose messages the form shows next to each question.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import fill_translated, translated
from ..core.i18n import localized
from ..core.sanitize import clean_text
from ..core.types import Translated
from ..processes.models import Process
from .models import (
    DESCRIPTION_MAX,
    LABELS_INPUT_MAX,
    MAX_CHOICES_MAX,
    QUESTION_TEXT_MAX,
    QUESTION_TYPE_LABELS,
    SCALE_LABEL_MAX,
    TITLE_MAX,
    Option,
    Question,
    QuestionType,
    Survey,
    text_answer_max,
)

if TYPE_CHECKING:
    from .answering import AnswerValue

_max = _l("At most %(max)d characters.")


# --- builder ------------------------------------------------------------------------------------

class SurveyForm(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[
        DataRequired(_l("Please enter the title in Japanese.")), Length(max=TITLE_MAX, message=_max)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=TITLE_MAX, message=_max)])
    description_ja = TextAreaField(_l("Introduction (Japanese)"), validators=[
        Optional(), Length(max=DESCRIPTION_MAX, message=_max)],
        description=_l("Markdown: **bold**, lists, links."))
    description_en = TextAreaField(_l("Introduction (English)"), validators=[
        Optional(), Length(max=DESCRIPTION_MAX, message=_max)])
    phase_id = SelectField(_l("Phase"), coerce=int,
                           description=_l("The survey is open while this phase is the current one."))
    allow_anonymous = BooleanField(
        _l("Allow answers without an account (one per browser)"))

    def offer_phases(self, process: Process) -> None:
        self.phase_id.choices = [
            SelectChoice(p.id, f"{localized(p.title)} ({p.start_date.isoformat()} – {p.end_date.isoformat()})")
            for p in process.phases]

    def fill(self, survey: Survey) -> None:
        fill_translated(self, "title", survey.title)
        fill_translated(self, "description", survey.description)

    def service_data(self) -> dict[str, Any]:
        return {"title": translated(self, "title"), "description": translated(self, "description"),
                "phase_id": self.phase_id.data, "allow_anonymous": self.allow_anonymous.data}


def _text_max(n: int) -> list[Any]:
    return [Optional(), Length(max=n, message=_max)]


class QuestionForm(FlaskForm):
    type = SelectField(_l("Question type"), choices=[
        SelectChoice(t.value, QUESTION_TYPE_LABELS[t]) for t in QuestionType])
    text_ja = StringField(_l("Question (Japanese)"), validators=[
        DataRequired(_l("Please enter the question in Japanese.")), Length(max=QUESTION_TEXT_MAX, message=_max)])
    text_en = StringField(_l("Question (English)"), validators=_text_max(QUESTION_TEXT_MAX))
    help_ja = StringField(_l("Help text (Japanese)"), validators=_text_max(QUESTION_TEXT_MAX))
    help_en = StringField(_l("Help text (English)"), validators=_text_max(QUESTION_TEXT_MAX))
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Choices"), validators=_text_max(LABELS_INPUT_MAX),
        description=_l("One per line, Japanese first, then “|” and English. "
                       "For a matrix these are the columns."))
    rows = TextAreaField(
        _l("Matrix rows"), validators=_text_max(LABELS_INPUT_MAX),
        description=_l("Only for a matrix: one row per line, “日本語 | English”."))
    max_choices = IntegerField(
        _l("Maximum number of choices"),
        validators=[Optional(), NumberRange(min=1, max=MAX_CHOICES_MAX,
                                            message=_l("Please enter a number from 1 to 50."))],
        description=_l("Only for multiple choice. Leave empty for no limit."))
    scale_min_label_ja = StringField(_l("Label for 1 (Japanese)"), validators=_text_max(SCALE_LABEL_MAX))
    scale_min_label_en = StringField(_l("Label for 1 (English)"), validators=_text_max(SCALE_LABEL_MAX))
    scale_max_label_ja = StringField(_l("Label for 5 (Japanese)"), validators=_text_max(SCALE_LABEL_MAX))
    scale_max_label_en = StringField(_l("Label for 5 (English)"), validators=_text_max(SCALE_LABEL_MAX))

    def fill(self, question: Question) -> None:
        """Show a stored question (translated fields and choices; the rest comes from `obj=`)."""
        for name in ("text", "help", "scale_min_label", "scale_max_label"):
            fill_translated(self, name, getattr(question, name))
        self.options.data = format_labels(question.options)
        self.rows.data = format_labels(question.rows)

    def service_data(self) -> dict[str, Any]:
        return {
            "type": self.type.data, "text": translated(self, "text"), "help": translated(self, "help"),
            "required": self.required.data, "max_choices": self.max_choices.data,
            "scale_min_label": translated(self, "scale_min_label"),
            "scale_max_label": translated(self, "scale_max_label"),
            "options": parse_labels(self.options.data or ""),
            "rows": parse_labels(self.rows.data or ""),
        }


class ResultsForm(FlaskForm):
    publish = BooleanField(_l("Publish the results"))
    free_text = BooleanField(_l("Also publish free-text answers"))


def parse_labels(text: str) -> list[Translated]:
    """One label per line, "日本語 | English" (English optional)."""
    labels = []
    for line in clean_text(text).split("\n"):
        if not line.strip():
            continue
        ja, _sep, en = line.partition("|")
        labels.append({"ja": ja.strip(), "en": en.strip()})
    return labels


def format_labels(options: Sequence[Option]) -> str:
    return "\n".join(o.label.get("ja", "") + (f" | {o.label['en']}" if o.label.get("en") else "")
                     for o in options)


# --- answering ----------------------------------------------------------------------------------

QUESTION_KEY = re.compile(r"^q(\d+)(?:_[or]\d+)?$")


class AnswerForm:
    """The answer form of one survey: a field `q<id>` per question; a ranking has one `q<id>_o<option>`
    per choice, a matrix one `q<id>_r<row>` per row. Works for any list of questions of these types."""

    def __init__(self, questions: Sequence[Question], formdata: MultiDict[str, str] | None = None):
        self.questions = list(questions)
        self.formdata: MultiDict[str, str] = formdata if formdata is not None else MultiDict()
        self.errors: dict[str, str] = {}  # field name -> message

    @staticmethod
    def name(question: Question) -> str:
        return f"q{question.id}"

    @staticmethod
    def rank_name(question: Question, option: Option) -> str:
        return f"q{question.id}_o{option.id}"

    @staticmethod
    def row_name(question: Question, row: Option) -> str:
        return f"q{question.id}_r{row.id}"

    @staticmethod
    def max_length(question: Question) -> int:
        return text_answer_max(question.type)

    def answers(self) -> dict[int, AnswerValue]:
        """`{question_id: value}` for `answering`. Fields naming other questions are passed on as
        they are, so that the service refuses them."""
        data = self.formdata
        answers: dict[int, AnswerValue] = {}
        own = {q.id for q in self.questions}
        for key in data:
            match = QUESTION_KEY.match(key)
            if match and int(match.group(1)) not in own:
                answers[int(match.group(1))] = data.get(key)
        for q in self.questions:
            if q.type is QuestionType.MULTIPLE:
                answers[q.id] = data.getlist(self.name(q))
            elif q.type is QuestionType.RANKING:
                answers[q.id] = {o.id: data.get(self.rank_name(q, o), "") for o in q.options}
            elif q.type is QuestionType.MATRIX:
                answers[q.id] = {r.id: data.get(self.row_name(q, r), "") for r in q.rows}
            else:
                answers[q.id] = data.get(self.name(q), "")
        return answers

    def show_errors(self, errors: Mapping[int, str]) -> None:
        """The service's messages by question id, next to each question."""
        names = {q.id: self.name(q) for q in self.questions}
        self.errors = {names[qid]: message for qid, message in errors.items() if qid in names}
