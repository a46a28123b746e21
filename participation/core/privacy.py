"""Residents' privacy rights (APPI): optional consents and demographics, the public profile choice,
and deleting an account. "Download my data" is `core.privacy_export`.

Services: they check, change state, audit and flush; they never commit.

Deleting an account: every feature unlinks or erases what it holds about the person through the
`personal_data_erase` signal (its `personal_data.py`), then core erases the rest and deletes the user
row. Public content stays, shown under 「退会したユーザー」 (`author_name`); supports and votes stay
counted with no person; terms and consents are kept only as anonymous counts (`ConsentTally`).
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, column, delete, or_, select, table, update

from ..extensions import db
from . import audit, clock, permissions, signals
from .errors import Conflict, InvalidInput, PermissionDenied
from .i18n import localized
from .models import AuditLog, Follow, Notification, User
from .privacy_models import (
    PREFER_NOT_TO_SAY,
    AgeGroup,
    Consent,
    ConsentKind,
    ConsentTally,
    Demographics,
    ProfileSetting,
)
from .types import Actor

REASON_MAX = 500
ERASED = "[erased]"

AGE_GROUP_LABELS = {
    AgeGroup.UNDER_20: _l("10 to 19"),
    AgeGroup.TWENTIES: _l("20 to 29"),
    AgeGroup.THIRTIES: _l("30 to 39"),
    AgeGroup.FORTIES: _l("40 to 49"),
    AgeGroup.FIFTIES: _l("50 to 59"),
    AgeGroup.SIXTIES: _l("60 to 69"),
    AgeGroup.SEVENTIES: _l("70 to 79"),
    AgeGroup.EIGHTIES: _l("80 to 89"),
    AgeGroup.NINETIES_PLUS: _l("90 or older"),
    AgeGroup.PREFER_NOT_TO_SAY: _l("Prefer not to say"),
}
DELETED_USER = _l("Deleted user")
DEMOGRAPHICS_WITHOUT_CONSENT = _l("To record your age group, area or gender, please also tick the "
                                  "consent for demographic data.")

# The issues feature's areas, read as a plain table (core imports no feature).
_areas = table("areas", column("id"), column("name", JSON))


# --- display ---------------------------------------------------------------------------------------

def author_name(user: Any) -> str:
    """The one display rule for whoever wrote something: the display name, or 「退会したユーザー」
    once the account was deleted (the author link is gone)."""
    name = getattr(user, "display_name", None)
    return name if name else str(DELETED_USER)


def age_group_label(value: str | None) -> str:
    try:
        return str(AGE_GROUP_LABELS[AgeGroup(value or "")])
    except ValueError:
        return ""


def area_choices() -> list[tuple[int, str]]:
    """(id, localized name) of the city's areas, by name."""
    rows = db.session.execute(select(_areas.c.id, _areas.c.name)).all()
    return sorted(((row.id, localized(row.name) or str(row.id)) for row in rows), key=lambda r: r[1])


def area_name(area_id: int | None) -> str:
    if area_id is None:
        return ""
    name = db.session.scalar(select(_areas.c.name).where(_areas.c.id == area_id))
    return localized(name) if name else ""


# --- consents and demographics ---------------------------------------------------------------------

def consents_of(user: User) -> set[ConsentKind]:
    return set(db.session.scalars(select(Consent.kind).where(Consent.user_id == user.id)))


def has_consent(user: Actor, kind: ConsentKind) -> bool:
    """E.g. whether the city may send `user` its e-mail news."""
    if not permissions.is_signed_in(user):
        return False
    return db.session.scalar(select(Consent.id).where(Consent.user_id == user.id,
                                                       Consent.kind == kind)) is not None


def demographics_of(user: User) -> Demographics | None:
    return db.session.scalar(select(Demographics).where(Demographics.user_id == user.id))


