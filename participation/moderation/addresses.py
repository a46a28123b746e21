"""Blocks outlive a deleted account: the address of a blocked account that is deleted is kept as an
HMAC digest (keyed with the app's secret, so the table alone tells nobody which addresses it holds),
and an account registered again with that address starts blocked. A moderator who lifts that block
also forgets the digest."""
from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..core import clock
from ..core.models import User
from ..core.services import normalize_email
from ..extensions import db
from .models import Block, BlockedAddress

#: what the person and moderators read as the reason of the block
STILL_BLOCKED = _l("An account with this e-mail address was blocked by a moderator and then deleted: "
                   "the block still applies. Ask the moderators if you think it should be lifted.")


def digest(email: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"blocked-address:" + normalize_email(email).encode(), hashlib.sha256).hexdigest()


def remember(email: str) -> None:
    value = digest(email)
    if db.session.scalar(select(BlockedAddress.id).where(BlockedAddress.digest == value)) is None:
        db.session.add(BlockedAddress(digest=value))
        db.session.flush()


def forget(email: str) -> None:
    db.session.execute(delete(BlockedAddress).where(BlockedAddress.digest == digest(email)))


def block_if_known(app: Any, user: User) -> None:
    """account_registered: a new account with the address of a deleted blocked one starts blocked."""
    if db.session.scalar(select(BlockedAddress.id).where(BlockedAddress.digest == digest(user.email))) is None:
        return
    reason = str(STILL_BLOCKED)
    user.blocked_at, user.blocked_reason = clock.now(), reason
    db.session.add(Block(user_id=user.id, moderator_id=None, justification=reason))
    db.session.flush()
