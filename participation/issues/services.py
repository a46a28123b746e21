"""Street issue commands: report (with the nearby-duplicate check), me too, updates, status, triage,
response templates. Each checks its permission predicate, changes state, audits, notifies, flushes."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..core import audit, clock, notifications, signals, uploads
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, ServiceError
from ..core.i18n import localized
from ..core.models import Department, Role, RoleAssignment, User
from ..core.permissions import is_admin, is_official, is_signed_in
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post, lock_row, parse_id
from ..core.types import Actor, Translated
from ..extensions import db
from . import category_questions, permissions
from .areas import area_at, responsible_department
from .locating import PlaceChoice, locate  # noqa: F401 (PlaceChoice: the views catch it as services.PlaceChoice)
from .models import (
    ADDRESS_MAX,
    DETAILS_MAX,
    NOTE_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Issue,
    IssuePhoto,
    IssueUpdate,
    MeToo,
    ResponseTemplate,
    Status,
)
from .queries import Nearby, get_category, get_issue, nearby_open_issues

PHOTOS_PER_UPDATE = 3
CHOOSE_STATUS = _l("Please choose a status.")
ONLY_REPORTER_CLOSES = _l("Only the person who reported this issue (or the responsible officials) can mark "
                          "it fixed. Tell them you think it is fixed instead.")


# --- reporting ----------------------------------------------------------------------------------

class NearbyReportsFirst(Conflict):
    """Open reports of the category nearby that the reporter has not been shown: show them first."""

    def __init__(self, values: dict[str, Any], found: list[Nearby]):
        super().__init__(_l("Reports nearby have just been filed. Please check them first."))
        self.values = values
        self.found = found


def validate_place(data: dict[str, Any]) -> dict[str, Any]:
    """Step one of a report: a category and a place inside the city (a point, or an address to resolve)."""
    category = get_category(data.get("category_id"))
    lat, lon = locate(data)
    address = " ".join(clean_text(data.get("address")).split())[:ADDRESS_MAX] or None
    return dict(category=category, latitude=lat, longitude=lon, area=area_at(lat, lon), address=address)


def validate_report(data: dict[str, Any]) -> dict[str, Any]:
    values = validate_place(data)
    title = " ".join(clean_text(data.get("title")).split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise InvalidInput(_l("The title must be between %(min)d and %(max)d characters long.",
                              min=TITLE_MIN, max=TITLE_MAX), field="title")
    details = clean_text(data.get("details")).strip()
    if len(details) > DETAILS_MAX:
        raise InvalidInput(_l("The details can be at most %(max)d characters long.", max=DETAILS_MAX),
                           field="details")
    return dict(values, title=title, details=details)


def report_issue(reporter: User, data: dict[str, Any], *, shown_nearby: Collection[int] | None = None) -> Issue:
    """File a report, routed to the responsible department of its area; the reporter follows it.

    `shown_nearby`: the ids of the nearby open reports the reporter has seen. When given, a report
    is only filed once every open report of the category nearby has been shown (else
    NearbyReportsFirst carries them); None skips the check (imports, tests)."""
    if not permissions.can_report_issue(reporter):
        raise PermissionDenied(permissions.SIGN_IN_TO_REPORT)
    ensure_can_post(reporter)
    values = validate_report(data)
    answers = category_questions.check(values["category"], data.get("answers"))  # AnswerErrors per question
    if shown_nearby is not None:
        found = nearby_open_issues(values["category"].id, values["latitude"], values["longitude"])
        if any(n.issue.id not in shown_nearby for n in found):
            raise NearbyReportsFirst(values, found)
    category, area = values["category"], values["area"]
    issue = Issue(category_id=category.id, department_id=responsible_department(category, area),
                  area_id=area.id if area else None, reporter_id=reporter.id, title=values["title"],
                  details=values["details"], address=values["address"], latitude=values["latitude"],
                  longitude=values["longitude"], show_name=bool(data.get("show_name")),
                  language=data.get("language") or "ja", status=Status.OPEN, answers=answers)
    db.session.add(issue)
    db.session.flush()
    for position, upload in enumerate(uploads.save_images(data.get("photos") or [], reporter)):
        db.session.add(IssuePhoto(issue_id=issue.id, upload=upload, position=position))
    db.session.flush()
    notifications.follow(reporter, issue)
    signals.send(signals.issue_reported, issue=issue)
    return issue


def _me_too_refusal(user: Actor, issue: Issue) -> ServiceError:
    """Why `can_me_too` said no, in the words the resident reads."""
    if not is_signed_in(user):
        return PermissionDenied(permissions.SIGN_IN_TO_REPORT)
    if not permissions.is_open(issue):
        return Conflict(permissions.NO_LONGER_OPEN)
    return Conflict(permissions.OWN_REPORT)


def me_too(user: User, issue: Issue) -> Issue:
    """Count once per resident, and follow the issue."""
    if not permissions.can_me_too(user, issue):
        raise _me_too_refusal(user, issue)
    ensure_can_post(user, on=issue)
    lock_row(Issue, issue.id)
    try:
        with db.session.begin_nested():
            db.session.add(MeToo(issue_id=issue.id, user_id=user.id))
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("You already said you have this problem too.")) from None
    db.session.execute(update(Issue).where(Issue.id == issue.id).values(
        metoo_count=select(func.count(MeToo.id)).where(MeToo.issue_id == issue.id).scalar_subquery()))
    db.session.refresh(issue, ["metoo_count"])
    notifications.follow(user, issue)
    return issue


# --- updates and status ---------------------------------------------------------------------------

def _author_role(user: User, issue: Issue) -> tuple[str, int | None]:
    if is_official(user, issue.department_id):
        return "official", issue.department_id
    if is_official(user):
        department = next((a.department_id for a in user.roles if a.role == Role.OFFICIAL), None)
        return "official", department
    if is_admin(user):
        return "admin", None
    if issue.reporter_id == user.id:
        return "reporter", None
    return "resident", None


def _clean_note(text: str | None, *, required: bool = False) -> str:
    text = clean_text(text).strip()
    if required and not text:
        raise InvalidInput(_l("Please write a public note explaining this change."), field="note")
    if len(text) > NOTE_MAX:
        raise InvalidInput(_l("The note can be at most %(max)d characters long.", max=NOTE_MAX), field="note")
    return text


def _note_or_template(note: str | None, template_id: Any, department_id: int | None) -> str:
    """The typed note, or else the chosen response template of the department, in this language."""
    note = note or ""
    if not note.strip() and template_id:
        template_id = parse_id(template_id)
        template = db.session.get(ResponseTemplate, template_id) if template_id else None
        if template is None or template.department_id != department_id:
            raise InvalidInput(_l("This template does not exist."), field="template_id")
        note = localized(template.text)
    return note


def _add_update(user: User, issue: Issue, text: str, *, old_status: str | None = None,
                new_status: str | None = None, new_department_id: int | None = None,
                photos: list[Any] | None = None) -> IssueUpdate:
    role, department_id = _author_role(user, issue)
    entry = IssueUpdate(issue_id=issue.id, author_id=user.id, author_role=role,
                        author_department_id=department_id, text=text, old_status=old_status,
                        new_status=new_status, new_department_id=new_department_id)
    db.session.add(entry)
    db.session.flush()
    for position, upload in enumerate(uploads.save_images(photos or [], user, limit=PHOTOS_PER_UPDATE)):
        db.session.add(IssuePhoto(issue_id=issue.id, update_id=entry.id, upload=upload, position=position))
    if role == "official" and issue.acknowledged_at is None and (new_status or new_department_id or text):
        issue.acknowledged_at = clock.now()
    if role in ("official", "admin"):
        issue.reopened_at = None  # an official has looked at it again
    issue.updated_at = clock.now()
    db.session.flush()
    return entry


def _notify_status(user: User, issue: Issue, old: str | None = None, note: str | None = None) -> None:
    data = {"title": issue.title, "status": issue.status, **({"note": note} if note else {})}
    notifications.notify_followers(issue, "issue.status", data, exclude=user)
    signals.send(signals.issue_status_changed, issue=issue, old=old, new=issue.status)


def add_update(user: User, issue: Issue, text: str | None, photos: list[Any] | None = None) -> IssueUpdate:
    if not permissions.can_update_issue(user, issue):
        raise PermissionDenied(permissions.SIGN_IN_TO_UPDATE)
    ensure_can_post(user, on=issue)
    text = _clean_note(text)
    if not text and not [p for p in photos or [] if getattr(p, "filename", None)]:
        raise InvalidInput(_l("Please write something or attach a photo."), field="note")
    entry = _add_update(user, issue, text, photos=photos)
    notifications.notify_followers(issue, "issue.updated", {"title": issue.title}, exclude=user)
    return entry


def mark_fixed(user: User, issue: Issue, text: str | None, photos: list[Any] | None = None) -> IssueUpdate:
    """The reporter (or an official of the department) says it is fixed: the report is closed."""
    if not permissions.can_mark_fixed(user, issue):
        raise PermissionDenied(permissions.ONLY_OPEN_FIXED if not permissions.is_open(issue)
                               else ONLY_REPORTER_CLOSES)
    ensure_can_post(user, on=issue)
    text = _clean_note(text)
    old = issue.status
    issue.move_to(Status.FIXED_BY_REPORTER)
    entry = _add_update(user, issue, text, old_status=old, new_status=issue.status, photos=photos)
    _notify_status(user, issue, old)
    return entry


def suggest_fixed(user: User, issue: Issue, text: str | None, photos: list[Any] | None = None) -> IssueUpdate:
    """Someone else thinks it is fixed: a public update (the report stays open) that the
    department's officials and the reporter are told about, so they can check and close it."""
    if not permissions.can_suggest_fixed(user, issue):
        raise PermissionDenied(permissions.ONLY_OPEN_FIXED)
    ensure_can_post(user, on=issue)
    entry = _add_update(user, issue, _clean_note(text), photos=photos)
    entry.suggests_fixed = True
    db.session.flush()
    people = [*_department_officials(issue), issue.reporter_id]
    notifications.notify_users([p for p in people if p and p != user.id], issue, "issue.fixed_suggested",
                               {"title": issue.title})
    return entry


