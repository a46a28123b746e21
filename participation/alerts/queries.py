"""Alert reads: the choices (wards, categories, processes), a subscription's wording, feed items.

Wards and categories are read from the issues feature's tables by name (`areas`: id, name;
`issue_categories`: id, name, active), never through its code; processes through the documented
interface of `processes`. Whether an item is hidden is asked of the moderation targets registered in
`core.registry` (each names its model), so a hidden report or proposal never appears in a feed.
"""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import geo
from ..core.errors import InvalidInput, NotFound
from ..core.i18n import localized
from ..core.permissions import can_read, is_signed_in
from ..core.registry import registry
from ..core.services import parse_id
from ..core.types import Actor
from ..extensions import db
from ..places import lookup
from ..processes.queries import get_process, list_public_processes
from .models import RADII, AlertEvent, AlertKind, AlertSubscription, EventKind

FEED_LENGTH = 50


def _table(name: str) -> Any:
    return db.metadata.tables[name]


def areas() -> list[tuple[int, str]]:
    table = _table("areas")
    return [(row.id, localized(row.name)) for row in db.session.execute(
        select(table.c.id, table.c.name).order_by(table.c.id))]


def categories() -> list[tuple[int, str]]:
    table = _table("issue_categories")
    return [(row.id, localized(row.name)) for row in db.session.execute(
        select(table.c.id, table.c.name).where(table.c.active.is_(True)).order_by(table.c.position, table.c.id))]


def processes() -> list[tuple[int, str]]:
    return [(p.id, localized(p.title)) for p in list_public_processes("active")]


def _name(table: str, row_id: int | None) -> str | None:
    if row_id is None:
        return None
    t = _table(table)
    value = db.session.scalar(select(t.c.name).where(t.c.id == row_id))
    return localized(value) if value is not None else None


def get_area_id(raw: Any) -> int:
    area_id = parse_id(raw)
    if area_id is None or _name("areas", area_id) is None:
        raise InvalidInput(_l("Please choose a ward."), field="area_id")
    return area_id


def get_category_id(raw: Any) -> int:
    category_id = parse_id(raw)
    if category_id is None or _name("issue_categories", category_id) is None:
        raise InvalidInput(_l("Please choose a category."), field="category_id")
    return category_id


def get_process_id(raw: Any) -> int:
    process_id = parse_id(raw)
    if process_id is None or process_id not in {p for p, _title in processes()}:
        raise InvalidInput(_l("Please choose a process."), field="process_id")
    return process_id


def near_words(distance: str, lat: float | None, lon: float | None) -> str:
    """"New street issue reports within 500 m of Naka-machi 2-chome, Nishi-ku, …": the town from the
    gazetteer (places.lookup), the coordinates only where it knows no town."""
    town = lookup.reverse(lat, lon)
    if town is not None:
        return _("New street issue reports within %(distance)s of %(place)s", distance=distance,
                 place=town.full_name(str(get_locale() or "ja")))
    return _("New street issue reports within %(distance)s of %(lat).5f, %(lon).5f",
             distance=distance, lat=lat, lon=lon)


def describe(sub: AlertSubscription, lang: str | None = None) -> str:
    """What the alert is about, in words ("new reports within 500 m of 35.6580, 139.7016")."""
    def words() -> str:
        if sub.kind is AlertKind.NEAR:
            return near_words(distance_label(sub.radius_m or 0), sub.latitude, sub.longitude)
        if sub.kind is AlertKind.AREA:
            return _("New street issue reports in %(ward)s", ward=_name("areas", sub.area_id) or "")
        if sub.kind is AlertKind.CATEGORY:
            return _("New street issue reports: %(category)s",
                     category=_name("issue_categories", sub.category_id) or "")
        process = get_process(sub.process_id) if sub.process_id else None
        return _("New proposals and answers in %(process)s", process=localized(process.title) if process else "")

    if lang:
        with force_locale(lang):
            return words()
    return words()


def distance_label(radius: int) -> str:
    return f"{radius // 1000} km" if radius >= 1000 else f"{radius} m"


def subscriptions_of(user: Actor) -> list[AlertSubscription]:
    if not is_signed_in(user):
        return []
    return list(db.session.scalars(select(AlertSubscription).where(AlertSubscription.user_id == user.id)
                                   .order_by(AlertSubscription.id)))


def _models() -> dict[str, Any]:
    return {t.model.__tablename__: t.model for t in registry().moderation_targets.values()}


def visible(events: list[AlertEvent], limit: int = FEED_LENGTH) -> list[AlertEvent]:
    """Events whose item can be read by anyone (not hidden, not gone), newest first."""
    models = _models()
    shown = []
    for event in events:
        model = models.get(event.target_type)
        item = db.session.get(model, event.target_id) if model is not None else None
        if item is None or not can_read(None, item, getattr(item, "process_id", None)):
            continue
        shown.append(event)
        if len(shown) >= limit:
            break
    return shown


def _latest(*conditions: Any) -> list[AlertEvent]:
    query = select(AlertEvent).where(*conditions).order_by(AlertEvent.id.desc()).limit(FEED_LENGTH * 2)
    return visible(list(db.session.scalars(query)))


def issues_feed() -> list[AlertEvent]:
    return _latest(AlertEvent.kind == EventKind.ISSUE)


def near_feed(lat: float, lon: float, radius: int) -> list[AlertEvent]:
    if radius not in RADII:
        raise NotFound(_l("Please choose a distance."))
    cells = geo.cells_for_bbox(geo.bbox_around(lat, lon, radius), limit=10_000) or []
    candidates = db.session.scalars(select(AlertEvent).where(
        AlertEvent.kind == EventKind.ISSUE, AlertEvent.geocell.in_(cells)).order_by(AlertEvent.id.desc()).limit(500))
    return visible([e for e in candidates if e.latitude is not None and e.longitude is not None
                    and geo.distance_m(lat, lon, e.latitude, e.longitude) <= radius])


def area_feed(area_id: int) -> list[AlertEvent]:
    return _latest(AlertEvent.kind == EventKind.ISSUE, AlertEvent.area_id == area_id)


def category_feed(category_id: int) -> list[AlertEvent]:
    return _latest(AlertEvent.kind == EventKind.ISSUE, AlertEvent.category_id == category_id)


def process_feed(process_id: int) -> list[AlertEvent]:
    return _latest(AlertEvent.kind.in_([EventKind.PROPOSAL, EventKind.ANSWER]), AlertEvent.process_id == process_id)


def area_name(area_id: int) -> str:
    name = _name("areas", area_id)
    if name is None:
        raise NotFound(_l("This ward does not exist."))
    return name


def category_name(category_id: int) -> str:
    name = _name("issue_categories", category_id)
    if name is None:
        raise NotFound(_l("This category does not exist."))
    return name


def issue_place(issue_id: int) -> tuple[float, float] | None:
    """Where a (visible) report is, for the "reports near here" feed link on its page."""
    event = db.session.scalar(select(AlertEvent).where(
        AlertEvent.kind == EventKind.ISSUE, AlertEvent.target_type == "issues", AlertEvent.target_id == issue_id))
    if event is None or event.latitude is None or event.longitude is None or not visible([event]):
        return None
    return event.latitude, event.longitude
