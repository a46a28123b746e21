"""Facts for the KPI roll-up (core.signals.kpi_facts): meeting registrations and attendance."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..core.signals import Fact
from ..extensions import db
from .models import Meeting, Registration, RegistrationStatus


def facts(app: Any, since: datetime | None = None, **_: Any) -> Iterator[Fact]:
    query = (select(Registration.user_id, Meeting.process_id, Registration.created_at, Registration.status,
                    Registration.checked_in_at)
             .join(Meeting, Meeting.id == Registration.meeting_id))
    if since is not None:
        query = query.where((Registration.created_at >= since) | (Registration.checked_in_at >= since))
    for user_id, process_id, created_at, status, checked_in_at in db.session.execute(query):
        if status != RegistrationStatus.CANCELLED and (since is None or created_at >= since):
            yield Fact("meeting_registrations", created_at, user_id=user_id, process_id=process_id)
        if checked_in_at is not None and (since is None or checked_in_at >= since):
            yield Fact("meeting_attendance", checked_in_at, user_id=user_id, process_id=process_id)
