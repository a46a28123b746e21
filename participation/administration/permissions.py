"""Who may use the city's administration pages: administrators only."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.permissions import is_admin
from ..core.types import Actor

ONLY_ADMINS = _l("Only administrators can use the administration pages.")


def can_administer(user: Actor) -> bool:
    return is_admin(user)


def can_manage_departments(user: Actor) -> bool:
    return is_admin(user)


def can_edit_settings(user: Actor) -> bool:
    return is_admin(user)


def can_edit_pages(user: Actor) -> bool:
    return is_admin(user)
