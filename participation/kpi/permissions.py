"""Who may see what of the KPIs. The public sees city-wide and per-process figures and
responsiveness by department; staff also see it by category; administrators enter the population
table and recompute the figures on demand."""
from __future__ import annotations

from ..core.permissions import is_admin, is_staff
from ..core.types import Actor


def can_view_kpi_detail(user: Actor) -> bool:
    return is_staff(user)


def can_edit_population(user: Actor) -> bool:
    return is_admin(user)


def can_refresh_kpi(user: Actor) -> bool:
    return is_admin(user)
