"""Reads of meetings and participatory budgets for the JSON API, through those features' models and
their own visibility predicates (the documented interface in tests/core/test_structure.py).

Never shown: online meeting links (they go to registered people only), registrations, ballots, and
budget vote counts before the budget's results are public.
"""
from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import Select, select

from ..budgets.models import Budget, Project
from ..budgets.permissions import can_view_budget_results
from ..core.i18n import localized
from ..extensions import db
from ..meetings.models import Meeting
from ..processes.models import Process, ProcessStatus


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def public_meetings(args: Any) -> Select:
    query = (select(Meeting).outerjoin(Process, Process.id == Meeting.process_id)
             .where((Meeting.process_id.is_(None)) | (Process.status != ProcessStatus.DRAFT)))
    slug = args.get("process")
    if slug:
        query = query.where(Process.slug == slug)
    return query


def meeting_dict(meeting: Meeting) -> dict[str, Any]:
    return {"id": meeting.id, "process_id": meeting.process_id, "title": localized(meeting.title),
            "description": localized(meeting.description), "type": str(meeting.type), "kind": str(meeting.kind),
            "state": str(meeting.state), "starts_at": _iso(meeting.starts_at), "ends_at": _iso(meeting.ends_at),
            "address": meeting.address, "latitude": meeting.latitude, "longitude": meeting.longitude,
            "organiser": localized(meeting.organiser), "accessibility": list(meeting.accessibility or []),
            "capacity": meeting.capacity, "registered_count": meeting.registered_count,
            "minutes": localized(meeting.minutes) if meeting.minutes_published_at else None,
            "attendance_count": meeting.attendance_count if meeting.minutes_published_at else None,
            "url": url_for("meetings.detail", meeting_id=meeting.id, _external=True)}


def budgets(process: Process) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Budget).where(Budget.process_id == process.id)
                              .order_by(Budget.position, Budget.id))
    return [budget_dict(b) for b in rows]


def budget_dict(budget: Budget) -> dict[str, Any]:
    results = can_view_budget_results(None, budget)
    projects = db.session.scalars(select(Project).where(Project.budget_id == budget.id)
                                  .order_by(Project.position, Project.id))
    return {"id": budget.id, "title": localized(budget.title), "description": localized(budget.description),
            "total": budget.total, "rule": str(budget.rule), "results_public": results,
            "ballots_count": budget.ballots_count if results else None,
            "projects": [{"id": p.id, "title": localized(p.title), "description": localized(p.description),
                          "cost": p.cost, "area": p.area, "category": p.category, "address": p.address,
                          "latitude": p.latitude, "longitude": p.longitude,
                          "votes_count": p.votes_count if results else None,
                          "selected": p.selected if budget.selected_at is not None else None,
                          "selection_note": p.selection_note if budget.selected_at is not None else None}
                         for p in projects]}
