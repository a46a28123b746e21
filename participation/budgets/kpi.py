"""Facts for the KPI roll-up (core.signals.kpi_facts): budget ballots cast (checked out)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..core.signals import Fact
from ..extensions import db
from .models import Ballot, Budget


def facts(app: Any, since: datetime | None = None, **_: Any) -> Iterator[Fact]:
    query = (select(Ballot.user_id, Budget.process_id, Ballot.checked_out_at)
             .join(Budget, Budget.id == Ballot.budget_id).where(Ballot.checked_out_at.is_not(None)))
    if since is not None:
        query = query.where(Ballot.checked_out_at >= since)
    for user_id, process_id, checked_out_at in db.session.execute(query):
        yield Fact("budget_ballots", checked_out_at, user_id=user_id, process_id=process_id)
