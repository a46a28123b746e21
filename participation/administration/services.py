"""Commands of the administration pages: departments and their members, roles, confirmation mail.

Role changes go through core's grant/revoke services (the same ones `flask users` uses); blocking
stays with the moderation pages (their rules: justification, hiding, notification)."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit, services
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.models import Department, Role, RoleAssignment, User
from ..core.types import Actor
from ..extensions import db
from . import permissions

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 100
TARGET_DAYS_MAX = 365


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(permissions.ONLY_ADMINS)


def check_code(code: str, existing_id: int | None, model: Any, field: str = "code") -> str:
    """A short code (letters, digits, - and _) no other row of `model` has."""
    code = (code or "").strip().lower()
    if not CODE_RE.match(code):
        raise InvalidInput(_l("Use 1 to 50 lowercase letters, digits, - or _ (for example road-damage)."),
                           field=field)
    other = db.session.scalar(select(model.id).where(model.code == code))
    if other is not None and other != existing_id:
        raise Conflict(_l("This code is already used."), field=field)
    return code


def check_names(value: dict | None, field: str = "name_ja", limit: int = NAME_MAX) -> dict:
    names = {lang: (text or "").strip() for lang, text in (value or {}).items() if lang in ("ja", "en")}
    names = {lang: text for lang, text in names.items() if text}
    if not names:
        raise InvalidInput(_l("Please enter the name in Japanese or English."), field=field)
    if any(len(text) > limit for text in names.values()):
        raise InvalidInput(_l("Please enter at most %(n)s characters.", n=limit), field=field)
    return names


def check_target_days(value: Any, field: str = "target_days") -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= TARGET_DAYS_MAX:
        raise InvalidInput(_l("Please enter a number of days from 1 to %(n)s, or leave it empty.",
                              n=TARGET_DAYS_MAX), field=field)
    return days


def save_department(actor: Actor, department: Department | None, data: dict) -> Department:
    """Create (department None) or edit a department: ja/en names, code, contact e-mail, target."""
    _require(permissions.can_manage_departments(actor))
    code = check_code(data.get("code", ""), department.id if department else None, Department)
    name = check_names(data.get("name"))
    email = (data.get("contact_email") or "").strip().lower() or None
    if email is not None and (len(email) > 254 or not EMAIL_RE.match(email)):
        raise InvalidInput(_l("Please enter a valid e-mail address."), field="contact_email")
    target_days = check_target_days(data.get("target_days"))
    before = None
    if department is None:
        department = Department(code=code, name=name)
        db.session.add(department)
    else:
        before = {"code": department.code, "name": department.name,
                  "contact_email": department.contact_email, "target_days": department.target_days}
    department.code, department.name = code, name
    department.contact_email, department.target_days = email, target_days
    db.session.flush()
    audit.record(actor, "department.create" if before is None else "department.update", department,
                 before=before, after={"code": code, "name": name, "contact_email": email,
                                       "target_days": target_days})
    return department


def add_member(actor: Actor, department: Department, email: str) -> RoleAssignment:
    """Make the account with this e-mail an official of `department`."""
    _require(permissions.can_manage_departments(actor))
    user = services.find_user_by_email(email)
    if user is None:
        raise NotFound(_l("No account has this e-mail address."), field="email")
    return services.grant_role(actor, user, Role.OFFICIAL, department=department)


def grant(actor: Actor, user: User, role: str, *, department_id: Any = None,
          process_id: Any = None) -> RoleAssignment:
    """Ids as sent by the form: an empty process means every process; one that is not a process
    is refused (never read as "every process")."""
    _require(permissions.can_administer(actor))
    try:
        role_value = Role(role)
    except ValueError:
        raise InvalidInput(_l("Unknown role."), field="role") from None
    department = None
    if role_value is Role.OFFICIAL:
        department_id = services.parse_id(department_id)
        department = db.session.get(Department, department_id) if department_id else None
        if department is None:
            raise InvalidInput(_l("An official must belong to a department."), field="department")
    if role_value not in (Role.FACILITATOR, Role.MODERATOR) or process_id in (None, ""):
        process_id = None
    else:
        from ..processes.models import Process

        process_id = services.parse_id(process_id)
        if process_id is None or db.session.get(Process, process_id) is None:
            raise InvalidInput(_l("Unknown process."), field="process")
    return services.grant_role(actor, user, role_value, department=department,
                               process_id=process_id)


def revoke(actor: Actor, user: User, assignment_id: int) -> None:
    _require(permissions.can_administer(actor))
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id:
        raise NotFound(_l("This role assignment does not exist."))
    services.revoke_assignment(actor, assignment)


def resend_confirmation(actor: Actor, user: User) -> None:
    """Send the person a new link to confirm their e-mail address."""
    _require(permissions.can_administer(actor))
    from ..core.accounts import is_confirmed, send_confirmation

    if is_confirmed(user):
        raise Conflict(_l("This e-mail address is already confirmed."))
    send_confirmation(user)
    audit.record(actor, "user.resend_confirmation", user)
