"""Moderation forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .models import REASON_LABELS, Reason

REASON_CHOICES = [SelectChoice(r.value, REASON_LABELS[r]) for r in Reason]


class FlagForm(FlaskForm):
    target_type = HiddenField(validators=[DataRequired()])
    target_id = HiddenField(validators=[DataRequired()])
    next = HiddenField()
    reason = RadioField(_l("Why?"), choices=REASON_CHOICES,
                        validators=[InputRequired(_l("Please choose a reason."))])
    details = TextAreaField(_l("Details (optional)"), validators=[
        Optional(), Length(max=1000, message=_l("At most %(max)d characters."))])


class DecisionForm(FlaskForm):
    reason = RadioField(_l("Reason shown in place of the content"), choices=REASON_CHOICES,
                        validators=[Optional()])
    note = TextAreaField(_l("Note for the other moderators (optional)"), validators=[
        Optional(), Length(max=2000, message=_l("At most %(max)d characters."))])


class BlockForm(FlaskForm):
    justification = TextAreaField(_l("Justification"), validators=[
        DataRequired(_l("Please justify the block in at least %(n)d characters.", n=15)),
        Length(min=15, max=2000, message=_l("Please justify the block in at least %(n)d characters.", n=15))],
        description=_l("At least 15 characters. The user is told this reason."))
    hide_all = BooleanField(_l("Also hide everything this user has written"))
