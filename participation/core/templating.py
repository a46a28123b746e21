"""What every template can use: filters, permission predicates and page context."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel import Locale
from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal, format_number, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from . import i18n, permissions, sanitize, site
from .urls import current_path_without_lang, language_switch_url

LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}
ROLE_LABELS = {
    "resident": _l("Resident"),
    "official": _l("Official"),
    "facilitator": _l("Facilitator"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def datetime_text(value: datetime | None, fmt: str = "medium") -> str:
    """A moment in the city's timezone, to the minute: 2026/11/22 9:30 (ja), Nov 22, 2026, 9:30 AM (en)."""
    if not value:
        return ""
    locale = get_locale() or Locale.parse("ja")
    size = fmt if fmt in ("short", "medium", "long") else "medium"
    pattern = str(locale.datetime_formats[size]).replace("{1}", locale.date_formats[size].pattern) \
        .replace("{0}", locale.time_formats["short"].pattern)
    return format_datetime(value, pattern)


def date_text(value: date | None, fmt: str = "long") -> str:
    return format_date(value, fmt) if value else ""


def _time_tag(value: date | datetime, text: str) -> Markup:
    """<time> kept on one line (site.css: time { white-space: nowrap })."""
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), text)


def date_html(value: date | None, fmt: str = "long") -> Markup | str:
    return _time_tag(value, date_text(value, fmt)) if value else ""


def datetime_html(value: datetime | None, fmt: str = "medium") -> Markup | str:
    return _time_tag(value, datetime_text(value, fmt)) if value else ""


def _num_tag(text: str) -> Markup:
    return Markup('<span class="num">{}</span>').format(escape(text))


def number_html(value: Any) -> Markup:
    """A number that never breaks across lines: 1,234 (site.css: .num { white-space: nowrap })."""
    return _num_tag(format_number(value))


def decimal_html(value: Any, fmt: str | None = None) -> Markup:
    return _num_tag(format_decimal(value, fmt))


def name_html(value: Any) -> Markup | str:
    """A person's name kept on one line when it fits (site.css: .name)."""
    return Markup('<span class="name">{}</span>').format(value) if value else ""


def percent_html(value: Any) -> Markup:
    """33.3% on one line."""
    return _num_tag(format_decimal(value) + "%")


def init_templating(app: Flask) -> None:
    app.jinja_env.autoescape = True
    app.jinja_env.filters.update(
        l10n=i18n.localized,
        resident_html=sanitize.resident_html,
        staff_html=sanitize.staff_html,
        # Dates and numbers render as <time>/<span class="num"> so they never break across lines;
        # the *_text filters give plain text for attributes (alt, aria-label) and plain-text mail.
        date=date_html,
        datetime=datetime_html,
        number=number_html,
        decimal=decimal_html,
        percent=percent_html,
        name=name_html,
        date_text=date_text,
        datetime_text=datetime_text,
        number_text=format_number,
    )
    app.jinja_env.globals.update(permissions.PREDICATES)
    app.jinja_env.globals["role_label"] = role_label

    @app.context_processor
    def page_context():
        from flask_login import current_user

        from . import notifications

        lang = i18n.current_language()
        return {
            "current_language": lang,
            "city_name": i18n.localized(site.get("CITY_NAME"), lang),
            "unread_notifications": notifications.unread_count(current_user),
            "language_switch_next": current_path_without_lang(),
            "language_switch": [
                (code, LANGUAGE_NAMES.get(code, code), language_switch_url(code))
                for code in current_app.config["LANGUAGES"]
            ],
        }
