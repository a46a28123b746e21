"""Permission predicates shared by every feature: pure functions of (user, object) -> bool.

Feature packages define their own `can_<verb>_<noun>` in their permissions.py on top of these.
All predicates accept an anonymous user (Flask-Login's AnonymousUserMixin) or None.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeGuard

from .models import Role
from .types import Actor

if TYPE_CHECKING:
    from .models import User


def is_signed_in(user: Actor) -> TypeGuard[User]:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def acts_as_staff(user: Actor) -> TypeGuard[User]:
    """Signed in and not blocked: a blocked official, facilitator, moderator or admin keeps the
    role (it comes back with the unblock) but every staff predicate refuses them meanwhile."""
    return is_signed_in(user) and not user.is_blocked


def is_admin(user: Actor) -> bool:
    return acts_as_staff(user) and user.has_role(Role.ADMIN)


def is_official(user: Actor, department_id: int | None = None) -> bool:
    return acts_as_staff(user) and user.has_role(Role.OFFICIAL, department_id=department_id)


def is_facilitator(user: Actor, process_id: int | None = None) -> bool:
    """Facilitator of this process (or of every process); admins count as facilitators."""
    if not acts_as_staff(user):
        return False
    return is_admin(user) or user.has_role(Role.FACILITATOR, process_id=process_id)


def is_global_facilitator(user: Actor) -> bool:
    """Facilitator of every process (may create new ones); admins too."""
    if not acts_as_staff(user):
        return False
    return is_admin(user) or any(
        a.role == Role.FACILITATOR and a.process_id is None for a in user.roles
    )


def is_moderator(user: Actor, process_id: int | None = None) -> bool:
    if not acts_as_staff(user):
        return False
    return is_admin(user) or user.has_role(Role.MODERATOR, process_id=process_id)


def is_global_moderator(user: Actor) -> bool:
    """Moderator of everything (street issues, user reports); admins too."""
    if not acts_as_staff(user):
        return False
    return is_admin(user) or any(
        a.role == Role.MODERATOR and a.process_id is None for a in user.roles
    )


def can_post(user: Actor) -> bool:
    """Signed in and not blocked: may write proposals, comments, reports, updates, flags."""
    return is_signed_in(user) and not user.is_blocked


def is_staff(user: Actor) -> bool:
    return acts_as_staff(user) and bool(user.roles)


def holds_staff_role(user: Actor) -> bool:
    """Holds any role, blocked or not (only admins may block such an account)."""
    return is_signed_in(user) and bool(user.roles)


def can_manage_users(user: Actor) -> bool:
    return is_admin(user)


def can_grant_role(user: Actor, role: Role) -> bool:
    """Only admins hand out roles."""
    return is_admin(user)


def can_view_audit_log(user: Actor) -> bool:
    return is_admin(user)


def can_edit_account(user: Actor, account: User) -> bool:
    return is_signed_in(user) and user.id == account.id


PREDICATES = {
    "is_signed_in": is_signed_in,
    "is_admin": is_admin,
    "is_official": is_official,
    "is_facilitator": is_facilitator,
    "is_global_facilitator": is_global_facilitator,
    "is_moderator": is_moderator,
    "is_global_moderator": is_global_moderator,
    "can_post": can_post,
    "is_staff": is_staff,
    "can_manage_users": can_manage_users,
    "can_view_audit_log": can_view_audit_log,
    "can_edit_account": can_edit_account,
}


# Hidden means hidden everywhere: one rule for every feature.

def can_view_hidden(user: Actor, process_id: int | None) -> bool:
    """Moderators see hidden content in context, to decide."""
    return is_global_moderator(user) or (process_id is not None and is_moderator(user, process_id))


def can_read(user: Actor, item: Any, process_id: int | None) -> bool:
    """Content is readable unless moderators hid it; they themselves still read it."""
    return getattr(item, "hidden_at", None) is None or can_view_hidden(user, process_id)
