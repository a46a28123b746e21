"""How the street issue actions of the audit log read (core.audit.sentence), registered in init_app."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.audit import person_then
from ..core.models import AuditLog, Department
from ..core.registry import register_audit_action
from ..extensions import db
from .models import STATUS_LABELS, Status


def _status(entry: AuditLog) -> dict[str, Any]:
    return {"status": str(STATUS_LABELS[Status((entry.after or {})["status"])])}


def _department(entry: AuditLog) -> dict[str, Any]:
    department = db.session.get(Department, (entry.after or {})["department_id"])
    return {"department": department.name if department else "—"}  # Translated: localized when shown


def _assignee(entry: AuditLog) -> dict[str, Any]:
    assignee_id = (entry.after or {}).get("assignee_id")
    person = person_then(entry, assignee_id) if assignee_id else None
    return {"assignee": person.display_name if person else (f"#{assignee_id}" if assignee_id else _("nobody"))}


def _title(key: str):
    def values(entry: AuditLog) -> dict[str, Any]:
        return {"title": ((entry.after if key == "after" else entry.before) or {})["title"]}

    return values


def init_app(app: Flask) -> None:
    register_audit_action(app, "issue.status", _l("Street issue: status change"),
                          _l("%(actor)s changed the status of %(target)s to %(status)s"), _status)
    register_audit_action(app, "issue.reassign", _l("Street issue: passed to another department"),
                          _l("%(actor)s passed %(target)s to %(department)s"), _department)
    register_audit_action(app, "issue.assign", _l("Street issue: assignment"),
                          _l("%(actor)s assigned %(target)s to %(assignee)s"), _assignee)
    register_audit_action(app, "issue.note", _l("Street issue: internal note"),
                          _l("%(actor)s wrote an internal note on %(target)s"))
    register_audit_action(app, "issue.template.create", _l("Response template: created"),
                          _l("%(actor)s created the response template “%(title)s”"), _title("after"))
    register_audit_action(app, "issue.template.delete", _l("Response template: deleted"),
                          _l("%(actor)s deleted the response template “%(title)s”"), _title("before"))
