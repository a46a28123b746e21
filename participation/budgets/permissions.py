"""Who may do what with budgets (pure predicates) and when their results are public.

Whether voting is open now is the processes package's answer (`Capability.VOTE_BUDGET`); the ballot
rules are the budget's own (`Budget.checkout_problems`).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.permissions import is_facilitator, is_signed_in
from ..core.types import Actor
from ..processes.models import Capability, Process, city_today
from ..processes.permissions import can_view_process
from .models import Budget

NOT_FACILITATOR = _l("Only facilitators of this process and administrators can do this.")
RESULTS_NOT_PUBLIC = _l("The results will be published when voting closes.")


def can_manage_budgets(user: Actor, process: Process) -> bool:
    """Create budgets and projects, select the winners."""
    return is_facilitator(user, process.id)


def can_view_budget(user: Actor, budget: Budget) -> bool:
    return can_view_process(user, budget.process)


def can_vote_budget(user: Actor, budget: Budget) -> bool:
    """Signed-in residents fill a ballot (whether voting is open is the phase's answer)."""
    return is_signed_in(user) and can_view_budget(user, budget)


def voting_closed(budget: Budget) -> bool:
    """Every phase that takes budget votes has ended (or the process is archived)."""
    phases = [p for p in budget.process.phases if p.allows(Capability.VOTE_BUDGET)]
    if budget.process.is_archived:
        return True
    return bool(phases) and all(p.end_date < city_today() for p in phases)


def can_view_budget_results(user: Actor, budget: Budget) -> bool:
    if not can_view_budget(user, budget):
        return False
    return (can_manage_budgets(user, budget.process) or budget.results_live
            or budget.selected_at is not None or voting_closed(budget))
