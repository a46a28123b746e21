"""`/account/activity`: what I did across processes (proposals, reports, supports, comments, survey
answers, ...) with its current state, newest first. Features answer `signals.account_activity` with
their own newest items (at most `limit` each, one bounded query per kind); this merges and pages them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from . import signals
from .models import User

LIMIT = 200  # per kind when the caller does not say (e.g. the administration's user page)
PER_PAGE = 30
MAX_PAGE = 50
HIDDEN = _l("Hidden by moderators")
HIDDEN_TITLE = _l("Hidden content")

_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass
class ActivityPage:
    items: list[dict[str, Any]]
    page: int
    has_next: bool


def title_of(user: User, item: Any, title: str, author_id: int | None) -> str:
    """The title a line shows: someone else's item that moderators hid keeps its line in my activity
    (I supported it, commented on it) but not its title (hidden means hidden on every page)."""
    if getattr(item, "hidden_at", None) is not None and author_id != user.id:
        return str(HIDDEN_TITLE)
    return title


def _moment(item: dict[str, Any]) -> datetime:
    value = item.get("created_at")
    if not isinstance(value, datetime):
        return _OLDEST
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def page_of(user: User, page: int = 1) -> ActivityPage:
    """One page of the person's activity: each feature returns its newest page*PER_PAGE+1 items, so
    the merged list is exact up to this page and tells whether another follows."""
    page = max(1, min(page, MAX_PAGE))
    wanted = page * PER_PAGE
    items = signals.collect_lists(signals.account_activity, user=user, limit=wanted + 1)
    items.sort(key=_moment, reverse=True)
    return ActivityPage(items[wanted - PER_PAGE:wanted], page, len(items) > wanted)
