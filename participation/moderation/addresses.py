"""Blocks outlive the address and the account: when an account is blocked, its address is kept as an
HMAC digest (keyed with the app's secret, so the table alone tells nobody which addresses it holds),
and an account registered with that address starts blocked, also after the blocked account changed
its address or was deleted. A moderator who lifts the block forgets its digests. (A new SECRET_KEY
forgets them all.)"""
from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from ..core import clock
from ..core.models import User
from ..core.services import normalize_email
from ..extensions import db
from .models import Block, BlockedAddress

#: what the person and moderators read as the reason of the block
STILL_BLOCKED = _l("An account with this e-mail address was blocked by a moderator: the block applies to "
                   "this account too. Ask the moderators if you think it should be lifted.")


def digest(email: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"blocked-address:" + normalize_email(email).encode(), hashlib.sha256).hexdigest()


def _known(email: str) -> BlockedAddress | None:
    return db.session.scalar(select(BlockedAddress).where(BlockedAddress.digest == digest(email)))


def remember(user: User) -> None:
    """The blocked `user`'s current address (once; it stays linked to the account)."""
    known = _known(user.email)
    if known is None:
        db.session.add(BlockedAddress(digest=digest(user.email), user_id=user.id))
    else:
        known.user_id = user.id
    db.session.flush()


def forget(user: User) -> None:
    """The block of `user` is lifted: every address remembered for it, and its current one."""
    db.session.execute(delete(BlockedAddress).where(or_(BlockedAddress.user_id == user.id,
                                                        BlockedAddress.digest == digest(user.email))))


def let_go(user: User) -> None:
    """`user` is being deleted: its digests stay, linked to no account (its id may be given again)."""
    db.session.execute(update(BlockedAddress).where(BlockedAddress.user_id == user.id).values(user_id=None))


def block_if_known(app: Any, user: User) -> None:
    """account_registered: a new account with the address of a blocked one starts blocked."""
    known = _known(user.email)
    if known is None:
        return
    reason = str(STILL_BLOCKED)
    user.blocked_at, user.blocked_reason = clock.now(), reason
    known.user_id = user.id
    db.session.add(Block(user_id=user.id, moderator_id=None, justification=reason))
    db.session.flush()
