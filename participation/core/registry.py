"""Per-application registries that features fill in their `init_app` (never at import time).

- notification kinds: how a stored notification (kind + data) is worded and where it links;
- moderation targets: what content can be flagged and hidden, and how moderation finds its author,
  its process, its page and an excerpt;
- upload owners: which items use a stored upload and who may read them (the file is served only
  then: hidden means hidden for photos too);
- audit actions: how each action of the audit log reads as a sentence.

Both live in `app.extensions["participation"]`, so two apps (e.g. one per test database) never share
state and nothing depends on the order in which modules happen to be imported.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

EXTENSION = "participation"


@dataclass(frozen=True)
class NotificationKind:
    message: Any  # lazy string with %(name)s placeholders filled from Notification.data
    url: Callable[[Any], str]
    prepare: Callable[[dict], dict] | None = None  # e.g. turn a stored code into a translated label


@dataclass(frozen=True)
class ModerationTarget:
    model: Any
    label: Any
    process_id: Callable[[Any], int | None]
    author_id: Callable[[Any], int | None]
    url: Callable[[Any], str]
    excerpt: Callable[[Any], str]
    author_column: Any  # the column naming the author, for "everything they wrote"
    hideable: bool = True
    # may this person see the item at all (a draft process, a statement waiting for review)?
    # Nobody can flag what they cannot see.
    readable: Callable[[Any, Any], bool] | None = None
    # loader options (e.g. `joinedload(Statement.conversation)`) for loading many items at once, so
    # that `url`/`excerpt` of a whole moderation queue read nothing more from the database
    load_options: tuple[Any, ...] = ()


@dataclass(frozen=True)
class UploadOwner:
    """Which items of a feature use an upload, and whether a requester may read such an item.
    `find(upload_id)` returns the owning items (any objects `can_read` understands)."""

    find: Callable[[int], list[Any]]
    can_read: Callable[[Any, Any], bool]  # (requester, item) -> bool


@dataclass(frozen=True)
class AuditAction:
    """How an audit log action reads (`core.audit.sentence`): `label` names the action (filters);
    `message` is a lazy string with %(actor)s, %(target)s and the values `values(entry)` returns as
    text (e.g. a status code turned into its translated label)."""

    label: Any
    message: Any
    values: Callable[[Any], dict[str, Any]] | None = None


@dataclass
class Registry:
    audit_actions: dict[str, AuditAction] = field(default_factory=dict)
    notification_kinds: dict[str, NotificationKind] = field(default_factory=dict)
    moderation_targets: dict[str, ModerationTarget] = field(default_factory=dict)
    upload_owners: dict[str, UploadOwner] = field(default_factory=dict)
    row_counts: dict[str, Any] = field(default_factory=dict)  # core.counts.RowCount by name


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Registry()


def registry(app: Flask | None = None) -> Registry:
    return (app or current_app).extensions[EXTENSION]


def register_notification_kind(app: Flask, name: str, message: Any, url: Callable[[Any], str],
                               prepare: Callable[[dict], dict] | None = None) -> None:
    registry(app).notification_kinds[name] = NotificationKind(message, url, prepare)


def register_moderation_target(app: Flask, name: str, target: ModerationTarget) -> None:
    registry(app).moderation_targets[name] = target


def register_upload_owner(app: Flask, name: str, find: Callable[[int], list[Any]],
                          can_read: Callable[[Any, Any], bool]) -> None:
    """A feature that attaches uploads says how to find the items using one and who may read them.
    `/uploads/<file>` is served only when some registered owner is readable by the requester."""
    registry(app).upload_owners[name] = UploadOwner(find, can_read)


def register_audit_action(app: Flask, name: str, label: Any, message: Any,
                          values: Callable[[Any], dict[str, Any]] | None = None) -> None:
    """A feature says how its audit action `name` reads; unknown actions read as a generic sentence."""
    registry(app).audit_actions[name] = AuditAction(label, message, values)
