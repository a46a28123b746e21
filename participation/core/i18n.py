"""Locale chain, translated staff content and formatting helpers."""
from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

SESSION_KEY = "lang"


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def requested_language() -> str | None:
    """The `?lang=` parameter when it names a supported language."""
    value = request.args.get("lang", "")
    return value if value in supported() else None


def select_locale() -> str:
    """?lang= -> this session's choice -> the user's saved language -> Accept-Language -> ja.

    Signing in puts the saved language into the session (`apply_saved_language`), so it applies
    from then on until the person picks another one with the switcher."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    langs = supported()
    explicit = requested_language()
    if explicit:
        return explicit
    if session.get(SESSION_KEY) in langs:
        return session[SESSION_KEY]
    user = current_user if current_user else None
    if user is not None and user.is_authenticated and user.language in langs:
        return user.language
    best = request.accept_languages.best_match(langs)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    from . import site

    return site.get("CITY_TIMEZONE")


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "ja"


def localized(value: Any, lang: str | None = None) -> str:
    """Text of a {"ja": ..., "en": ...} field: current locale -> ja -> first non-empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return str(value)
    lang = lang or current_language()
    for key in (lang, "ja"):
        text = value.get(key)
        if isinstance(text, str) and text.strip():
            return text
    for text in value.values():
        if isinstance(text, str) and text.strip():
            return text
    return ""


def clean_translated(value: Any) -> dict:
    """Staff input for a {"ja", "en"} field: only those keys, stripped."""
    if not isinstance(value, dict):
        return {}
    return {k: (v or "").strip() for k, v in value.items() if k in ("ja", "en")}


def apply_saved_language(user: Any) -> None:
    """On signing in, the account's saved language becomes this session's language."""
    if getattr(user, "language", None) in supported():
        session[SESSION_KEY] = user.language


def remember_requested_language() -> None:
    """before_request: keep `?lang=` in the session. A GET never writes to the database: a signed-in
    user saves the language as a preference through the switcher's POST (`core.set_language`)."""
    lang = requested_language()
    if lang:
        session[SESSION_KEY] = lang
