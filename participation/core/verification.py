"""Verified residents: one person, one vote (Decidim's authorizations).

Two methods, each a way to tie an account to one real resident:
- letter code: the resident asks with name and address; staff export the pending requests as CSV for
  mailing (the code is made at export and only its keyed hash is kept); entering the code verifies
  the account (codes expire, attempts are limited);
- census match: admins upload the voter list as keyed hashes (HMAC-SHA256 with the CENSUS_HMAC_KEY
  setting) of (document number, birth date) computed by the city's own tool (`flask census hash`);
  the resident enters the same two fields; one account per census entry; raw values are never stored.

Features that need verified residents call `is_verified(user)`; every staff action is audited.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, func, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from . import audit, clock
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied
from .models import User, UTCDateTime
from .permissions import is_admin, is_signed_in
from .types import Actor, enum_column

LETTER_DAYS = 30  # a mailed code is valid this long
LETTER_ATTEMPTS = 5  # wrong codes allowed per letter
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B)
CODE_LENGTH = 8
NAME_MAX, ADDRESS_MAX = 100, 300


class Method(enum.StrEnum):
    LETTER = "letter"
    CENSUS = "census"


METHOD_LABELS = {Method.LETTER: _l("Letter with a code"), Method.CENSUS: _l("Voter list (census)")}


class Verification(Model):
    __tablename__ = "verifications"
    __table_args__ = (UniqueConstraint("user_id", "method"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    method: Mapped[Method] = mapped_column(enum_column(Method, "method_valid"))
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class LetterRequest(Model):
    __tablename__ = "verification_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(NAME_MAX))
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CensusEntry(Model):
    __tablename__ = "census_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


# --- reading -------------------------------------------------------------------------------------

def active_verifications(user: Actor) -> list[Verification]:
    if not is_signed_in(user):
        return []
    return list(db.session.scalars(select(Verification).where(
        Verification.user_id == user.id, Verification.revoked_at.is_(None)).order_by(Verification.id)))


def is_verified(user: Actor) -> bool:
    """A signed-in resident verified by any method (and not revoked)."""
    return bool(active_verifications(user))


def pending_letter(user: User) -> LetterRequest | None:
    return db.session.scalar(select(LetterRequest).where(LetterRequest.user_id == user.id,
                                                         LetterRequest.used_at.is_(None))
                             .order_by(LetterRequest.id.desc()).limit(1))


def can_manage_verifications(user: Actor) -> bool:
    return is_admin(user)


# --- keyed hashes --------------------------------------------------------------------------------

def _digest(key: str | bytes, text: str) -> str:
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def census_key(document_number: str, birth_date: date, secret: str) -> str:
    """What the city's tool and this site both compute: HMAC-SHA256(secret, "DOCUMENT|YYYY-MM-DD")."""
    normal = "".join(str(document_number).split()).upper()
    return _digest(secret, f"{normal}|{birth_date.isoformat()}")


def _census_secret() -> str:
    secret = current_app.config.get("CENSUS_HMAC_KEY")
    if not secret:
        raise Conflict(_l("Verification by the voter list is not set up on this site."))
    return str(secret)


def _code_hash(code: str) -> str:
    return _digest(str(current_app.config["SECRET_KEY"]), "letter:" + code.strip().upper().replace("-", ""))


def _record(user: User, method: Method) -> Verification:
    row = db.session.scalar(select(Verification).where(Verification.user_id == user.id,
                                                       Verification.method == method))
    if row is None:
        row = Verification(user_id=user.id, method=method)
        db.session.add(row)
    row.verified_at, row.revoked_at = clock.now(), None
    db.session.flush()
    audit.record(user, f"verification.{method.value}", user)
    return row


# --- letter --------------------------------------------------------------------------------------

def request_letter(user: User, full_name: str, address: str) -> LetterRequest:
    full_name, address = " ".join((full_name or "").split()), " ".join((address or "").split())
    if not full_name or len(full_name) > NAME_MAX:
        raise InvalidInput(_l("Please enter your name (at most %(max)d characters).", max=NAME_MAX),
                           field="full_name")
    if not address or len(address) > ADDRESS_MAX:
        raise InvalidInput(_l("Please enter your address (at most %(max)d characters).", max=ADDRESS_MAX),
                           field="address")
    pending = pending_letter(user)
    if pending is not None and pending.exported_at is None:
        pending.full_name, pending.address = full_name, address  # a correction before mailing
        db.session.flush()
        return pending
    request = LetterRequest(user_id=user.id, full_name=full_name, address=address)
    db.session.add(request)
    db.session.flush()
    return request


