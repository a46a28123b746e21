"""Account and role actions, shared by views, the CLI and tests.

Services check permissions, change state, write the audit log and flush; they never commit.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from . import audit, clock, passwords, permissions, signals
from .errors import Conflict, InvalidInput, NotFound, PermissionDenied, RateLimited
from .models import Department, Role, RoleAssignment, User
from .types import Actor


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def register_user(email: str, display_name: str, password: str,
                  language: str | None = None) -> User:
    email = normalize_email(email)
    if find_user_by_email(email) is not None:
        raise Conflict(_l("An account with this email address already exists."), field="email")
    passwords.check_password(password, email=email, display_name=display_name)
    display_name = (display_name or "").strip()
    if not display_name:
        raise InvalidInput(_l("Please enter a display name."), field="display_name")
    user = User(email=email, display_name=display_name, language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    signals.send(signals.account_registered, user=user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, or None. Same work either way (no timing oracle)."""
    user = find_user_by_email(email)
    if user is None:
        # Hash anyway so that a missing account takes as long as a wrong password.
        User(password_hash="").set_password(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_at = clock.now()
    db.session.flush()
    return user


def update_profile(user: User, display_name: str, language: str | None) -> User:
    display_name = (display_name or "").strip()
    if not display_name:
        raise InvalidInput(_l("Please enter a display name."), field="display_name")
    if language not in (None, "", *current_app.config["LANGUAGES"]):
        raise InvalidInput(_l("Unknown language."), field="language")
    user.display_name = display_name
    user.language = language or None
    db.session.flush()
    return user


def save_language(user: User, language: str) -> User:
    """Keep the language chosen with the switcher as the signed-in user's preference."""
    if language not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_l("Unknown language."), field="language")
    user.language = language
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password or ""):
        raise InvalidInput(_l("The current password is not correct."), field="current_password")
    passwords.check_password(new_password, email=user.email, display_name=user.display_name,
                             field="new_password")
    user.set_password(new_password)
    end_sessions(user)
    db.session.flush()
    from .accounts import password_changed  # mail (core.accounts imports this module)

    password_changed(user)


def end_sessions(user: User) -> None:
    """Every session and "keep me signed in" cookie of `user` stops working (sign-out, password
    change or reset, block, "sign out everywhere"). A view that keeps the current browser signed
    in calls `login_user(user)` again afterwards."""
    user.rotate_session_token()
    db.session.flush()


