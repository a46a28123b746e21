"""Alert commands: subscribe (signed in, or by e-mail with confirmation), confirm, unsubscribe; record
what happened (from other features' signals) and find the subscriptions it matches."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import clock, geo, mail, tokens
from ..core.errors import InvalidInput
from ..core.permissions import is_signed_in
from ..core.services import normalize_email
from ..core.types import Actor
from ..extensions import db
from . import queries
from .models import RADII, TITLE_MAX, AlertEvent, AlertKind, AlertSubscription, EventKind

MAX_PER_EMAIL = 20
LINK_INVALID = _l("This link is not valid, has expired or has already been used. Please ask for a new one.")


def _clean_target(kind: AlertKind, data: dict[str, Any]) -> dict[str, Any]:
    if kind is AlertKind.NEAR:
        lat, lon = geo.clean_location(data.get("latitude"), data.get("longitude"), required=True)
        try:
            radius = int(data.get("radius_m") or 0)
        except (TypeError, ValueError):
            radius = 0
        if radius not in RADII:
            raise InvalidInput(_l("Please choose a distance."), field="radius_m")
        return {"latitude": lat, "longitude": lon, "radius_m": radius}
    if kind is AlertKind.AREA:
        return {"area_id": queries.get_area_id(data.get("area_id"))}
    if kind is AlertKind.CATEGORY:
        return {"category_id": queries.get_category_id(data.get("category_id"))}
    return {"process_id": queries.get_process_id(data.get("process_id"))}


def subscribe(user: Actor, kind: str, data: dict[str, Any], *, language: str = "ja") -> AlertSubscription:
    """Signed in: active at once. Otherwise by e-mail: active once the link we send is opened."""
    try:
        alert_kind = AlertKind(kind)
    except ValueError:
        raise InvalidInput(_l("Unknown kind of alert.")) from None
    target = _clean_target(alert_kind, data)
    account = user if is_signed_in(user) else None
    signed_in = account is not None
    email = account.email if account is not None else normalize_email(str(data.get("email") or ""))
    if not email or "@" not in email or len(email) > 254:
        raise InvalidInput(_l("Please enter a valid email address."), field="email")
    existing = db.session.scalar(select(AlertSubscription).where(
        AlertSubscription.email == email, AlertSubscription.kind == alert_kind,
        *[getattr(AlertSubscription, k) == v for k, v in target.items()]))
    if existing is not None and (existing.confirmed_at or not signed_in):
        if existing.confirmed_at is None:
            _send_confirmation(existing)
        return existing
    count = len(db.session.scalars(select(AlertSubscription.id).where(AlertSubscription.email == email)).all())
    if count >= MAX_PER_EMAIL:
        raise InvalidInput(_l("You have too many alerts. Please stop one first."))
    sub = AlertSubscription(user_id=account.id if account is not None else None, email=email, kind=alert_kind,
                            language=getattr(user, "language", None) or language,
                            confirmed_at=clock.now() if signed_in else None, **target)
    db.session.add(sub)
    db.session.flush()
    if not signed_in:
        _send_confirmation(sub)
    return sub


def _send_confirmation(sub: AlertSubscription) -> None:
    token = tokens.make("alert-confirm", sub.id)
    mail.queue(sub.email, "alert_confirm", lang=sub.language, description=queries.describe(sub, sub.language),
               link=mail.external_url("alerts.confirm", token=token))


def confirm(token: str) -> AlertSubscription:
    try:
        sub_id = tokens.read("alert-confirm", token, max_age=tokens.CONFIRM_MAX_AGE)
    except tokens.BadToken:
        raise InvalidInput(LINK_INVALID) from None
    sub = db.session.get(AlertSubscription, sub_id) if isinstance(sub_id, int) else None
    if sub is None:
        raise InvalidInput(LINK_INVALID)
    if sub.confirmed_at is None:
        sub.confirmed_at = clock.now()
        db.session.flush()
    return sub


def unsubscribe_token(sub: AlertSubscription) -> str:
    return tokens.make("alert-stop", sub.id)


def unsubscribe(token: str) -> None:
    try:
        sub_id = tokens.read("alert-stop", token)
    except tokens.BadToken:
        raise InvalidInput(LINK_INVALID) from None
    sub = db.session.get(AlertSubscription, sub_id) if isinstance(sub_id, int) else None
    if sub is not None:
        db.session.delete(sub)
        db.session.flush()


def delete_own(user: Actor, sub_id: Any) -> None:
    sub = db.session.get(AlertSubscription, sub_id) if isinstance(sub_id, int) else None
    if sub is None or not is_signed_in(user) or sub.user_id != user.id:
        from ..core.errors import NotFound

        raise NotFound(_l("This alert does not exist."))
    db.session.delete(sub)
    db.session.flush()


# --- events (from other features' signals) -------------------------------------------------------

def record_event(kind: EventKind, target_type: str, target_id: int, title: str, path: str, *,
                 latitude: float | None = None, longitude: float | None = None, area_id: int | None = None,
                 category_id: int | None = None, process_id: int | None = None) -> AlertEvent | None:
    if db.session.scalar(select(AlertEvent.id).where(AlertEvent.kind == kind, AlertEvent.target_type == target_type,
                                                     AlertEvent.target_id == target_id)):
        return None
    event = AlertEvent(kind=kind, target_type=target_type, target_id=target_id, title=(title or "")[:TITLE_MAX],
                       path=path, latitude=latitude, longitude=longitude, area_id=area_id, category_id=category_id,
                       process_id=process_id,
                       geocell=geo.cell_of(latitude, longitude) if latitude is not None and longitude is not None
                       else None)
    db.session.add(event)
    db.session.flush()
    return event


def path_for(endpoint: str, **values: Any) -> str:
    """A page's path, also from a command or a job (no request)."""
    with mail.public_request_context():
        return url_for(endpoint, **values)


