"""API keys of client applications (Open311 writes), and Open311 tokens for reports filed through them.

A key is shown once when it is issued; only its SHA-256 is stored (keys are 256-bit random values, so
a fast hash is enough and a leaked table reveals no usable key). Each key files reports as its own
service account (a `User` that cannot sign in), so the issues services apply their usual rules.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.models import User, UTCDateTime
from ..core.types import enum_column
from ..extensions import Model

NAME_MAX = 80
CONTACT_MAX = 254
RATE_LIMIT_MAX = 40
DEFAULT_RATE_LIMIT = "60 per minute;1000 per day"
TOKENS_PER_USER = 10


class ApiKey(Model):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    contact: Mapped[str | None] = mapped_column(String(CONTACT_MAX))
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to recognise a key in lists
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    rate_limit: Mapped[str] = mapped_column(String(RATE_LIMIT_MAX), default=DEFAULT_RATE_LIMIT)
    # The service account that files this application's reports.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Open311Token(Model):
    """The token returned with a report filed through Open311 (GET tokens/<token> finds it again)."""

    __tablename__ = "open311_tokens"
    __table_args__ = (Index("ix_open311_tokens_issue", "issue_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Scope(enum.StrEnum):
    READ = "read"
    WRITE = "write"  # also reads


class PersonalToken(Model):
    """A resident's access token for an app acting on their behalf (created and revoked on the
    account page; only its SHA-256 is stored)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[Scope] = mapped_column(enum_column(Scope, "scope_valid"), default=Scope.READ)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
