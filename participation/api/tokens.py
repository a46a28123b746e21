"""Personal access tokens: a resident lets an app act on their behalf (read, or read and write).

Created and revoked on the account page; shown once; only the SHA-256 is stored. A token request
is authenticated by `Authorization: Bearer <token>` alone: cookies never authenticate an API write,
so CSRF does not apply to it.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import clock
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.models import User
from ..core.permissions import is_signed_in
from ..core.types import Actor
from ..extensions import db
from .models import NAME_MAX, TOKENS_PER_USER, PersonalToken, Scope
from .services import KEY_BYTES, hash_key

SIGN_IN = _l("Please sign in to manage your access tokens.")
TOKEN_REQUIRED = _l("This needs an access token with the write scope (Authorization: Bearer …).")


def create_token(user: Actor, data: dict[str, Any]) -> tuple[PersonalToken, str]:
    if not is_signed_in(user):
        raise PermissionDenied(SIGN_IN)
    name = " ".join(str(data.get("name") or "").split())
    if not 1 <= len(name) <= NAME_MAX:
        raise InvalidInput(_l("Please enter a name of at most %(max)d characters.", max=NAME_MAX), field="name")
    try:
        scope = Scope(data.get("scope") or Scope.READ)
    except ValueError:
        raise InvalidInput(_l("Please choose read or write."), field="scope") from None
    active = db.session.scalar(select(func.count(PersonalToken.id)).where(
        PersonalToken.user_id == user.id, PersonalToken.revoked_at.is_(None))) or 0
    if active >= TOKENS_PER_USER:
        raise Conflict(_l("You have %(max)d active tokens. Revoke one first.", max=TOKENS_PER_USER))
    token = secrets.token_urlsafe(KEY_BYTES)
    row = PersonalToken(user_id=user.id, name=name, prefix=token[:8], token_hash=hash_key(token), scope=scope)
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke_token(user: Actor, token_id: int) -> PersonalToken:
    row = db.session.get(PersonalToken, token_id)
    if row is None or not is_signed_in(user) or row.user_id != user.id:
        raise NotFound(_l("This token does not exist."))
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        db.session.flush()
    return row


def list_tokens(user: User) -> list[PersonalToken]:
    return list(db.session.scalars(select(PersonalToken).where(PersonalToken.user_id == user.id)
                                   .order_by(PersonalToken.revoked_at.is_not(None), PersonalToken.id.desc())))


def bearer_token() -> PersonalToken | None:
    """The active token of this request's Authorization header, whose owner may still sign in."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or len(header) > 300:
        return None
    row = db.session.scalar(select(PersonalToken).where(PersonalToken.token_hash == hash_key(header[7:].strip())))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    return row


def writer() -> User:
    """The resident a write request acts for: from a write-scoped token only (never a cookie)."""
    row = bearer_token()
    if row is None or row.scope != Scope.WRITE:
        raise PermissionDenied(TOKEN_REQUIRED)
    row.last_used_at = clock.now()
    return row.user
