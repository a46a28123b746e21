"""The API key form (admins)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from .models import CONTACT_MAX, NAME_MAX, RATE_LIMIT_MAX


class ApiKeyForm(FlaskForm):
    name = StringField(_l("Application name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    contact = StringField(_l("Contact e-mail address"), validators=[Optional(), Length(max=CONTACT_MAX)])
    rate_limit = StringField(_l("Rate limit"), validators=[Optional(), Length(max=RATE_LIMIT_MAX)],
                             description=_l("For example “60 per minute;1000 per day”. Empty: the default."))


class TokenForm(FlaskForm):
    name = StringField(_l("Name of the app"), validators=[DataRequired(), Length(max=NAME_MAX)])
    scope = SelectField(_l("What the app may do"), choices=[
        SelectChoice("read", _l("Read only")),
        SelectChoice("write", _l("Read and write: post proposals, comments, supports and reports in my name"))],
        default="read")
