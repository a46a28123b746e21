"""The registration list as CSV (organisers only; the export is written to the audit log).

UTF-8 with BOM for Excel; cells that a spreadsheet would run as a formula are neutralised.
Never contains the online link.
"""
from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from ..core import audit, site
from ..core.i18n import localized
from ..core.models import User
from . import registrations
from .models import STATUS_LABELS, Meeting, MeetingQuestion

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str | int:
    """CSV injection guard: a text starting like a formula gets a leading apostrophe."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _answer(question: MeetingQuestion, given: dict | None, lang: str) -> str:
    if not given:
        return ""
    if "text" in given:
        return str(given["text"])
    labels = {c.id: localized(c.label, lang) for c in question.options}
    return "; ".join(labels.get(i, "") for i in given.get("choices", []))


def registrations_csv(actor: User, meeting: Meeting, lang: str = "ja") -> str:
    rows = registrations.registrations(actor, meeting)  # checks the permission
    tz = ZoneInfo(site.get("CITY_TIMEZONE"))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    questions = meeting.questions
    writer.writerow(["registration_id", "name", "email", "status", "code", "registered_at", "checked_in_at",
                     *(safe_cell(localized(q.text, lang)) for q in questions)])
    for r in rows:
        writer.writerow([safe_cell(v) for v in (
            r.id, r.user.display_name, r.user.email, str(STATUS_LABELS[r.status]), r.display_code,
            r.queued_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            r.checked_in_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
            *(_answer(q, (r.answers or {}).get(str(q.id)), lang) for q in questions))])
    audit.record(actor, "meeting.export", meeting)
    return out.getvalue()
