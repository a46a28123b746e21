"""Forms of password reset, e-mail change and notification settings: input validation only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from .forms import PASSWORD_MAX, PASSWORD_MIN
from .mail_models import Frequency


def _email_field(label):
    return EmailField(label, validators=[
        DataRequired(_l("Please enter your email address.")),
        Length(max=254, message=_l("The email address is too long.")),
        Email(_l("Please enter a valid email address."), check_deliverability=False),
    ], render_kw={"autocomplete": "email"})


class ResetRequestForm(FlaskForm):
    email = _email_field(_l("Email address"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        InputRequired(_l("Please choose a new password.")),
        Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
               message=_l("The password must be between %(min)d and %(max)d characters long.")),
    ], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[
        InputRequired(_l("Please enter the new password again.")),
        EqualTo("password", message=_l("The two passwords do not match.")),
    ], render_kw={"autocomplete": "new-password"})


class EmailChangeForm(FlaskForm):
    email = _email_field(_l("New email address"))
    password = PasswordField(_l("Current password"), validators=[
        InputRequired(_l("Please enter your current password.")),
        Length(max=PASSWORD_MAX, message=_l("The password is too long."))],
        render_kw={"autocomplete": "current-password"})


class ConfirmForm(FlaskForm):
    """A button: links in mails are confirmed by a POST (a GET never writes; link scanners open GETs)."""


def notification_form(topics: dict, labels: dict, current: dict, formdata=None) -> FlaskForm:
    class NotificationSettingsForm(FlaskForm):
        pass

    choices = [SelectChoice(f.value, labels[f]) for f in Frequency]
    for topic, label in topics.items():
        setattr(NotificationSettingsForm, topic, RadioField(
            label, choices=choices, default=current[topic].value,
            validators=[InputRequired(_l("Please choose how often."))]))
    return NotificationSettingsForm(formdata=formdata) if formdata is not None else NotificationSettingsForm()
