"""What moderation holds about a person: export (their flags, blocks) and erase (their flags and the
flags and cases about their account are deleted; cases about their posts stay, with no author). A
blocked account's address stays as a keyed digest linked to no one (`addresses.py`): registering
again with it does not lift the block."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update

from ..core.models import User
from ..extensions import db
from . import addresses
from .models import Block, Case, Flag


def export(app: Any, user: User) -> dict[str, list[dict]]:
    return {
        "flags": [{"target_type": f.target_type, "target_id": f.target_id, "reason": f.reason.value,
                   "details": f.details, "created_at": f.created_at}
                  for f in db.session.scalars(select(Flag).where(Flag.user_id == user.id).order_by(Flag.id))],
        "blocks": [{"justification": b.justification, "created_at": b.created_at, "lifted_at": b.lifted_at}
                   for b in db.session.scalars(select(Block).where(Block.user_id == user.id).order_by(Block.id))],
    }


def erase(app: Any, user: User) -> None:
    if user.is_blocked:
        addresses.remember(user)  # blocked before digests were kept: its address now
    addresses.let_go(user)
    about_account = (Flag.target_type == "users") & (Flag.target_id == user.id)
    db.session.execute(delete(Flag).where(or_(Flag.user_id == user.id, about_account)))
    db.session.execute(delete(Case).where(Case.target_type == "users", Case.target_id == user.id))
    db.session.execute(delete(Block).where(Block.user_id == user.id))
    db.session.execute(update(Case).where(Case.author_id == user.id).values(author_id=None))


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
    signals.account_registered.connect(addresses.block_if_known, sender=app, weak=False)
