"""Reads of the administration pages: user search (paged without counting), what a user may do."""
from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..core import permissions, signals
from ..core.errors import NotFound
from ..core.models import AuditLog, Department, Role, RoleAssignment, User
from ..extensions import db

PAGE_SIZE = 30


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    return user


def get_department(department_id: int) -> Department:
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound(_l("No such department."))
    return department


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_users(text: str = "", role: str = "", page: int = 1) -> tuple[list[User], bool]:
    """Users whose name or e-mail contains `text` (newest first), one page, and whether there is a
    next one (one row more is read instead of counting the table)."""
    query = select(User).options(selectinload(User.roles)).order_by(User.id.desc())
    text = (text or "").strip()
    if text:
        pattern = _like(text.lower())
        query = query.where(or_(func.lower(User.email).like(pattern, escape="\\"),
                                func.lower(User.display_name).like(pattern, escape="\\")))
    if role in {r.value for r in Role}:
        query = query.where(User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role == role)))
    elif role == "blocked":
        query = query.where(User.blocked_at.is_not(None))
    page = max(1, min(page, 10_000))
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def activity_counts(user: User) -> list[tuple[str, int]]:
    """What the person did, by kind (from the features' `account_activity`), and staff actions."""
    counts: Counter[str] = Counter()
    for item in signals.collect_lists(signals.account_activity, user=user):
        counts[str(item.get("kind", ""))] += 1
    rows: list[tuple[str, int]] = sorted(counts.items())
    staff_actions = db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.actor_id == user.id)) or 0
    rows.append((str(_l("Staff actions in the audit log")), staff_actions))
    return rows


def capabilities(user: User) -> list[tuple[Any, bool]]:
    """What `user` may do, computed from the same predicates the pages use (no signing in as them)."""
    from ..core.accounts import is_confirmed, posting_grace_over

    may_post = permissions.can_post(user) and not posting_grace_over(user)
    return [
        (_l("Post proposals, comments and reports"), may_post),
        (_l("E-mail address confirmed"), is_confirmed(user)),
        (_l("Answer reports for a department (official)"), permissions.is_official(user)),
        (_l("Run every process (global facilitator)"), permissions.is_global_facilitator(user)),
        (_l("Run some processes (facilitator)"), permissions.is_facilitator(user)),
        (_l("Moderate everything (global moderator)"), permissions.is_global_moderator(user)),
        (_l("Moderate some processes (moderator)"), permissions.is_moderator(user)),
        (_l("See hidden content"), permissions.can_view_hidden(user, None)),
        (_l("Read the audit log"), permissions.can_view_audit_log(user)),
        (_l("Administer the site (users, departments, categories, areas, settings, pages)"),
         permissions.is_admin(user)),
    ]


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.code)))


def department_members(department: Department) -> list[User]:
    return list(db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.OFFICIAL, RoleAssignment.department_id == department.id)
        .order_by(User.display_name)))


def member_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(RoleAssignment.department_id, func.count(RoleAssignment.id))
        .where(RoleAssignment.role == Role.OFFICIAL).group_by(RoleAssignment.department_id)).all()
    return {department_id: count for department_id, count in rows if department_id is not None}
