"""Process and phase forms (facilitators)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

TITLE_MAX = 200
TEXT_MAX = 20000

_date_msg = _l("Please enter a valid date.")


class ProcessForm(FlaskForm):
    slug = StringField(
        _l("Address name"),
        validators=[DataRequired(_l("Please enter an address name.")),
                    Length(max=80, message=_l("At most %(max)d characters."))],
        description=_l("Used in the page address /processes/<name>/: lowercase letters, digits and hyphens."),
    )
    title_ja = StringField(_l("Title (Japanese)"), validators=[
        DataRequired(_l("Please enter the title in Japanese.")),
        Length(max=TITLE_MAX, message=_l("At most %(max)d characters."))])
    title_en = StringField(_l("Title (English)"), validators=[
        Optional(), Length(max=TITLE_MAX, message=_l("At most %(max)d characters."))])
    subtitle_ja = StringField(_l("Subtitle (Japanese)"), validators=[
        Optional(), Length(max=TITLE_MAX, message=_l("At most %(max)d characters."))])
    subtitle_en = StringField(_l("Subtitle (English)"), validators=[
        Optional(), Length(max=TITLE_MAX, message=_l("At most %(max)d characters."))])
    description_ja = TextAreaField(_l("Description (Japanese)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))],
        description=_l("Markdown: **bold**, lists, links, ## headings."))
    description_en = TextAreaField(_l("Description (English)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))])
    start_date = DateField(_l("Start date"), validators=[InputRequired(_date_msg)], invalid_value_message=_date_msg)
    end_date = DateField(_l("End date"), validators=[InputRequired(_date_msg)], invalid_value_message=_date_msg)
    support_limit = IntegerField(
        _l("Supports per resident (optional)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Please enter a number from 1 to 1000."))],
        description=_l("How many proposals each resident may support in this process. Empty: no limit."))
    support_threshold = IntegerField(
        _l("Supports a proposal needs (optional)"),
        validators=[Optional(),
                    NumberRange(min=1, max=1000000, message=_l("Please enter a number from 1 to 1000000."))],
        description=_l("Shown as a progress bar on each proposal. Empty: no goal."))
    hero_image = FileField(_l("Hero image (optional)"),
                           description=_l("JPEG, PNG, GIF or WebP. Shown at the top of the process page."))
    remove_hero_image = BooleanField(_l("Remove the current image"))


class PhaseForm(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), validators=[
        DataRequired(_l("Please enter the title in Japanese.")),
        Length(max=TITLE_MAX, message=_l("At most %(max)d characters."))])
    title_en = StringField(_l("Title (English)"), validators=[
        Optional(), Length(max=TITLE_MAX, message=_l("At most %(max)d characters."))])
    description_ja = TextAreaField(_l("Description (Japanese)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))])
    description_en = TextAreaField(_l("Description (English)"), validators=[
        Optional(), Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))])
    start_date = DateField(_l("Start date"), validators=[InputRequired(_date_msg)],
                           invalid_value_message=_date_msg)
    end_date = DateField(_l("End date (inclusive)"), validators=[InputRequired(_date_msg)],
                         invalid_value_message=_date_msg)
    allow_proposals = BooleanField(_l("Residents can make proposals"))
    allow_supports = BooleanField(_l("Residents can support proposals"))
    allow_comments = BooleanField(_l("Residents can comment"))
    allow_survey_answers = BooleanField(_l("Residents can answer surveys"))
    allow_budget_votes = BooleanField(_l("Residents can vote on budgets"))
    publish_answers_immediately = BooleanField(
        _l("Official answers are published immediately"), default=True,
        description=_l("When unchecked, answers are held until a facilitator publishes them."))


class StaffForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        DataRequired(_l("Please enter your email address.")),
        Length(max=254, message=_l("The email address is too long.")),
        Email(_l("Please enter a valid email address."), check_deliverability=False)])
    role = SelectField(_l("Role"), choices=[
        SelectChoice("facilitator", _l("Facilitator")),
        SelectChoice("moderator", _l("Moderator")),
    ])
