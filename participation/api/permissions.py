"""Who may manage API keys."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.permissions import is_admin
from ..core.types import Actor

ONLY_ADMINS = _l("Only administrators can manage API keys.")


def can_manage_api_keys(user: Actor) -> bool:
    return is_admin(user)
