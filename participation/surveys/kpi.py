"""Facts for the KPI roll-up (core.signals.kpi_facts): survey responses."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..core.signals import Fact
from ..extensions import db
from .models import Response, Survey


def facts(app: Any, since: datetime | None = None, **_: Any) -> Iterator[Fact]:
    query = (select(Response.user_id, Survey.process_id, Response.created_at)
             .join(Survey, Survey.id == Response.survey_id))
    if since is not None:
        query = query.where(Response.created_at >= since)
    for user_id, process_id, created_at in db.session.execute(query):
        yield Fact("survey_responses", created_at, user_id=user_id, process_id=process_id)