def export_letters(actor: Actor) -> list[tuple[LetterRequest, str]]:
    """Make a code for each request not yet mailed; (request, code) for the mailing CSV."""
    if not can_manage_verifications(actor):
        raise PermissionDenied(_l("Only administrators can do this."))
    now = clock.now()
    out = []
    for request in db.session.scalars(select(LetterRequest).where(LetterRequest.exported_at.is_(None),
                                                                  LetterRequest.used_at.is_(None))
                                      .order_by(LetterRequest.id)):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        request.code_hash, request.exported_at = _code_hash(code), now
        request.expires_at, request.attempts = now + timedelta(days=LETTER_DAYS), 0
        out.append((request, f"{code[:4]}-{code[4:]}"))
    db.session.flush()
    audit.record(actor, "verification.letters_export", target_type="verification_letters",
                 after={"count": len(out)})
    return out


def enter_code(user: User, code: str) -> bool:
    """True when the code verifies the account; False (the attempt counted) when it is wrong."""
    request = pending_letter(user)
    if request is None or request.exported_at is None or request.code_hash is None:
        raise Conflict(_l("No letter has been sent to you yet."), field="code")
    # Count the attempt first, with the row claimed: two tabs cannot try more codes than allowed.
    db.session.execute(update(LetterRequest).where(LetterRequest.id == request.id)
                       .values(attempts=LetterRequest.attempts + 1).execution_options(synchronize_session=False))
    db.session.refresh(request)
    if request.expires_at is not None and request.expires_at < clock.now():
        raise Conflict(_l("This code has expired. Please ask for a new letter."), field="code")
    if request.attempts > LETTER_ATTEMPTS:
        raise Conflict(_l("Too many wrong codes. Please ask for a new letter."), field="code")
    if not hmac.compare_digest(request.code_hash, _code_hash(code or "")):
        return False
    request.used_at = clock.now()
    _record(user, Method.LETTER)
    return True


# --- census --------------------------------------------------------------------------------------

def import_census(actor: Actor, hashes: list[str]) -> int:
    """Add census entries (keyed hashes, 64 hex characters); already known ones are skipped."""
    if not can_manage_verifications(actor):
        raise PermissionDenied(_l("Only administrators can do this."))
    clean = {h.strip().lower() for h in hashes if h.strip()}
    bad = [h for h in clean if len(h) != 64 or any(c not in "0123456789abcdef" for c in h)]
    if bad or not clean:
        raise InvalidInput(_l("The file must hold one column key_hash of 64 hexadecimal characters."), field="file")
    known = set(db.session.scalars(select(CensusEntry.key_hash).where(CensusEntry.key_hash.in_(clean))))
    db.session.add_all([CensusEntry(key_hash=h) for h in sorted(clean - known)])
    db.session.flush()
    audit.record(actor, "verification.census_import", target_type="census_entries",
                 after={"added": len(clean - known), "known": len(known)})
    return len(clean - known)


def verify_census(user: User, document_number: str, birth_date: Any) -> Verification:
    if not isinstance(birth_date, date) or not (document_number or "").strip():
        raise InvalidInput(_l("Please enter your document number and birth date."), field="document_number")
    key = census_key(document_number, birth_date, _census_secret())
    entry = db.session.scalar(select(CensusEntry).where(CensusEntry.key_hash == key))
    if entry is None:
        raise InvalidInput(_l("These details are not in the voter list. Please check them."), field="document_number")
    held = db.session.scalar(select(CensusEntry.id).where(CensusEntry.user_id == user.id))
    if held is not None and held != entry.id:
        raise Conflict(_l("Your account is already verified with other details."), field="document_number")
    # One account per entry: claim it only if nobody (or this same user) holds it.
    outcome = db.session.execute(update(CensusEntry).where(
        CensusEntry.id == entry.id, (CensusEntry.user_id.is_(None)) | (CensusEntry.user_id == user.id))
        .values(user_id=user.id).execution_options(synchronize_session=False))
    if not getattr(outcome, "rowcount", 0):
        raise Conflict(_l("These details already verify another account."), field="document_number")
    return _record(user, Method.CENSUS)


def revoke(actor: Actor, verification: Verification) -> None:
    if not can_manage_verifications(actor):
        raise PermissionDenied(_l("Only administrators can do this."))
    if verification.revoked_at is not None:
        raise Conflict(_l("This verification was already revoked."))
    verification.revoked_at = clock.now()
    if verification.method == Method.CENSUS:
        db.session.execute(update(CensusEntry).where(CensusEntry.user_id == verification.user_id)
                           .values(user_id=None).execution_options(synchronize_session=False))
    db.session.flush()
    audit.record(actor, "verification.revoke", verification, after={"user_id": verification.user_id,
                                                                     "method": verification.method.value})


def get_verification(verification_id: int) -> Verification:
    row = db.session.get(Verification, verification_id)
    if row is None:
        raise NotFound(_l("This verification does not exist."))
    return row


def all_verifications(limit: int = 500) -> list[Verification]:
    return list(db.session.scalars(select(Verification).order_by(Verification.id.desc()).limit(limit)))


def pending_letter_count() -> int:
    return db.session.scalar(select(func.count(LetterRequest.id)).where(
        LetterRequest.exported_at.is_(None), LetterRequest.used_at.is_(None))) or 0
