"""Who may do what with results (pure predicates)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.permissions import is_facilitator
from ..core.types import Actor
from ..processes.models import Process
from ..processes.permissions import can_view_process

NOT_FACILITATOR = _l("Only facilitators of this process and administrators can do this.")


def can_manage_results(user: Actor, process: Process) -> bool:
    """Create and update results, their statuses and timelines; import them."""
    return is_facilitator(user, process.id)


def can_view_results(user: Actor, process: Process) -> bool:
    return can_view_process(user, process)


def can_view_outcomes(user: Actor, process: Process) -> bool:
    """The outcome report is public wherever the process is."""
    return can_view_process(user, process)
