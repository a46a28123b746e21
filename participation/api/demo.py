"""Demo: an API key for a residents' app, so Open311 can be tried at once (printed by seed-demo)."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import ApiKey
from .services import create_key

DEMO_NAME = "まちレポ（デモアプリ）"


def seed() -> str | None:
    if db.session.scalar(select(ApiKey.id).where(ApiKey.name == DEMO_NAME)) is not None:
        return None
    _row, key = create_key(None, {"name": DEMO_NAME, "contact": "dev@example.jp"}, check=False)
    return f"API key for the demo app (Open311 POST /open311/v2/requests.json): {key}"
