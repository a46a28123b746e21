"""Reading meetings: look-ups that 404, the calendar list with its filters, map data, linked proposals."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from ..core import clock
from ..core.errors import NotFound
from ..core.i18n import localized
from ..core.types import Actor
from ..extensions import db
from ..processes.models import Process, ProcessStatus
from . import permissions
from .models import Accessibility, Meeting, MeetingKind, MeetingProposal, MeetingType

PAGE_SIZE = 50
CALENDAR_PAST = timedelta(days=90)  # how far back the iCalendar feeds reach


def get_meeting(meeting_id: int, user: Actor) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not permissions.can_view_meeting(user, meeting):
        raise NotFound(_l("This meeting does not exist."))
    return meeting


@dataclass
class Filters:
    timing: str = "upcoming"  # upcoming | past
    process: Process | None = None
    kind: str | None = None
    online: str | None = None  # "online" (online or hybrid) | "in_person" (in person or hybrid)
    accessibility: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        timing = args.get("timing", "upcoming")
        kind = args.get("kind") or None
        online = args.get("online") or None
        slug = (args.get("process") or "")[:80]
        process = db.session.scalar(select(Process).where(Process.slug == slug,
                                                          Process.status != ProcessStatus.DRAFT)) if slug else None
        return cls(timing=timing if timing in ("upcoming", "past") else "upcoming", process=process,
                   kind=kind if kind in set(MeetingKind) else None,
                   online=online if online in ("online", "in_person") else None,
                   accessibility=[a for a in args.getlist("accessibility") if a in set(Accessibility)][:10])

    def as_args(self) -> dict[str, Any]:
        return {k: v for k, v in {"timing": self.timing, "process": self.process.slug if self.process else None,
                                  "kind": self.kind, "online": self.online,
                                  "accessibility": self.accessibility or None}.items() if v}


def _public() -> Select[Meeting]:
    """Meetings anyone may see: city-wide ones and those of processes that are not drafts."""
    return (select(Meeting).outerjoin(Process, Meeting.process_id == Process.id)
            .where(or_(Meeting.process_id.is_(None), Process.status != ProcessStatus.DRAFT)))


def list_meetings(filters: Filters, limit: int = PAGE_SIZE) -> list[Meeting]:
    now = clock.now()
    query = _public()
    if filters.timing == "past":
        query = query.where(Meeting.ends_at <= now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    else:
        query = query.where(Meeting.ends_at > now).order_by(Meeting.starts_at, Meeting.id)
    if filters.process is not None:
        query = query.where(Meeting.process_id == filters.process.id)
    if filters.kind:
        query = query.where(Meeting.kind == filters.kind)
    if filters.online == "online":
        query = query.where(Meeting.type != MeetingType.IN_PERSON)
    elif filters.online == "in_person":
        query = query.where(Meeting.type != MeetingType.ONLINE)
    meetings = list(db.session.scalars(query.limit(limit * 4 if filters.accessibility else limit)))
    if filters.accessibility:  # a JSON list: filtered here, portable across databases
        wanted = set(filters.accessibility)
        meetings = [m for m in meetings if wanted <= set(m.accessibility or [])][:limit]
    return meetings


def calendar_meetings(process: Process | None = None, limit: int = 500) -> list[Meeting]:
    """For the iCalendar feeds: recent and coming meetings (cancelled ones too, marked so)."""
    query = _public().where(Meeting.ends_at > clock.now() - CALENDAR_PAST)
    if process is not None:
        query = query.where(Meeting.process_id == process.id)
    return list(db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id).limit(limit)))


def process_meetings(process: Process) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.process_id == process.id)
                                   .order_by(Meeting.starts_at.desc(), Meeting.id.desc())))


def managed_meetings(user: Actor, limit: int = 200) -> list[Meeting]:
    query = select(Meeting).order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(limit)
    return [m for m in db.session.scalars(query) if permissions.can_manage_meeting(user, m)]


def geojson(bbox: tuple[float, float, float, float] | None, meeting_id: int | None = None) -> dict[str, Any]:
    """Upcoming meetings with a place, or the one asked for (never an online link)."""
    query = _public().where(Meeting.latitude.is_not(None))
    if meeting_id is not None:
        query = query.where(Meeting.id == meeting_id)
    else:
        query = query.where(Meeting.ends_at > clock.now(), Meeting.state == "scheduled")
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        query = query.where(Meeting.longitude.between(min_lon, max_lon), Meeting.latitude.between(min_lat, max_lat))
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [m.longitude, m.latitude]},
                 "properties": {"id": m.id, "title": localized(m.title),
                                "url": url_for("meetings.detail", meeting_id=m.id)}}
                for m in db.session.scalars(query.order_by(Meeting.starts_at).limit(500))]
    return {"type": "FeatureCollection", "features": features}


def linked_proposals(meeting: Meeting) -> list[dict[str, Any]]:
    """The proposals raised at the meeting, read through the shared metadata; hidden ones left out."""
    proposals = db.metadata.tables["proposals"]
    rows = db.session.execute(
        select(MeetingProposal.id, proposals.c.id.label("proposal_id"), proposals.c.title, proposals.c.state)
        .join(proposals, proposals.c.id == MeetingProposal.proposal_id)
        .where(MeetingProposal.meeting_id == meeting.id, proposals.c.hidden_at.is_(None))
        .order_by(MeetingProposal.id)).all()
    return [{"link_id": r.id, "id": r.proposal_id, "title": r.title, "state": r.state} for r in rows]


def meetings_count(process: Process) -> int:
    return db.session.scalar(select(func.count(Meeting.id)).where(Meeting.process_id == process.id)) or 0


def has_upcoming(process: Process) -> bool:
    return db.session.scalar(select(Meeting.id).where(Meeting.process_id == process.id,
                                                      Meeting.ends_at > clock.now()).limit(1)) is not None