def _department_officials(issue: Issue) -> list[int]:
    """Who handles the issue: the assigned official and the responsible department's officials."""
    officials = db.session.scalars(select(RoleAssignment.user_id).where(
        RoleAssignment.role == Role.OFFICIAL, RoleAssignment.department_id == issue.department_id))
    return [uid for uid in dict.fromkeys([issue.assignee_id, *officials]) if uid]


def reopen(user: User, issue: Issue, reason: str | None) -> IssueUpdate:
    if not permissions.can_reopen_issue(user, issue):
        raise PermissionDenied(permissions.ONLY_REPORTER_REOPENS)
    ensure_can_post(user)
    reason = _clean_note(reason, required=True)
    old = issue.status
    issue.reopen()
    issue.reopened_at = clock.now()  # first in triage until an official acts on it
    entry = _add_update(user, issue, reason, old_status=old, new_status=issue.status)
    _notify_status(user, issue, old)
    handlers = [uid for uid in _department_officials(issue) if uid != user.id]
    notifications.notify_users(handlers, issue, "issue.reopened", {"title": issue.title})
    return entry


def change_status(official: User, issue: Issue, status: Status | str, note: str | None, *,
                  template_id: Any = None, duplicate_of_id: Any = None,
                  photos: list[Any] | None = None) -> IssueUpdate:
    """Officials of the responsible department (and admins), always with a public update. An empty
    note is replaced by the response template `template_id` of the issue's department, if given."""
    if not permissions.can_manage_issue(official, issue):
        raise PermissionDenied(permissions.ONLY_RESPONSIBLE_OFFICIALS)
    note = _note_or_template(note, template_id, issue.department_id)
    try:
        target = Status(status)
    except ValueError:
        raise InvalidInput(CHOOSE_STATUS, field="status") from None
    if target is Status.FIXED_BY_REPORTER:
        raise InvalidInput(CHOOSE_STATUS, field="status")
    note = _clean_note(note, required=target.group in ("fixed", "closed"))  # say what was done
    original = None
    if target is Status.DUPLICATE:
        try:
            original = get_issue(duplicate_of_id)
        except NotFound:
            raise InvalidInput(_l("Please give the number of the original issue."), field="duplicate_of_id") from None
    old = issue.status
    issue.move_to(target, duplicate_of=original)
    entry = _add_update(official, issue, note, old_status=old, new_status=issue.status, photos=photos)
    audit.record(official, "issue.status", issue, before={"status": old},
                 after={"status": issue.status, "note": note, "duplicate_of_id": issue.duplicate_of_id})
    _notify_status(official, issue, old, note)
    return entry


