"""The one answer to "is X open in this process right now, for this user?" (with the reason when not).

This module is the documented interface that process-scoped features (proposals, surveys, and the
budgets, meetings and conversations to come) use: `is_allowed(process, capability, user)` and
`require(...)`. They may import it, `processes.models`, `processes.permissions` and
`processes.queries` (look-ups that 404); nothing else of this package.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..core.errors import PermissionDenied
from ..core.permissions import is_signed_in
from ..core.types import Actor
from .models import Capability, Phase, Process, city_today


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str | None = None  # shown to the user when not allowed
    needs_login: bool = False

    def __bool__(self) -> bool:
        return self.allowed


OPENS_ON = {
    Capability.PROPOSE: _l("Proposal submission opens on %(date)s."),
    Capability.SUPPORT: _l("Supporting proposals opens on %(date)s."),
    Capability.COMMENT: _l("Comments open on %(date)s."),
    Capability.ANSWER_SURVEY: _l("The survey opens on %(date)s."),
    Capability.VOTE_BUDGET: _l("Budget voting opens on %(date)s."),
}


CLOSED_ON = {
    Capability.PROPOSE: _l("Proposal submission closed on %(date)s."),
    Capability.SUPPORT: _l("Supporting proposals closed on %(date)s."),
    Capability.COMMENT: _l("Comments closed on %(date)s."),
    Capability.ANSWER_SURVEY: _l("The survey closed on %(date)s."),
    Capability.VOTE_BUDGET: _l("Budget voting closed on %(date)s."),
}


NOT_IN_PROCESS = {
    Capability.PROPOSE: _l("This process does not take proposals."),
    Capability.SUPPORT: _l("This process does not take supports."),
    Capability.COMMENT: _l("This process does not take comments."),
    Capability.ANSWER_SURVEY: _l("This process has no survey phase."),
    Capability.VOTE_BUDGET: _l("This process has no budget voting phase."),
}


SIGN_IN = {
    Capability.PROPOSE: _l("Please sign in to make a proposal."),
    Capability.SUPPORT: _l("Please sign in to support proposals."),
    Capability.COMMENT: _l("Please sign in to comment."),
    Capability.ANSWER_SURVEY: _l("Please sign in to answer the survey."),
    Capability.VOTE_BUDGET: _l("Please sign in to vote on the budget."),
}


def is_allowed(process: Process, capability: Capability, user: Actor = None, *,
               today: date | None = None, require_login: bool = True) -> Decision:
    """Is `capability` open in `process` right now for `user`? With a reason when not."""
    today = today or city_today()
    if process.is_draft:
        return Decision(False, str(_l("This process is not published yet.")))
    if process.is_archived:
        return Decision(False, str(_l("This process has been archived.")))
    phase = process.current_phase(today)
    if phase is None or not phase.allows(capability):
        capable = [p for p in process.phases if p.allows(capability)]
        if not capable:
            return Decision(False, str(NOT_IN_PROCESS[capability]))
        pinned = phase is not None and phase.pinned
        upcoming = [p.start_date for p in capable if p.start_date > today]
        if upcoming and not pinned:
            when = format_date(min(upcoming), "long")
            return Decision(False, str(OPENS_ON[capability] % {"date": when}))
        ended = [p.end_date for p in capable if p.end_date < today]
        if ended and not pinned:
            when = format_date(max(ended), "long")
            return Decision(False, str(CLOSED_ON[capability] % {"date": when}))
        return Decision(False, str(_l("This is not open in the current phase.")))
    if require_login and not (user is not None and getattr(user, "is_authenticated", False)):
        return Decision(False, str(SIGN_IN[capability]), needs_login=True)
    if is_signed_in(user) and user.is_blocked:
        from ..core.services import blocked_message

        return Decision(False, str(blocked_message(user)))  # blocked: no posting forms, the reason
    return Decision(True)


def require(process: Process, capability: Capability, user: Actor = None, **kwargs) -> Phase:
    """Raise PermissionDenied with the reason unless allowed; returns the current phase."""
    decision = is_allowed(process, capability, user, **kwargs)
    if not decision:
        raise PermissionDenied(decision.reason)
    phase = process.current_phase()
    assert phase is not None  # allowed means a current phase allows it
    return phase
