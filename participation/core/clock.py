"""The one clock. Code asks `clock.now()`; tests move time with `clock.freeze(...)`."""
from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def freeze(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    global _frozen
    _frozen = moment.astimezone(UTC)


def unfreeze() -> None:
    global _frozen
    _frozen = None
