"""Who may do what with street issues, and what a refused person reads.

Predicates are pure functions of (actor, object); services raise with the messages below when a
predicate says no, and views reuse the same messages for their early 403s.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..core.permissions import can_read, is_admin, is_official, is_signed_in
from ..core.types import Actor

if TYPE_CHECKING:
    from .models import Issue

# --- refusal messages: defined once -----------------------------------------------------------------
SIGN_IN_TO_REPORT = _l("Please sign in to report an issue.")
SIGN_IN_TO_UPDATE = _l("Please sign in to add an update.")
ONLY_RESPONSIBLE_OFFICIALS = _l("Only officials of the responsible department can change this issue.")
ONLY_REPORTER_REOPENS = _l("Only the person who reported this issue can reopen it.")
ONLY_OPEN_FIXED = _l("Only an open issue can be reported as fixed.")
NO_LONGER_OPEN = _l("This issue is no longer open.")
OWN_REPORT = _l("You reported this issue yourself.")
TRIAGE_FOR_OFFICIALS = _l("The triage page is for city officials.")
ONLY_DEPARTMENT_TEMPLATES = _l("Only officials of this department can manage its templates.")
ASSIGN_WITHIN_DEPARTMENT = _l("Only officials of the responsible department can be assigned this issue.")
NOTES_FOR_STAFF = _l("Internal notes are for the officials of the responsible department.")


def is_open(issue: Issue) -> bool:
    return issue.group == "open"


def is_reporter(user: Actor, issue: Issue) -> bool:
    return is_signed_in(user) and issue.reporter_id is not None and issue.reporter_id == user.id


def can_report_issue(user: Actor) -> bool:
    return is_signed_in(user)


def can_manage_issue(user: Actor, issue: Issue) -> bool:
    """Change status, reassign, assign: officials of the responsible department, and admins."""
    return is_admin(user) or is_official(user, issue.department_id)


def can_read_issue(user: Actor, issue: Issue) -> bool:
    """A hidden report stays readable for moderators and the officials who must handle it."""
    return can_read(user, issue, None) or can_manage_issue(user, issue)


def can_me_too(user: Actor, issue: Issue) -> bool:
    """Another resident with the same problem, while the issue is open."""
    return is_signed_in(user) and is_open(issue) and not is_reporter(user, issue)


def can_update_issue(user: Actor, issue: Issue) -> bool:
    """Anyone signed in may add a note or a photo."""
    return is_signed_in(user)


def can_mark_fixed(user: Actor, issue: Issue) -> bool:
    """Only the reporter (and the officials who handle it) mark an open report fixed directly."""
    return is_open(issue) and (is_reporter(user, issue) or can_manage_issue(user, issue))


def can_suggest_fixed(user: Actor, issue: Issue) -> bool:
    """Anyone else signed in says "I think it is fixed": the department and the reporter are told."""
    return is_signed_in(user) and is_open(issue) and not can_mark_fixed(user, issue)


def can_reopen_issue(user: Actor, issue: Issue) -> bool:
    """The reporter may reopen a fixed or closed issue (officials use a status change)."""
    return is_reporter(user, issue) and not is_open(issue)


def can_see_reporter(user: Actor, issue: Issue) -> bool:
    """The responsible department's officials and admins always see who reported; everyone else only
    when the reporter chose so."""
    return issue.show_name or can_see_reporter_contact(user, issue)


def can_triage(user: Actor) -> bool:
    return is_official(user) or is_admin(user)


def can_triage_department(user: Actor, department_id: int) -> bool:
    """Whose queue one may look at: one's own department's, or any for admins."""
    return is_admin(user) or is_official(user, department_id)


def can_manage_templates(user: Actor, department_id: int) -> bool:
    return is_admin(user) or is_official(user, department_id)


def can_be_assigned(assignee: Actor, issue: Issue) -> bool:
    """Only a member (official) of the responsible department handles an issue."""
    return is_official(assignee, issue.department_id)


def can_assign_issue(user: Actor, issue: Issue, assignee: Actor) -> bool:
    """Officials of the responsible department (and admins) hand it to a colleague of that department."""
    return can_manage_issue(user, issue) and can_be_assigned(assignee, issue)


def can_read_issue_notes(user: Actor, issue: Issue) -> bool:
    """Internal notes: the city's officials (a department the issue passed through may need them) and
    admins. Never residents, moderators or facilitators, never a public page, export, feed or API."""
    return is_official(user) or is_admin(user)


def can_add_issue_note(user: Actor, issue: Issue) -> bool:
    return can_manage_issue(user, issue)


def can_see_reporter_contact(user: Actor, issue: Issue) -> bool:
    """The reporter's name and e-mail address: officials of the responsible department and admins."""
    return is_admin(user) or is_official(user, issue.department_id)


def can_administer_issues(user: Actor) -> bool:
    """Categories, their routing per area and the areas themselves: administrators."""
    return is_admin(user)
