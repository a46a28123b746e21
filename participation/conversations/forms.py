"""Forms of conversations: voting, adding a statement, and the facilitator's set-up and review."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import DESCRIPTION_MAX, REJECT_REASON_MAX, STATEMENT_MAX, TOPIC_MAX, ModerationMode

SEEDS_INPUT_MAX = 20000

MODERATION_LABELS = {
    ModerationMode.POST: _l("Show new statements at once (moderators may hide them later)"),
    ModerationMode.PRE: _l("Review new statements before they are shown"),
}


class VoteForm(FlaskForm):
    statement_id = HiddenField()
    vote = HiddenField()  # the pressed button's value (agree / disagree / pass) is read from request.form


class StatementForm(FlaskForm):
    text = TextAreaField(_l("Your statement"), validators=[
        DataRequired(_l("Please write your statement.")),
        Length(max=STATEMENT_MAX, message=_l("A statement can be at most %(max)d characters.",
                                             max=STATEMENT_MAX))],
        description=_l("One short opinion others can agree or disagree with, up to 140 characters. "
                       "No replies to other people."))
    confirmed = HiddenField(default="")


class ConversationForm(FlaskForm):
    topic_ja = StringField(_l("Topic (Japanese)"), validators=[
        DataRequired(_l("Please enter the topic in Japanese.")),
        Length(max=TOPIC_MAX, message=_l("At most %(max)d characters."))])
    topic_en = StringField(_l("Topic (English)"), validators=[
        Optional(), Length(max=TOPIC_MAX, message=_l("At most %(max)d characters."))])
    description_ja = TextAreaField(_l("Introduction (Japanese, Markdown)"), validators=[
        Optional(), Length(max=DESCRIPTION_MAX, message=_l("At most %(max)d characters."))])
    description_en = TextAreaField(_l("Introduction (English, Markdown)"), validators=[
        Optional(), Length(max=DESCRIPTION_MAX, message=_l("At most %(max)d characters."))])
    phase_id = SelectField(_l("Phase"), choices=[], validate_choice=True,
                           description=_l("Residents vote while this phase is current."))
    moderation = RadioField(_l("New statements"),
                            choices=[SelectChoice(m.value, label) for m, label in MODERATION_LABELS.items()],
                            default=ModerationMode.POST.value)
    allow_anonymous = BooleanField(_l("Let people vote without an account (one participant per browser)"))
    allow_statements = BooleanField(_l("Let residents add statements"), default=True)
    seeds = TextAreaField(_l("Seed statements (one per line)"), validators=[
        Optional(), Length(max=SEEDS_INPUT_MAX, message=_l("At most %(max)d characters."))],
        description=_l("Shown first to every participant. Each line is one statement of up to 140 characters."))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the author)"), validators=[
        DataRequired(_l("Please give the reason, so the author understands.")),
        Length(max=REJECT_REASON_MAX, message=_l("At most %(max)d characters."))])


class ToggleForm(FlaskForm):
    """Close/reopen, publish/unpublish: the pressed button carries the action."""
