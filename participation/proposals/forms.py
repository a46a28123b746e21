"""Proposal, comment and answer forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .models import (
    ADDRESS_MAX,
    ALIGNMENT_LABELS,
    ANSWER_COST_MAX,
    ANSWER_TEXT_MAX,
    BODY_MAX,
    COMMENT_MAX,
    PLANNED_PERIOD_MAX,
    STATE_LABELS,
    TITLE_MAX,
    TITLE_MIN,
    Alignment,
    AnswerState,
    State,
)


class ProposalTextForm(FlaskForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Please enter a title.")),
        Length(min=TITLE_MIN, max=TITLE_MAX,
               message=_l("The title must be between %(min)d and %(max)d characters long."))],
        description=_l("What do you propose, in a few words? (5 to 150 characters)"))
    body = TextAreaField(_l("Description"), validators=[
        DataRequired(_l("Please describe your proposal.")),
        Length(max=BODY_MAX, message=_l("The description can be at most %(max)d characters long."))],
        description=_l("Why is it needed, and what would change? Up to 2,000 characters. Links become clickable."))


class ProposalForm(ProposalTextForm):
    address = StringField(_l("Address or landmark"), validators=[
        Optional(), Length(max=ADDRESS_MAX, message=_l("At most %(max)d characters."))],
        description=_l("An address or a landmark, if your proposal concerns a particular place."))
    latitude = StringField(_l("Latitude (optional)"), validators=[Optional(), Length(max=30)],
                           render_kw={"inputmode": "decimal"})
    longitude = StringField(_l("Longitude (optional)"), validators=[Optional(), Length(max=30)],
                            render_kw={"inputmode": "decimal"})
    images = MultipleFileField(_l("Photos (optional, up to 3)"),
                               description=_l("JPEG, PNG, GIF or WebP. Location data is removed from photos."),
                               render_kw={"accept": "image/*"})
    confirmed = HiddenField()


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[
        DataRequired(_l("Please write a comment.")),
        Length(max=COMMENT_MAX, message=_l("A comment can be at most %(max)d characters long."))])
    alignment = RadioField(_l("Your position"), coerce=int, default=0, choices=[
        SelectChoice(a.value, ALIGNMENT_LABELS[a]) for a in (Alignment.FOR, Alignment.NEUTRAL, Alignment.AGAINST)],
        validators=[InputRequired(_l("Please choose for, neutral or against."))])
    parent_id = HiddenField()


class CommentEditForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[
        DataRequired(_l("Please write a comment.")),
        Length(max=COMMENT_MAX, message=_l("A comment can be at most %(max)d characters long."))])


class AnswerForm(FlaskForm):
    state = RadioField(_l("State"), choices=[
        SelectChoice(s, STATE_LABELS[State(s)]) for s in AnswerState],
        validators=[InputRequired(_l("Please choose the state of the answer."))])
    text = TextAreaField(_l("Answer"), validators=[
        Optional(), Length(max=ANSWER_TEXT_MAX, message=_l("At most %(max)d characters."))],
        description=_l("Required when accepting or rejecting: explain the decision in plain words."))
    cost = IntegerField(_l("Estimated cost in yen (optional)"), validators=[
        Optional(), NumberRange(min=0, max=ANSWER_COST_MAX, message=_l("The cost must be a whole number of yen."))])
    planned_period = StringField(_l("Planned period (optional)"), validators=[
        Optional(), Length(max=PLANNED_PERIOD_MAX, message=_l("At most %(max)d characters."))],
        description=_l("For example: fiscal 2027, first half"))
