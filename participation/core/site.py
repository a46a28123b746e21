"""Site settings an administrator changes in the browser, with the app config as the default.

`site.get(name)` is what every reader of these settings calls (city name, map, timezone,
moderation threshold, posting limits, proposal edit window): an admin's change takes effect on the
next request of every instance, without a restart. The stored values are read once per request
(one small query) and cached in `g`.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask, current_app, g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model, db
from . import audit, clock, permissions
from .errors import InvalidInput, PermissionDenied
from .models import UTCDateTime
from .types import Actor


class SiteSetting(Model):
    """One setting an admin changed (absent: the app config's value applies)."""

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


# --- validation of each setting ------------------------------------------------------------------

def _translated(value: Any) -> dict:
    if not isinstance(value, dict):
        raise InvalidInput(_l("Please enter the name in Japanese or English."), field="city_name_ja")
    # one line: the name goes into every mail's Subject (a line break there stops all mail)
    clean = {lang: " ".join(str(value.get(lang) or "").split())[:100] for lang in ("ja", "en")}
    if not clean["ja"] and not clean["en"]:
        raise InvalidInput(_l("Please enter the name in Japanese or English."), field="city_name_ja")
    return {lang: text for lang, text in clean.items() if text}


def _timezone(value: Any) -> str:
    value = str(value or "").strip()
    if value not in available_timezones():
        raise InvalidInput(_l("Unknown time zone (for example Asia/Tokyo)."), field="timezone")
    return value


def _centre(value: Any) -> list[float]:
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        raise InvalidInput(_l("Please enter the latitude and longitude as numbers."), field="lat") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(_l("The map centre must be a latitude between -90 and 90 and a longitude "
                              "between -180 and 180."), field="lat")
    return [lat, lon]


def _int_between(low: int, high: int, field: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = low - 1
        if not low <= number <= high:
            raise InvalidInput(_l("Please enter a whole number from %(low)s to %(high)s.", low=low, high=high),
                               field=field)
        return number
    return check


#: https://host[:port]/path: the host (a dotted name, {s} allowed in its first label) becomes an
#: origin of the Content-Security-Policy header, so nothing else may reach it (no ; , \\ space or quote)
TILE_URL_RE = re.compile(r"https://(?:[A-Za-z0-9-]|\{s\})+(?:\.[A-Za-z0-9-]+)+(?::[0-9]{1,5})?"
                         r"/[A-Za-z0-9._~!$&()*+=:@%/{}?-]*")


def _tile_url(value: Any) -> str:
    value = str(value or "").strip()
    if not TILE_URL_RE.fullmatch(value) or not all(p in value for p in ("{z}", "{x}", "{y}")) \
            or len(value) > 300:
        raise InvalidInput(_l("The tile address must start with https:// and contain {z}, {x} and {y}."),
                           field="tile_url")
    return value


def _text(limit: int, field: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        value = str(value or "").strip()
        if not value or len(value) > limit:
            raise InvalidInput(_l("Please enter at most %(n)s characters.", n=limit), field=field)
        return value
    return check


RATE_AMOUNT_MAX, RATE_WINDOW_MAX = 100_000, 31 * 24 * 3600  # per limit: at least 1 post, at most a month


def _rate_limit(value: Any) -> str:
    from limits import parse_many

    value = str(value or "").strip()
    try:
        items = parse_many(value) if value and len(value) <= 100 else []
        if not items or not all(1 <= item.amount <= RATE_AMOUNT_MAX and item.get_expiry() <= RATE_WINDOW_MAX
                                for item in items):
            raise ValueError(value)
    except ValueError:
        raise InvalidInput(_l('Please write the limit like "30 per hour;5 per minute".'),
                           field="post_rate_limit") from None
    return value


def _attribution(value: Any) -> str:
    """Leaflet shows the attribution as HTML: only plain links (https/http) and text are kept."""
    import bleach

    text = _text(300, "tile_attribution")(value)
    return bleach.clean(text, tags={"a"}, attributes={"a": ["href", "title"]}, protocols=["https", "http"],
                        strip=True)


@dataclass(frozen=True)
class Setting:
    label: Any
    check: Callable[[Any], Any]


SETTINGS: dict[str, Setting] = {
    "CITY_NAME": Setting(_l("City name"), _translated),
    "CITY_TIMEZONE": Setting(_l("Time zone"), _timezone),
    "MAP_CENTER": Setting(_l("Map centre"), _centre),
    "MAP_ZOOM": Setting(_l("Map zoom"), _int_between(1, 19, "zoom")),
    "MAP_TILE_URL": Setting(_l("Map tile address"), _tile_url),
    "MAP_TILE_ATTRIBUTION": Setting(_l("Map attribution"), _attribution),
    "MODERATION_HIDE_THRESHOLD": Setting(_l("Reports that hide content"),
                                         _int_between(1, 100, "moderation_threshold")),
    "POST_RATE_LIMIT": Setting(_l("Posting limit"), _rate_limit),
    "PROPOSAL_EDIT_MINUTES": Setting(_l("Proposal edit window (minutes)"),
                                     _int_between(0, 1440, "edit_minutes")),
}


#: defaults of settings the app config may leave out
DEFAULTS: dict[str, Any] = {"PROPOSAL_EDIT_MINUTES": 15, "MODERATION_HIDE_THRESHOLD": 3}


# --- reading -------------------------------------------------------------------------------------

def _stored() -> dict[str, Any]:
    cached = g.get("_site_settings")
    if cached is None:
        try:
            cached = dict(db.session.execute(select(SiteSetting.name, SiteSetting.value)).all())
        except SQLAlchemyError:  # no database (yet): an error page still renders, with the config
            db.session.rollback()
            cached = {}
        g._site_settings = cached
    return cached


def get(name: str) -> Any:
    """The current value of setting `name`: what an admin stored, else the app config."""
    if name not in SETTINGS:
        raise KeyError(name)
    default = current_app.config.get(name, DEFAULTS.get(name))
    if not has_app_context():  # pragma: no cover - config reads need an app anyway
        return default
    value = _stored().get(name)
    if value is None:
        return default
    if name == "MAP_CENTER":
        return tuple(value)
    return value


def timezone() -> ZoneInfo:
    """The city's time zone."""
    return ZoneInfo(get("CITY_TIMEZONE"))


def city_name(lang: str | None = None) -> str:
    from .i18n import localized

    return localized(get("CITY_NAME"), lang)


def is_overridden(name: str) -> bool:
    return name in _stored()


# --- changing ------------------------------------------------------------------------------------

def set_values(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """An admin stores settings (each validated); a value equal to the config's default is stored
    anyway (the admin chose it). Returns what changed."""
    if not permissions.is_admin(actor):
        raise PermissionDenied(_l("Only administrators can change the site's settings."))
    clean = {}
    for name, raw in values.items():
        if name not in SETTINGS:
            raise InvalidInput(_l("Unknown setting."))
        clean[name] = SETTINGS[name].check(raw)
    changed: dict[str, Any] = {}
    for name, value in clean.items():
        before = get(name)
        if (list(before) if isinstance(before, tuple) else before) == value:
            continue
        row = db.session.scalar(select(SiteSetting).where(SiteSetting.name == name))
        if row is None:
            row = SiteSetting(name=name)
            db.session.add(row)
        row.value, row.updated_by_id, row.updated_at = value, getattr(actor, "id", None), clock.now()
        audit.record(actor, "setting.change", target_type="site_settings", target_id=None,
                     before={"name": name, "value": before}, after={"name": name, "value": value})
        changed[name] = value
    db.session.flush()
    g.pop("_site_settings", None)
    return changed


def reset(actor: Actor, name: str) -> None:
    """Go back to the app config's value."""
    if not permissions.is_admin(actor):
        raise PermissionDenied(_l("Only administrators can change the site's settings."))
    row = db.session.scalar(select(SiteSetting).where(SiteSetting.name == name))
    if row is not None:
        audit.record(actor, "setting.reset", target_type="site_settings", target_id=None,
                     before={"name": name, "value": row.value})
        db.session.delete(row)
        db.session.flush()
    g.pop("_site_settings", None)


def init_app(app: Flask) -> None:
    app.add_template_global(get, "site_setting")
