"""What verification holds about a person: their verifications and letter requests (name and address
for the letter). Erased with the account; a census entry they matched becomes free again."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from ..core.models import User
from ..core.verification import CensusEntry, LetterRequest, Verification
from ..extensions import db


def export(app: Any, user: User) -> dict[str, list[dict]]:
    return {
        "verifications": [{"method": v.method.value, "verified_at": v.verified_at, "revoked_at": v.revoked_at}
                          for v in db.session.scalars(select(Verification).where(Verification.user_id == user.id))],
        "verification_letters": [{"full_name": r.full_name, "address": r.address, "created_at": r.created_at,
                                  "used_at": r.used_at} for r in db.session.scalars(
                                      select(LetterRequest).where(LetterRequest.user_id == user.id))],
    }


def erase(app: Any, user: User) -> None:
    db.session.execute(delete(LetterRequest).where(LetterRequest.user_id == user.id))
    db.session.execute(delete(Verification).where(Verification.user_id == user.id))
    db.session.execute(update(CensusEntry).where(CensusEntry.user_id == user.id).values(user_id=None))


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