def bulk_change_status(official: User, issue_ids: list[int], status: Status | str, note: str | None, *,
                       template_id: Any = None, department_id: int | None = None) -> int:
    """The same status change and note on several issues; all or nothing. An empty note is replaced
    by the response template `template_id` of `department_id` (the triage queue's), if given."""
    note = _note_or_template(note, template_id, department_id)
    if not issue_ids:
        raise InvalidInput(_l("Please select at least one issue."), field="issue_ids")
    changed = 0
    for issue_id in sorted(set(issue_ids)):
        change_status(official, get_issue(issue_id), status, note)
        changed += 1
    return changed


def reassign(official: User, issue: Issue, department_id: Any, note: str | None) -> IssueUpdate:
    if not permissions.can_manage_issue(official, issue):
        raise PermissionDenied(permissions.ONLY_RESPONSIBLE_OFFICIALS)
    department_id = parse_id(department_id)
    department = db.session.get(Department, department_id) if department_id else None
    if department is None:
        raise InvalidInput(_l("Please choose a department."), field="department_id")
    if department.id == issue.department_id:
        raise InvalidInput(_l("The issue is already with this department."), field="department_id")
    note = _clean_note(note, required=True)
    old = issue.department_id
    entry = _add_update(official, issue, note, new_department_id=department.id)
    issue.department_id = department.id
    issue.assignee_id = None
    db.session.flush()
    audit.record(official, "issue.reassign", issue, before={"department_id": old},
                 after={"department_id": department.id, "note": note})
    return entry