def get_department(code: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise NotFound(_l("Unknown department: %(code)s", code=code))
    return department


def _assignment_filter(user: User, role: Role, department_id: int | None, process_id: int | None):
    return select(RoleAssignment).where(
        RoleAssignment.user_id == user.id,
        RoleAssignment.role == role,
        RoleAssignment.department_id.is_(None) if department_id is None
        else RoleAssignment.department_id == department_id,
        RoleAssignment.process_id.is_(None) if process_id is None
        else RoleAssignment.process_id == process_id,
    )


def grant_role(actor: User | None, user: User, role: Role, *, department: Department | None = None,
               process_id: int | None = None, audit_actor: User | None = None) -> RoleAssignment:
    """Give `user` a role. `actor` None means the command line (an operator on the server) or a
    caller that checked a narrower permission itself and names itself as `audit_actor`."""
    if actor is not None and not permissions.can_grant_role(actor, role):
        raise PermissionDenied(_l("Only administrators can grant roles."))
    if role is Role.OFFICIAL and department is None:
        raise InvalidInput(_l("An official must belong to a department."), field="department")
    if role is not Role.OFFICIAL and department is not None:
        raise InvalidInput(_l("Only officials belong to a department."), field="department")
    if process_id is not None and role not in (Role.FACILITATOR, Role.MODERATOR):
        raise InvalidInput(_l("Only facilitators and moderators can be limited to a process."),
                           field="process")
    department_id = department.id if department is not None else None
    existing = db.session.scalar(_assignment_filter(user, role, department_id, process_id))
    if existing is not None:
        return existing
    assignment = RoleAssignment(
        user=user, role=role, department_id=department_id, process_id=process_id,
        granted_by_id=getattr(audit_actor or actor, "id", None),
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(audit_actor or actor, "role.grant", user, after={
        "role": role.value, "department_id": department_id, "process_id": process_id,
    })
    return assignment


def revoke_role(actor: User | None, user: User, role: Role, *, department: Department | None = None,
                process_id: int | None = None) -> int:
    """Remove matching role assignments; returns how many were removed."""
    if actor is not None and not permissions.can_grant_role(actor, role):
        raise PermissionDenied(_l("Only administrators can revoke roles."))
    query = select(RoleAssignment).where(
        RoleAssignment.user_id == user.id, RoleAssignment.role == role
    )
    if department is not None:
        query = query.where(RoleAssignment.department_id == department.id)
    if process_id is not None:
        query = query.where(RoleAssignment.process_id == process_id)
    assignments = db.session.scalars(query).all()
    if role is Role.ADMIN and assignments:
        ensure_not_last_admin(user)
    removed = 0
    for assignment in assignments:
        audit.record(actor, "role.revoke", user, before={
            "role": assignment.role, "department_id": assignment.department_id,
            "process_id": assignment.process_id,
        })
        user.roles.remove(assignment)
        removed += 1
    db.session.flush()
    return removed


def revoke_assignment(actor: User | None, assignment: RoleAssignment) -> None:
    """Remove one role assignment (one department, one process or all of them)."""
    if actor is not None and not permissions.can_grant_role(actor, assignment.role):
        raise PermissionDenied(_l("Only administrators can revoke roles."))
    user = assignment.user
    if assignment.role == Role.ADMIN:
        ensure_not_last_admin(user)
    audit.record(actor, "role.revoke", user, before={
        "role": assignment.role, "department_id": assignment.department_id,
        "process_id": assignment.process_id,
    })
    user.roles.remove(assignment)
    db.session.flush()


def active_admin_count() -> int:
    """Admins who can act (not blocked). Their role rows stay locked until the commit (PostgreSQL;
    SQLite writes one transaction at a time), so two removals at once cannot both see two admins."""
    return len(set(db.session.scalars(
        select(RoleAssignment.user_id).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == Role.ADMIN, User.blocked_at.is_(None))
        .with_for_update(of=[RoleAssignment, User]))))  # users too: a block changes who counts


def ensure_not_last_admin(user: User) -> None:
    """The city always keeps one administrator: the last one cannot lose the role (nor be blocked
    or deleted)."""
    if user.has_role(Role.ADMIN) and not user.is_blocked and active_admin_count() <= 1:
        raise Conflict(_l("This is the last administrator: make someone else an administrator first."),
                       field="role")


SERVICE_ACCOUNT_DOMAIN = "@api.invalid"  # accounts that file reports for an API key (never people)


def count_users() -> int:
    """Registered residents, not counting the API keys' service accounts (kept by core.counts)."""
    from .counts import total

    return total("users")


MAX_ID = 2**31 - 1


def parse_id(raw: Any) -> int | None:
    """A row id from user input: a positive integer that fits the id columns, else None.
    (Bigger numbers would make the database driver fail instead of finding nothing.)"""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = str(raw or "").strip()
        if not text.isdecimal() or len(text) > 10:  # what int() reads: "１２" yes, "²" "①" no
            return None
        value = int(text)
    return value if 1 <= value <= MAX_ID else None


def lock_row(model: Any, row_id: int) -> None:
    """Serialize writers on one row (a PostgreSQL row lock; SQLite already has a single writer),
    so counters recomputed afterwards see every committed row."""
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


def blocked_message(user: User) -> Any:
    return _l("Your account has been blocked by a moderator, so you cannot post. "
              "Reason: %(reason)s", reason=user.blocked_reason or "")


HIDDEN_REFUSED = _l("Moderators hid this content: it takes no new comments, supports, votes, "
                    "follows or updates.")


def ensure_can_post(user: Actor, *, on: Any = None) -> None:
    """The one check every action that writes on behalf of a user makes: signed in, not blocked,
    and — with `on` — not about content that moderators hid (hidden takes no new comments,
    supports, votes, follows or updates). `core.blocking` also refuses every state-changing
    request of a blocked account before it reaches a view."""
    if not permissions.is_signed_in(user):
        raise PermissionDenied(_l("Please sign in to continue."))
    if user.is_blocked:
        raise PermissionDenied(blocked_message(user))
    if getattr(on, "hidden_at", None) is not None:
        raise Conflict(HIDDEN_REFUSED)
    from .accounts import posting_grace_over

    if posting_grace_over(user):
        raise PermissionDenied(_l("Please confirm your e-mail address to keep posting: open the link we "
                                  "sent you, or ask for a new one on your account page."))
    from .security import posting_limit_reached

    if posting_limit_reached():  # only the final submit of a form counts (core.security.limit_posting)
        raise RateLimited(_l("You have posted a lot in a short time. Please wait a few minutes and "
                             "send again: what you wrote is kept below."))
