"""Who may do what with street issues."""
from __future__ import annotations

from typing import Any

from ..core.permissions import can_read, is_admin, is_official, is_signed_in


def can_report_issue(user: Any) -> bool:
    return is_signed_in(user)


def can_manage_issue(user: Any, issue: Any) -> bool:
    """Change status, reassign, assign: officials of the responsible department, and admins."""
    return is_admin(user) or is_official(user, issue.department_id)


def can_read_issue(user: Any, issue: Any) -> bool:
    """A hidden report stays readable for moderators and the officials who must handle it."""
    return can_read(user, issue, None) or can_manage_issue(user, issue)


def can_me_too(user: Any, issue: Any) -> bool:
    """Another resident with the same problem, while the issue is open."""
    return is_signed_in(user) and issue.group == "open" and issue.reporter_id != user.id


def can_update_issue(user: Any, issue: Any) -> bool:
    """Anyone signed in may add a note or a photo."""
    return is_signed_in(user)


def can_mark_fixed(user: Any, issue: Any) -> bool:
    return is_signed_in(user) and issue.group == "open"


def can_reopen_issue(user: Any, issue: Any) -> bool:
    """The reporter may reopen a fixed or closed issue (officials use a status change)."""
    return (is_signed_in(user) and issue.reporter_id is not None and issue.reporter_id == user.id
            and issue.group != "open")


def can_see_reporter(user: Any, issue: Any) -> bool:
    """Officials and admins always see who reported; the public only when the reporter chose so."""
    return issue.show_name or is_official(user) or is_admin(user)


def can_triage(user: Any) -> bool:
    return is_official(user) or is_admin(user)


def can_manage_templates(user: Any, department_id: int) -> bool:
    return is_admin(user) or is_official(user, department_id)
