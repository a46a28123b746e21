"""Who may flag and who may moderate."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.models import Role
from ..core.permissions import (
    can_post,
    can_read,
    can_view_hidden,
    holds_staff_role,
    is_admin,
    is_global_moderator,
    is_moderator,
)
from ..core.types import Actor

if TYPE_CHECKING:
    from .models import Case

__all__ = ["can_read", "can_view_hidden"]


def can_flag(user: Actor) -> bool:
    return can_post(user)


def can_moderate_case(user: Actor, case: Case) -> bool:
    """Moderators of the item's process, or global moderators (street issues and users too)."""
    if case.process_id is None:
        return is_global_moderator(user)
    return is_moderator(user, case.process_id)


def moderated_processes(user: Actor) -> set[int] | None:
    """The scope of `can_moderate_case`, computed once for a whole queue: None when the user moderates
    everything (global moderators and admins), else the ids of the processes they moderate."""
    if is_global_moderator(user):
        return None
    if not is_moderator(user) or user is None:
        return set()
    return {a.process_id for a in user.roles if a.role == Role.MODERATOR and a.process_id is not None}


def can_view_queue(user: Actor) -> bool:
    return is_moderator(user)


def can_block_user(user: Actor, target: Actor = None) -> bool:
    """Global moderators block residents; only admins block staff (officials, facilitators,
    moderators, admins). Without `target`: may this user block anyone at all."""
    if not is_global_moderator(user):
        return False
    return target is None or not holds_staff_role(target) or is_admin(user)
