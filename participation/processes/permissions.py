"""Who may do what with processes and phases."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.permissions import is_facilitator, is_global_facilitator, is_signed_in
from ..core.types import Actor

if TYPE_CHECKING:
    from .models import Process


def can_view_process(user: Actor, process: Process) -> bool:
    """Drafts are visible to the process's staff only."""
    if not process.is_draft:
        return True
    return is_facilitator(user, process.id)


def can_create_process(user: Actor) -> bool:
    return is_global_facilitator(user)


def can_edit_process(user: Actor, process: Process) -> bool:
    return is_facilitator(user, process.id)


def can_publish_process(user: Actor, process: Process) -> bool:
    return can_edit_process(user, process)


def can_manage_phases(user: Actor, process: Process) -> bool:
    return can_edit_process(user, process)


def can_assign_process_roles(user: Actor, process: Process) -> bool:
    """Facilitators of a process bring in co-facilitators and moderators for it."""
    return can_edit_process(user, process)


def can_view_process_admin(user: Actor) -> bool:
    """The staff list of processes: anyone who facilitates at least one."""
    return is_signed_in(user) and is_facilitator(user)
