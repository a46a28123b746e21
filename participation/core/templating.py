"""What every template can use: filters, permission predicates and page context."""
from __future__ import annotations

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal, format_number
from flask_babel import lazy_gettext as _l

from . import i18n, permissions, sanitize
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


def init_templating(app: Flask) -> None:
    app.jinja_env.autoescape = True
    app.jinja_env.filters.update(
        l10n=i18n.localized,
        resident_html=sanitize.resident_html,
        staff_html=sanitize.staff_html,
        date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        number=format_number,
        decimal=format_decimal,
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
            "city_name": i18n.localized(current_app.config["CITY_NAME"], lang),
            "unread_notifications": notifications.unread_count(current_user),
            "language_switch_next": current_path_without_lang(),
            "language_switch": [
                (code, LANGUAGE_NAMES.get(code, code), language_switch_url(code))
                for code in current_app.config["LANGUAGES"]
            ],
        }
