"""What every feature shares: users, roles, departments and the audit log."""
from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import Model
from . import clock
from .types import enum_column


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; always gives back aware UTC datetimes (SQLite too)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use core.clock.now()")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Role(enum.StrEnum):
    """Staff roles. Every account is a resident; these are granted on top."""

    OFFICIAL = "official"  # member of a department
    FACILITATOR = "facilitator"  # of one process, or of all when process_id is NULL
    MODERATOR = "moderator"  # of one process, or of all when process_id is NULL
    ADMIN = "admin"


class Department(Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[dict] = mapped_column(JSON)  # {"ja": ..., "en": ...}
    contact_email: Mapped[str | None] = mapped_column(String(254))
    target_days: Mapped[int | None] = mapped_column(Integer)  # response target in calendar days
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation: a blocked user can read and sign in but can no longer post.
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    # When the owner proved the address is theirs (core.tokens); NULL: not confirmed yet.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Flask-Login's alternative id: what the session and the remember cookie carry. Rotating it
    # (sign-out, password change, block, "sign out everywhere") ends every existing session.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)

    # Loaded on access, not with every user: an author or a commenter shown on a page needs no roles;
    # the session's user comes with them (the user loader), lists of people ask with selectinload.
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        lazy="select",
        cascade="all, delete-orphan",
        foreign_keys="RoleAssignment.user_id",
    )

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    def get_id(self) -> str:  # Flask-Login: the session names the token, never the row id
        if not self.session_token:
            self.session_token = new_session_token()
        return self.session_token

    def rotate_session_token(self) -> None:
        """Every session and remember cookie issued so far stops working."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def has_role(self, role: Role, *, process_id: int | None = None,
                 department_id: int | None = None) -> bool:
        """True when the user holds `role`; a global assignment (no process) covers every process."""
        for assignment in self.roles:
            if assignment.role != role:
                continue
            if department_id is not None and assignment.department_id != department_id:
                continue
            if process_id is not None and assignment.process_id not in (None, process_id):
                continue
            return True
        return False

    @property
    def department_ids(self) -> set[int]:
        return {a.department_id for a in self.roles
                if a.role == Role.OFFICIAL and a.department_id is not None}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RoleAssignment(Model):
    """One row per role a user holds, with its scope (department or process)."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint(
            "(role = 'official' AND department_id IS NOT NULL) "
            "OR (role <> 'official' AND department_id IS NULL)",
            name="department_only_for_officials",
        ),
        CheckConstraint(
            "process_id IS NULL OR role IN ('facilitator', 'moderator')",
            name="process_only_for_facilitators_moderators",
        ),
        Index("ix_role_assignments_user_role", "user_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role_valid"))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE")
    )
    # Scope for facilitators and moderators: one process, or all of them when NULL.
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), index=True
    )
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    department: Mapped[Department | None] = relationship(lazy="joined")
    process = relationship("Process", lazy="joined")


class AuditLog(Model):
    """Every staff action: who did what to which object, with before/after data."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "target_type", "target_id"),
        Index("ix_audit_log_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    actor: Mapped[User | None] = relationship(lazy="joined")


class Upload(Model):
    """A stored image: re-encoded, metadata stripped, named by the hash of its content."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def filename(self) -> str:
        return f"{self.sha256}.jpg"

    @property
    def thumbnail_filename(self) -> str:
        return f"{self.sha256}_thumb.jpg"


class Follow(Model):
    """A user follows something (a proposal, an issue) and is notified when it changes."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "target_type", "target_id"),
        Index("ix_follows_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Notification(Model):
    """An in-app notification. Rendered from `kind` + `data`, so any language can show it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
