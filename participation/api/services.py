"""API key commands: issue (the key is returned once), revoke, authenticate.

Shared by the admin page, the `flask api-keys` commands and the Open311 views.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy import select

from ..core import audit, clock
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.models import User
from ..core.types import Actor
from ..extensions import db
from . import permissions
from .models import CONTACT_MAX, DEFAULT_RATE_LIMIT, NAME_MAX, RATE_LIMIT_MAX, ApiKey

KEY_BYTES = 32
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _clean(data: dict[str, Any]) -> tuple[str, str | None, str]:
    name = " ".join(str(data.get("name") or "").split())
    if not 1 <= len(name) <= NAME_MAX:
        raise InvalidInput(_l("Please enter a name of at most %(max)d characters.", max=NAME_MAX), field="name")
    contact = str(data.get("contact") or "").strip() or None
    if contact is not None and (len(contact) > CONTACT_MAX or not EMAIL_RE.match(contact)):
        raise InvalidInput(_l("Please enter a valid e-mail address."), field="contact")
    rate_limit = str(data.get("rate_limit") or "").strip() or DEFAULT_RATE_LIMIT
    try:
        valid = len(rate_limit) <= RATE_LIMIT_MAX and bool(parse_many(rate_limit))
    except ValueError:
        valid = False
    if not valid:
        raise InvalidInput(_l("Please give the limit as, for example, “60 per minute;1000 per day”."),
                           field="rate_limit")
    return name, contact, rate_limit


def create_key(actor: Actor, data: dict[str, Any], *, check: bool = True) -> tuple[ApiKey, str]:
    """A new key for a client application: (row, the key itself, shown once). `check=False` is for
    the command line, which runs as the operator."""
    if check and not permissions.can_manage_api_keys(actor):
        raise PermissionDenied(permissions.ONLY_ADMINS)
    name, contact, rate_limit = _clean(data)
    if db.session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise Conflict(_l("An API key with this name already exists."), field="name")
    key = secrets.token_urlsafe(KEY_BYTES)
    account = User(email=f"api-{secrets.token_hex(8)}@api.invalid", display_name=name[:80],
                   password_hash="!api-key-account", language="ja")
    db.session.add(account)
    db.session.flush()
    row = ApiKey(name=name, contact=contact, prefix=key[:8], key_hash=hash_key(key), rate_limit=rate_limit,
                 user_id=account.id, created_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "api_key.create", row, after={"name": name, "contact": contact, "rate_limit": rate_limit})
    return row, key


def revoke_key(actor: Actor, key_id: int | None = None, *, name: str | None = None, check: bool = True) -> ApiKey:
    if check and not permissions.can_manage_api_keys(actor):
        raise PermissionDenied(permissions.ONLY_ADMINS)
    query = select(ApiKey).where(ApiKey.id == key_id) if key_id is not None else select(ApiKey).where(
        ApiKey.name == name)
    row = db.session.scalar(query)
    if row is None:
        raise NotFound(_l("This API key does not exist."))
    if row.revoked_at is not None:
        raise Conflict(_l("This API key is already revoked."))
    row.revoked_at = clock.now()
    db.session.flush()
    audit.record(actor, "api_key.revoke", row, before={"name": row.name})
    return row


def authenticate_key(key: str | None) -> ApiKey | None:
    """The active key with this value, or None. A lookup by hash: no timing difference to exploit."""
    if not key or len(key) > 200:
        return None
    row = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    return row


def list_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.name)))
