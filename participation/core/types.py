"""Shared type aliases and column types.

- `Translated`: a staff-written text in several languages, stored as JSON `{"ja": ..., "en": ...}`
  and read through `core.i18n.localized` (Jinja filter `|l10n`).
- `Actor`: whoever makes a request: a signed-in `User`, Flask-Login's anonymous user, or None
  (CLI commands and jobs). Permission predicates accept an `Actor`; services that need an account
  take a `User`.
- `enum_column(Enum, name)`: an enum stored as its string value (never as a native database type),
  with a CHECK constraint listing the values, named through the metadata naming convention.
"""
from __future__ import annotations

import enum
from typing import TYPE_CHECKING, TypeAlias

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

if TYPE_CHECKING:
    from .models import User

Translated: TypeAlias = dict[str, str]
Actor: TypeAlias = "User | AnonymousUserMixin | None"


def enum_column(enum_class: type[enum.Enum], name: str, length: int = 20) -> sa.Enum:
    """A non-native Enum type storing `member.value`, checked by a constraint called `name`."""
    return sa.Enum(enum_class, native_enum=False, create_constraint=True, length=length, name=name,
                   values_callable=lambda members: [m.value for m in members], validate_strings=True)
