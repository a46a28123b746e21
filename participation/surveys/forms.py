"""Survey builder forms (facilitators). Residents' answers are validated by the service."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .models import QUESTION_TYPE_LABELS, QuestionType

_max = _l("At most %(max)d characters.")


class SurveyForm(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[
        DataRequired(_l("Please enter the title in Japanese.")), Length(max=200, message=_max)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200, message=_max)])
    description_ja = TextAreaField(_l("Introduction (Japanese)"), validators=[
        Optional(), Length(max=5000, message=_max)],
        description=_l("Markdown: **bold**, lists, links."))
    description_en = TextAreaField(_l("Introduction (English)"), validators=[
        Optional(), Length(max=5000, message=_max)])
    phase_id = SelectField(_l("Phase"), coerce=int,
                           description=_l("The survey is open while this phase is the current one."))
    allow_anonymous = BooleanField(
        _l("Allow answers without an account (one per browser)"))


class QuestionForm(FlaskForm):
    type = SelectField(_l("Question type"), choices=[
        SelectChoice(t.value, QUESTION_TYPE_LABELS[t]) for t in QuestionType])
    text_ja = StringField(_l("Question (Japanese)"), validators=[
        DataRequired(_l("Please enter the question in Japanese.")), Length(max=500, message=_max)])
    text_en = StringField(_l("Question (English)"), validators=[Optional(), Length(max=500, message=_max)])
    help_ja = StringField(_l("Help text (Japanese)"), validators=[Optional(), Length(max=500, message=_max)])
    help_en = StringField(_l("Help text (English)"), validators=[Optional(), Length(max=500, message=_max)])
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(
        _l("Choices"), validators=[Optional(), Length(max=10000, message=_max)],
        description=_l("One per line, Japanese first, then “|” and English. "
                       "For a matrix these are the columns."))
    rows = TextAreaField(
        _l("Matrix rows"), validators=[Optional(), Length(max=10000, message=_max)],
        description=_l("Only for a matrix: one row per line, “日本語 | English”."))
    max_choices = IntegerField(
        _l("Maximum number of choices"),
        validators=[Optional(), NumberRange(min=1, max=50, message=_l("Please enter a number from 1 to 50."))],
        description=_l("Only for multiple choice. Leave empty for no limit."))
    scale_min_label_ja = StringField(_l("Label for 1 (Japanese)"), validators=[Optional(), Length(max=100, message=_max)])
    scale_min_label_en = StringField(_l("Label for 1 (English)"), validators=[Optional(), Length(max=100, message=_max)])
    scale_max_label_ja = StringField(_l("Label for 5 (Japanese)"), validators=[Optional(), Length(max=100, message=_max)])
    scale_max_label_en = StringField(_l("Label for 5 (English)"), validators=[Optional(), Length(max=100, message=_max)])


class ResultsForm(FlaskForm):
    publish = BooleanField(_l("Publish the results"))
    free_text = BooleanField(_l("Also publish free-text answers"))
