"""Triage commands: assign an issue to a colleague of the responsible department (one or several at
once), internal notes. Each checks its predicate, changes state, audits and flushes."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import InvalidInput, PermissionDenied
from ..core.models import User
from ..core.sanitize import clean_text
from ..core.services import parse_id
from ..extensions import db
from . import permissions
from .models import NOTE_MAX, Issue, IssueNote
from .queries import get_issue

CHOOSE_COLLEAGUE = _l("Please choose a colleague of the responsible department.")


def _assignee(assignee_id: Any) -> User:
    user_id = parse_id(assignee_id)
    user = db.session.get(User, user_id) if user_id else None
    if user is None:
        raise InvalidInput(CHOOSE_COLLEAGUE, field="assignee_id")
    return user


def assign(official: User, issue: Issue, assignee_id: Any) -> Issue:
    """Hand the issue to `assignee_id` (the official themself or a colleague of the department)."""
    if not permissions.can_manage_issue(official, issue):
        raise PermissionDenied(permissions.ONLY_RESPONSIBLE_OFFICIALS)
    assignee = _assignee(assignee_id)
    if not permissions.can_assign_issue(official, issue, assignee):
        raise InvalidInput(permissions.ASSIGN_WITHIN_DEPARTMENT, field="assignee_id")
    old = issue.assignee_id
    if old == assignee.id:
        return issue
    issue.assignee_id = assignee.id
    db.session.flush()
    audit.record(official, "issue.assign", issue, before={"assignee_id": old}, after={"assignee_id": assignee.id})
    return issue


def unassign(official: User, issue: Issue) -> Issue:
    if not permissions.can_manage_issue(official, issue):
        raise PermissionDenied(permissions.ONLY_RESPONSIBLE_OFFICIALS)
    if issue.assignee_id is not None:
        audit.record(official, "issue.assign", issue, before={"assignee_id": issue.assignee_id},
                     after={"assignee_id": None})
        issue.assignee_id = None
        db.session.flush()
    return issue


def bulk_assign(official: User, issue_ids: list[int], assignee_id: Any) -> int:
    """The same assignee for several issues; all or nothing (one refused issue refuses them all)."""
    if not issue_ids:
        raise InvalidInput(_l("Please select at least one issue."), field="issue_ids")
    for issue_id in sorted(set(issue_ids)):
        assign(official, get_issue(issue_id), assignee_id)
    return len(set(issue_ids))


def add_note(official: User, issue: Issue, text: str | None) -> IssueNote:
    """An internal note: read by the city's staff only, never published."""
    if not permissions.can_add_issue_note(official, issue):
        raise PermissionDenied(permissions.NOTES_FOR_STAFF)
    text = clean_text(text).strip()
    if not text:
        raise InvalidInput(_l("Please write the note."), field="text")
    if len(text) > NOTE_MAX:
        raise InvalidInput(_l("At most %(max)d characters.", max=NOTE_MAX), field="text")
    note = IssueNote(issue_id=issue.id, author_id=official.id, text=text)
    db.session.add(note)
    db.session.flush()
    audit.record(official, "issue.note", issue, after={"note_id": note.id})
    return note
