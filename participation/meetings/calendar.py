"""iCalendar (RFC 5545) for one meeting and for the subscribable feeds, and the check-in QR code.

Times are written in the city's timezone (DTSTART;TZID=Asia/Tokyo:...) with its VTIMEZONE; UIDs
are stable (`meeting-<id>@<host>`), so a calendar that subscribed updates the same event. The
online link is never written: a calendar file is public, and people forward them.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import request, url_for

from ..core import site
from ..core.i18n import localized
from .models import Meeting, MeetingType

if TYPE_CHECKING:  # icalendar and segno load when a calendar or a QR code is asked for
    from icalendar import Event

PRODID = "-//participation//meetings//JA"


def _uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@{request.host.split(':')[0] or 'participation'}"


def _event(meeting: Meeting, lang: str, tz: ZoneInfo) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", localized(meeting.title, lang))
    url = url_for("meetings.detail", meeting_id=meeting.id, _external=True)
    description = localized(meeting.description, lang)
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("url", url)
    if meeting.type != MeetingType.ONLINE and meeting.address:
        event.add("location", meeting.address)
        if meeting.has_location:
            event.add("geo", (meeting.latitude, meeting.longitude))
    elif meeting.type == MeetingType.ONLINE:
        event.add("location", "Online / オンライン")
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("sequence", int(meeting.updated_at.timestamp()) // 60 % 2**31)
    return event


def calendar(meetings: Iterable[Meeting], lang: str, name: str) -> bytes:
    from icalendar import Calendar

    tz = ZoneInfo(site.get("CITY_TIMEZONE"))
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(tz))
    for meeting in meetings:
        cal.add_component(_event(meeting, lang, tz))
    cal.add_missing_timezones()
    return cal.to_ical()


def qr_svg(data: str) -> bytes:
    """An SVG QR code (no script, no inline style): served as a file with its own content type."""
    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=True, svgns=True,
                                     title="QR", dark="#000", light="#fff")
    return out.getvalue()
