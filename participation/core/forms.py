"""Account forms: input validation only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

PASSWORD_MAX = 200
PASSWORD_MIN = 10  # the policy itself (common passwords, own name) is core.passwords


class RegisterForm(FlaskForm):
    """Sign-up; the optional consents (core.privacy_forms) are added by `register_form()`."""

    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("The email address is too long.")),
            Email(_l("Please enter a valid email address."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )
    display_name = StringField(
        _l("Display name"),
        validators=[
            DataRequired(_l("Please enter a display name.")),
            Length(max=80, message=_l("The display name can be at most %(max)d characters long.")),
        ],
        description=_l("Shown next to what you write when you choose to show your name."),
        render_kw={"autocomplete": "nickname"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Please choose a password.")),
            Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                   message=_l("The password must be between %(min)d and %(max)d characters long.")),
        ],
        description=_l("At least 10 characters, not a common password and not your email address "
                       "or name. A phrase of several words is easy to remember and hard to guess."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[
            InputRequired(_l("Please enter the password again.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    # Required: the terms of use and privacy policy (core.pages records the versions accepted).
    accept_terms = BooleanField(
        _l("I accept the terms of use and the privacy policy"),
        validators=[DataRequired(_l("Please accept the terms of use and the privacy policy to create an account."))])


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254, message=_l("The email address is too long.")),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Please enter your password.")),
            Length(max=PASSWORD_MAX, message=_l("The password is too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        validators=[
            DataRequired(_l("Please enter a display name.")),
            Length(max=80, message=_l("The display name can be at most %(max)d characters long.")),
        ],
    )
    language = SelectField(
        _l("Preferred language"),
        choices=[SelectChoice("", _l("Follow my browser")), SelectChoice("ja", "日本語"),
                 SelectChoice("en", "English")],
        validators=[Optional()],
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Please enter your current password.")),
                    Length(max=PASSWORD_MAX, message=_l("The password is too long."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(_l("Please choose a new password.")),
            Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                   message=_l("The password must be between %(min)d and %(max)d characters long.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Please enter the new password again.")),
            EqualTo("new_password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def attach_error(form, exc) -> None:
    """Show a service refusal next to the field it names, or at the top of the form."""
    field = getattr(form, exc.field, None) if getattr(exc, "field", None) else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(exc.message)]
    else:
        form.form_errors.append(str(exc.message))


def translated(form, name: str) -> dict:
    """{"ja": form.<name>_ja.data, "en": form.<name>_en.data}"""
    return {lang: (getattr(form, f"{name}_{lang}").data or "") for lang in ("ja", "en")}


def fill_translated(form, name: str, value: dict | None) -> None:
    for lang in ("ja", "en"):
        getattr(form, f"{name}_{lang}").data = (value or {}).get(lang, "")


_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−ー─━﹣ｰ"})


def halfwidth_number(value):
    """Filter of every numeric field: 「３５．６５」, 「－１２」 and 「１２　」 read as 35.65, -12 and 12 (NFKC,
    dash variants as "-", spaces trimmed). Non-text values pass through."""
    import unicodedata

    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFKC", value).translate(_DASHES).strip()
