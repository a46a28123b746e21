"""The password policy: long enough, not a common password, not the account's own name or address.

The common passwords are the 30,000 most frequent ones of the `zxcvbn` package (leaked-password
frequency lists), loaded once per process.
"""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import InvalidInput

TOO_COMMON = _l("This password is one of the most common passwords, which attackers try first. "
                "Please choose another one.")
TOO_PERSONAL = _l("The password must not be your email address or your display name.")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _squash(text: str) -> str:
    return "".join((text or "").split()).casefold()


def check_password(password: str, *, email: str = "", display_name: str = "",
                   field: str = "password") -> None:
    """Raise InvalidInput (translated, on `field`) when the password breaks the policy."""
    password = password or ""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise InvalidInput(
            _l("The password must be at least %(n)d characters long. A phrase of several words is "
               "easy to remember and hard to guess.", n=minimum), field=field)
    squashed = _squash(password)
    if squashed in common_passwords() or password.lower() in common_passwords():
        raise InvalidInput(TOO_COMMON, field=field)
    email = _squash(email)
    personal = {email, email.split("@", 1)[0], _squash(display_name)} - {""}
    if squashed in personal:
        raise InvalidInput(TOO_PERSONAL, field=field)