def assign_to_me(official: User, issue: Issue) -> Issue:
    if not permissions.can_manage_issue(official, issue):
        raise PermissionDenied(permissions.ONLY_RESPONSIBLE_OFFICIALS)
    if not permissions.can_be_assigned(official, issue):  # an admin outside the department
        raise InvalidInput(permissions.ASSIGN_WITHIN_DEPARTMENT, field="assignee_id")
    issue.assignee_id = official.id
    db.session.flush()
    audit.record(official, "issue.assign", issue, after={"assignee_id": official.id})
    return issue


# --- response templates ---------------------------------------------------------------------------

def add_template(official: User, department_id: int, status: Status | str, title: Translated,
                 text: Translated) -> ResponseTemplate:
    if not permissions.can_manage_templates(official, department_id):
        raise PermissionDenied(permissions.ONLY_DEPARTMENT_TEMPLATES)
    try:
        Status(status)
    except ValueError:
        raise InvalidInput(CHOOSE_STATUS, field="status") from None
    if not (title.get("ja") or "").strip() or not (text.get("ja") or "").strip():
        raise InvalidInput(_l("Please enter the title and the text in Japanese."), field="title_ja")
    template = ResponseTemplate(department_id=department_id, status=status, title=title, text=text)
    db.session.add(template)
    db.session.flush()
    audit.record(official, "issue.template.create", template, after={"status": status, "title": title})
    return template


def delete_template(official: User, template_id: int) -> None:
    template = db.session.get(ResponseTemplate, template_id)
    if template is None:
        raise NotFound(_l("This template does not exist."))
    if not permissions.can_manage_templates(official, template.department_id):
        raise PermissionDenied(permissions.ONLY_DEPARTMENT_TEMPLATES)
    audit.record(official, "issue.template.delete", template, before={"title": template.title})
    db.session.delete(template)
    db.session.flush()