def issue_event(issue: Any) -> AlertEvent | None:
    return record_event(EventKind.ISSUE, "issues", issue.id, issue.title,
                        path_for("issues.detail", issue_id=issue.id), latitude=issue.latitude,
                        longitude=issue.longitude, area_id=issue.area_id, category_id=issue.category_id)


def proposal_event(proposal: Any, kind: EventKind = EventKind.PROPOSAL) -> AlertEvent | None:
    path = path_for("proposals.detail", proposal_id=proposal.id) + ("#answer" if kind is EventKind.ANSWER else "")
    return record_event(kind, "proposals", proposal.id, proposal.title, path, process_id=proposal.process_id)


def matching_subscriptions(event: AlertEvent) -> list[AlertSubscription]:
    """Confirmed subscriptions that `event` concerns (a report 490 m away matches a 500 m alert)."""
    base = select(AlertSubscription).where(AlertSubscription.confirmed_at.is_not(None))
    found: list[AlertSubscription] = []
    if event.kind is EventKind.ISSUE:
        if event.latitude is not None and event.longitude is not None:
            min_lon, min_lat, max_lon, max_lat = geo.bbox_around(event.latitude, event.longitude, max(RADII))
            near = db.session.scalars(base.where(
                AlertSubscription.kind == AlertKind.NEAR, AlertSubscription.latitude.between(min_lat, max_lat),
                AlertSubscription.longitude.between(min_lon, max_lon)))
            found += [s for s in near if s.latitude is not None and s.longitude is not None and s.radius_m
                      and geo.distance_m(s.latitude, s.longitude, event.latitude, event.longitude) <= s.radius_m]
        if event.area_id is not None:
            found += db.session.scalars(base.where(AlertSubscription.kind == AlertKind.AREA,
                                                   AlertSubscription.area_id == event.area_id))
        if event.category_id is not None:
            found += db.session.scalars(base.where(AlertSubscription.kind == AlertKind.CATEGORY,
                                                   AlertSubscription.category_id == event.category_id))
    elif event.process_id is not None:
        found += db.session.scalars(base.where(AlertSubscription.kind == AlertKind.PROCESS,
                                               AlertSubscription.process_id == event.process_id))
    return found


def mail_event(event: AlertEvent) -> int:
    """One mail per matching subscription (never twice: the dedupe key names event and subscription)."""
    sent = 0
    for sub in matching_subscriptions(event):
        stop = mail.external_url("alerts.unsubscribe", token=unsubscribe_token(sub))
        if mail.queue(sub.email, f"alert_{event.kind.value}", lang=sub.language, unsubscribe=stop,
                      dedupe_key=f"alert:{event.id}:{sub.id}", title=event.title, link=mail.absolute(event.path),
                      description=queries.describe(sub, sub.language)):
            sent += 1
    return sent
