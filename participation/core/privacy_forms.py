"""Privacy forms: optional consents (never ticked by default), deleting an account. Input shape only;
the rules are in core.privacy."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .forms import PASSWORD_MAX, RegisterForm
from .privacy_models import GENDER_MAX, AgeGroup


def age_group_choices() -> list[SelectChoice]:
    from .privacy import AGE_GROUP_LABELS

    return [SelectChoice("", _l("Not given")),
            *(SelectChoice(group.value, AGE_GROUP_LABELS[group]) for group in AgeGroup)]


class OptionalConsentFields:
    """The optional, separate consents and the demographic answers (registration and /account/privacy)."""

    consent_demographics = BooleanField(
        _l("I agree that my age group, area of residence and gender are recorded"),
        description=_l("Optional. Used only for anonymous totals that show who takes part (groups of fewer "
                       "than 10 people are never shown). You can withdraw this at any time: the answers "
                       "are then deleted."),
        default=False)
    age_group = SelectField(_l("Age group"), choices=age_group_choices, validators=[Optional()])
    area_id = SelectField(_l("Area where you live"), choices=[], validators=[Optional()])
    gender = StringField(
        _l("Gender"), validators=[Optional(), Length(max=GENDER_MAX, message=_l(
            "The answer can be at most %(max)d characters long."))],
        description=_l("Free answer. Leave it empty if you prefer not to say."))
    consent_news = BooleanField(
        _l("Send me the city's news about participation by e-mail"),
        description=_l("Optional, separate from the notifications you choose. You can stop it at any time."),
        default=False)

    def fill_area_choices(self) -> None:
        from .privacy import area_choices

        field = self.area_id
        field.choices = [SelectChoice("", _l("Not given")),
                         *(SelectChoice(str(area_id), name) for area_id, name in area_choices())]

    def demographic_data(self) -> dict:
        return {"age_group": self.age_group.data or "", "area_id": self.area_id.data or "",
                "gender": self.gender.data or ""}


class PrivacyForm(OptionalConsentFields, FlaskForm):
    public_profile = BooleanField(
        _l("Show a public profile page with my display name and what I posted"),
        description=_l("Off by default. When off, nobody can open a page about you."), default=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fill_area_choices()


class ExportForm(FlaskForm):
    """Ask for the zip / download it (a button: a GET never writes)."""


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(_l("Please enter your password to confirm.")),
                    Length(max=PASSWORD_MAX, message=_l("The password is too long."))],
        render_kw={"autocomplete": "current-password"})
    understood = BooleanField(
        _l("I understand that my account and personal data are deleted and cannot be restored"),
        validators=[DataRequired(_l("Please confirm that you want to delete your account."))])


class AdminEraseForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Please give the reason for deleting this account.")),
                    Length(max=500, message=_l("The reason can be at most %(max)d characters long."))],
        description=_l("Recorded in the audit log. Do not write the person's name or e-mail address."))
    understood = BooleanField(
        _l("I understand that this account and its personal data are deleted and cannot be restored"),
        validators=[DataRequired(_l("Please confirm that you want to delete this account."))])


class RegistrationForm(OptionalConsentFields, RegisterForm):
    """Sign-up with the required acceptance of the terms and the optional, separate consents."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fill_area_choices()
