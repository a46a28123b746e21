"""Who may flag and who may moderate."""
from __future__ import annotations

from typing import TYPE_CHECKING

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


def can_view_queue(user: Actor) -> bool:
    return is_moderator(user)


def can_block_user(user: Actor, target: Actor = None) -> bool:
    """Global moderators block residents; only admins block staff (officials, facilitators,
    moderators, admins). Without `target`: may this user block anyone at all."""
    if not is_global_moderator(user):
        return False
    return target is None or not holds_staff_role(target) or is_admin(user)
