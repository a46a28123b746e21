"""Departments hear of new and reopened reports at their contact address (in the city's language)
and, if they opted in on /account/notifications, their officials do too (in their own language).
Every morning at 07:00 city time, each department with a contact address gets the list of its
reports still open after OVERDUE_DAYS (config ISSUE_OVERDUE_DAYS) days.

The issues feature is read only through the signal's issue object and its `issues` table by name.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..core import clock, jobs, mail, site
from ..core.i18n import localized
from ..core.mail_notifications import OFFICIAL_TOPIC, officials_wanting_department_mail
from ..core.models import Department
from ..extensions import db

# The fixed and closed statuses of street issues (REFERENCE.md): a move out of them is a reopening.
DONE_STATUSES = frozenset({"fixed", "fixed_by_reporter", "unable_to_fix", "not_responsible", "duplicate",
                           "internal_referral"})
DIGEST_HOUR = 7


def _tell_department(issue: Any, name: str) -> None:
    department = getattr(issue, "department", None)
    if department is None:
        return
    context = dict(title=issue.title, issue_id=issue.id, department=department, details=issue.details,
                   address=issue.address or f"{issue.latitude:.5f}, {issue.longitude:.5f}",
                   link=mail.external_url("issues.detail", issue_id=issue.id))
    if department.contact_email:
        mail.queue(department.contact_email, name, lang=current_app.config["BABEL_DEFAULT_LOCALE"], **context)
    for official in officials_wanting_department_mail(department.id):
        if official.email != department.contact_email:
            mail.queue(official.email, name, user=official, unsubscribe=OFFICIAL_TOPIC, **context)


def on_issue_reported(app: Any, issue: Any, **_: Any) -> None:
    _tell_department(issue, "department_new_report")


def on_issue_status_changed(app: Any, issue: Any, old: Any = None, new: Any = None, **_: Any) -> None:
    if old is not None and str(old) in DONE_STATUSES and str(new) not in DONE_STATUSES:
        _tell_department(issue, "department_reopened")


def send_overdue_digests(now: Any = None) -> int:
    """Queue each department's list of overdue open reports; at 07:00 city time only; idempotent."""
    from zoneinfo import ZoneInfo

    now = now or clock.now()
    local = now.astimezone(ZoneInfo(site.get("CITY_TIMEZONE")))
    if local.hour != DIGEST_HOUR:
        return 0
    days = int(current_app.config.get("ISSUE_OVERDUE_DAYS", 5))
    issues = db.metadata.tables["issues"]
    lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    sent = 0
    for department in db.session.scalars(select(Department).where(Department.contact_email.is_not(None))):
        rows = db.session.execute(select(issues.c.id, issues.c.title, issues.c.created_at).where(
            issues.c.department_id == department.id, issues.c.status.not_in(DONE_STATUSES),
            issues.c.hidden_at.is_(None), issues.c.created_at < now - timedelta(days=days))
            .order_by(issues.c.created_at).limit(200)).all()
        if not rows:
            continue
        items = [(row.id, row.title, mail.external_url("issues.detail", issue_id=row.id)) for row in rows]
        if mail.queue(department.contact_email or "", "department_overdue", lang=lang, items=items, days=days,
                      department_name=localized(department.name, lang),
                      dedupe_key=f"overdue:{department.id}:{local.date().isoformat()}"):
            sent += 1
    return sent


@jobs.periodic_task(jobs.crontab(minute="0"))
def overdue_digests() -> None:
    send_overdue_digests()
    db.session.commit()
