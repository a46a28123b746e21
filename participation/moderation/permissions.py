"""Who may flag and who may moderate."""
from __future__ import annotations

from typing import Any

from ..core.permissions import can_post, is_global_moderator, is_moderator


def can_flag(user: Any) -> bool:
    return can_post(user)


def can_moderate_case(user: Any, case: Any) -> bool:
    """Moderators of the item's process, or global moderators (street issues and users too)."""
    if case.process_id is None:
        return is_global_moderator(user)
    return is_moderator(user, case.process_id)


def can_view_queue(user: Any) -> bool:
    return is_moderator(user)


def can_block_user(user: Any) -> bool:
    return is_global_moderator(user)


def can_view_hidden(user: Any, process_id: int | None) -> bool:
    """Moderators see hidden content in context, to decide."""
    return is_global_moderator(user) or (process_id is not None and is_moderator(user, process_id))


def can_read(user: Any, item: Any, process_id: int | None) -> bool:
    """Content is readable unless moderators hid it; they themselves still read it."""
    return getattr(item, "hidden_at", None) is None or can_view_hidden(user, process_id)
