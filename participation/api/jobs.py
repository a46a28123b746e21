"""The daily open data build (the first request of a day builds it when no worker runs)."""
from __future__ import annotations

from flask import current_app

from ..core import jobs


@jobs.periodic_task(jobs.crontab(hour="3", minute="10"))
def build_open_data() -> None:
    """Rebuild today's files: CSV, GeoJSON, the catalogue and the zip (idempotent)."""
    from .opendata import build

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    build(app, app.config.get("PUBLIC_BASE_URL") or "http://localhost")
