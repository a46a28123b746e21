"""How a route describes itself for the OpenAPI document: `@documented(...)` on the view.

The document (`openapi.py`) is generated from the URL map and these descriptions, so a route
without one is visible in a test, and the document never lists a route that does not exist.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Operation:
    tag: str
    summary: str
    params: Sequence[str] = ()
    form: Sequence[str] = ()
    schema: str | None = None  # a component schema of the 200 response
    many: bool = False  # the response is {"items": [schema...], "next": ...}
    media_type: str = "application/json"
    writes: bool = False
    body: str | None = None  # a component schema of the JSON request body (token writes)
    status: int = 200
    extra: dict[str, Any] = field(default_factory=dict)


def documented(tag: str, summary: str, **options: Any) -> Callable:
    def decorate(view: Callable) -> Callable:
        view.openapi = Operation(tag, summary, **options)  # type: ignore[attr-defined]
        return view

    return decorate
