"""The audit log service: every staff action is recorded here, and only here."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ..extensions import db
from .models import AuditLog
from .types import Actor


def _jsonable(data: dict | None) -> dict | None:
    if data is None:
        return None
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, (str, int, float, bool)) or value is None or isinstance(value, (dict, list)):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def record(actor: Actor, action: str, target: Any = None, *, target_type: str | None = None,
           target_id: int | None = None, before: dict | None = None,
           after: dict | None = None) -> AuditLog:
    """Add an audit entry for `actor` doing `action` to `target` (a model instance)."""
    if target is not None:
        target_type = target_type or getattr(target, "__tablename__", type(target).__name__)
        target_id = target_id if target_id is not None else getattr(target, "id", None)
    entry = AuditLog(
        actor_id=getattr(actor, "id", None) if actor is not None and getattr(actor, "is_authenticated", True) else None,
        action=action,
        target_type=target_type or "-",
        target_id=target_id,
        before=_jsonable(before),
        after=_jsonable(after),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