def _clean_demographics(data: dict) -> dict:
    age = data.get("age_group") or PREFER_NOT_TO_SAY
    if age not in {a.value for a in AgeGroup}:
        raise InvalidInput(_l("Please choose an age group from the list."), field="age_group")
    area_id = data.get("area_id")
    if area_id in ("", None):
        area_id = None
    else:
        from .services import parse_id

        area_id = parse_id(area_id)
        if area_id is None or db.session.scalar(select(_areas.c.id).where(_areas.c.id == area_id)) is None:
            raise InvalidInput(_l("Please choose an area from the list."), field="area_id")
    gender = " ".join(str(data.get("gender") or "").split())
    if len(gender) > 40:
        raise InvalidInput(_l("The answer can be at most %(max)d characters long.", max=40), field="gender")
    return {"age_group": AgeGroup(age), "area_id": area_id, "gender": gender or PREFER_NOT_TO_SAY}


def _has_demographic_answer(data: dict) -> bool:
    return any(str(data.get(key) or "").strip() not in ("", PREFER_NOT_TO_SAY)
               for key in ("age_group", "area_id", "gender"))


def save_choices(user: User, *, demographics: bool, news: bool, data: dict | None = None,
                 public_profile: bool | None = None) -> None:
    """The optional consents as ticked now (nothing is ticked by default). Giving a consent records
    it with the time; withdrawing deletes the consent and the data it covers (the demographics row
    is deleted, not blanked). `data`: age_group, area_id, gender."""
    data = data or {}
    if not demographics and _has_demographic_answer(data):
        raise InvalidInput(DEMOGRAPHICS_WITHOUT_CONSENT, field="consent_demographics")
    values = _clean_demographics(data) if demographics else None
    current = consents_of(user)
    for kind, wanted in ((ConsentKind.DEMOGRAPHICS, demographics), (ConsentKind.NEWS, news)):
        if wanted and kind not in current:
            db.session.add(Consent(user_id=user.id, kind=kind, given_at=clock.now()))
        elif not wanted and kind in current:
            db.session.execute(delete(Consent).where(Consent.user_id == user.id, Consent.kind == kind))
    row = demographics_of(user)
    if values is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(Demographics(user_id=user.id, consented_at=clock.now(), **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)
    if public_profile is not None:
        if public_profile and user.is_blocked and not has_public_profile(user):
            raise PermissionDenied(_l("A blocked account cannot show a public profile."))
        set_public_profile(user, public_profile)
    db.session.flush()


def withdraw(user: User, kind: ConsentKind) -> None:
    """Withdraw one consent (and delete what it covers)."""
    current = consents_of(user)
    save_choices(user, demographics=ConsentKind.DEMOGRAPHICS in current and kind != ConsentKind.DEMOGRAPHICS,
                 news=ConsentKind.NEWS in current and kind != ConsentKind.NEWS,
                 data=_demographics_dict(user))


def _demographics_dict(user: User) -> dict:
    row = demographics_of(user)
    if row is None:
        return {}
    return {"age_group": row.age_group.value, "area_id": row.area_id, "gender": row.gender}


def record_registration(user: User, *, accepted: bool, demographics: bool, news: bool,
                        data: dict | None = None) -> None:
    """At registration: the terms and privacy policy acceptance (required; recorded with the version
    and time by `core.pages`), then the optional consents."""
    from . import pages

    if not accepted:
        raise InvalidInput(_l("Please accept the terms of use and the privacy policy to create an account."),
                           field="accept_terms")
    pages.record_acceptance(user, slugs=pages.ACCEPTED_PAGES)
    save_choices(user, demographics=demographics, news=news, data=data)


# --- public profile --------------------------------------------------------------------------------

def has_public_profile(user: User | None) -> bool:
    if user is None:
        return False
    return bool(db.session.scalar(select(ProfileSetting.public).where(ProfileSetting.user_id == user.id)))


def set_public_profile(user: User, public: bool) -> None:
    row = db.session.get(ProfileSetting, user.id)
    if row is None:
        row = ProfileSetting(user_id=user.id, public=public)
        db.session.add(row)
    row.public = public
    row.updated_at = clock.now()
    db.session.flush()


def public_profile_items(user: User) -> list[dict]:
    """What `/users/<id>` lists: every feature's public items of `user`, newest first."""
    items = signals.collect_lists(signals.public_profile_items, user=user)
    return sorted(items, key=lambda item: item["created_at"], reverse=True)


# --- deleting an account ---------------------------------------------------------------------------

def is_last_admin(user: User) -> bool:
    """The one rule of `core.services.ensure_not_last_admin`: an administrator who can act (not
    blocked) always remains; a blocked administrator does not count."""
    from .services import ensure_not_last_admin

    try:
        ensure_not_last_admin(user)
    except Conflict:
        return True
    return False


def check_erase(actor: Actor, user: User, *, password: str | None = None,
                reason: str | None = None) -> str:
    """Refuse what may not be erased; the reason (admins) or "self"."""
    from .services import SERVICE_ACCOUNT_DOMAIN

    if user.email.endswith(SERVICE_ACCOUNT_DOMAIN):  # no person: the key still names it
        raise Conflict(_l("This account files the reports of an API key. Revoke the key instead."))
    by_admin = not (permissions.is_signed_in(actor) and actor.id == user.id)
    if by_admin:
        if actor is not None and not permissions.can_manage_users(actor):
            raise PermissionDenied(_l("Only administrators can delete other people's accounts."))
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput(_l("Please give the reason for deleting this account."), field="reason")
        if len(reason) > REASON_MAX:
            raise InvalidInput(_l("The reason can be at most %(max)d characters long.", max=REASON_MAX),
                               field="reason")
    elif not user.check_password(password or ""):
        raise InvalidInput(_l("The password is not correct."), field="password")
    if is_last_admin(user):
        raise Conflict(_l("This is the last administrator account: make someone else an administrator "
                          "before deleting it."))
    return (reason or "") if by_admin else "self"


def erase_account(actor: Actor, user: User, *, password: str | None = None,
                  reason: str | None = None) -> None:
    """Delete `user`'s account and personal data (the person themselves with their password, or an
    administrator with a reason; `actor` None: the command line)."""
    why = check_erase(actor, user, password=password, reason=reason)
    user_id, secrets = user.id, [s for s in (user.email, user.display_name) if s and len(s) >= 2]
    _tally_consents(user)
    signals.send(signals.personal_data_erase, user=user)
    _erase_core(user, secrets)
    by_admin = why != "self"
    entry = audit.record(actor if by_admin else None, "account.erase", target_type="users", target_id=user_id,
                         after={"by": "admin" if by_admin else "self", "reason": why if by_admin else None})
    if not by_admin:
        entry.ip_address = None  # the person's own last action: no address either
    db.session.delete(user)
    db.session.flush()
    db.session.expire_all()


def _tally_consents(user: User) -> None:
    from .pages import PolicyAcceptance

    kept: list[tuple[str, int]] = [(slug, version) for slug, version in db.session.execute(
        select(PolicyAcceptance.slug, PolicyAcceptance.version).where(PolicyAcceptance.user_id == user.id))]
    kept += [(kind.value, 0) for kind in consents_of(user)]
    for kind, version in kept:
        row = db.session.scalar(select(ConsentTally).where(ConsentTally.kind == kind,
                                                           ConsentTally.version == version))
        if row is None:
            row = ConsentTally(kind=kind, version=version, count=0)
            db.session.add(row)
        row.count += 1
    db.session.execute(delete(PolicyAcceptance).where(PolicyAcceptance.user_id == user.id))


def _scrub(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, ERASED)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    return value


def _erase_core(user: User, secrets: list[str]) -> None:
    from .mail_models import NotificationPreference, OutgoingMail
    from .privacy_export import delete_exports

    delete_exports(user)
    for model in (Consent, Demographics, ProfileSetting, Follow, Notification, NotificationPreference):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(OutgoingMail).where(or_(OutgoingMail.user_id == user.id,
                                                      OutgoingMail.recipient == user.email)))
    # What staff recorded about the person (before/after data) keeps no name or address.
    entries = db.session.scalars(select(AuditLog).where(
        or_(AuditLog.actor_id == user.id,
            (AuditLog.target_type == "users") & (AuditLog.target_id == user.id)))).all()
    for entry in entries:
        entry.before, entry.after = _scrub(entry.before, secrets), _scrub(entry.after, secrets)
    # The person's own actions keep no actor and no IP address (with the time, it points at them).
    db.session.execute(update(AuditLog).where(AuditLog.actor_id == user.id).values(actor_id=None, ip_address=None))
    db.session.flush()
