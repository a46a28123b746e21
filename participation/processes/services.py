"""Commands on processes, phases and process staff (checked, audited, flushed; never committed)."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit, signals, uploads
from ..core import services as core_services
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.i18n import clean_translated
from ..core.models import Role, RoleAssignment, User
from ..extensions import db
from . import permissions
from .models import Capability, Phase, Process, ProcessStatus

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TRANSLATED_FIELDS = ("title", "subtitle", "description")


def _snapshot(process: Process) -> dict:
    return {
        "slug": process.slug, "title": process.title, "subtitle": process.subtitle,
        "description": process.description, "start_date": process.start_date.isoformat(),
        "end_date": process.end_date.isoformat(), "status": process.status,
        "hero_image_id": process.hero_image_id, "support_limit": process.support_limit,
        "support_threshold": process.support_threshold,
    }


def _phase_snapshot(phase: Phase) -> dict:
    return {
        "title": phase.title, "description": phase.description,
        "start_date": phase.start_date.isoformat(), "end_date": phase.end_date.isoformat(),
        "pinned": phase.pinned, **{c.value: phase.allows(c) for c in Capability},
        "publish_answers_immediately": phase.publish_answers_immediately,
    }


# --- loading ------------------------------------------------------------------------------------


# --- processes ----------------------------------------------------------------------------------

def _validate_process_data(data: dict, process: Process | None = None) -> dict:
    slug = (data.get("slug") or "").strip().lower()
    if not SLUG_RE.fullmatch(slug) or len(slug) > 80:
        raise InvalidInput(_l("The address name may contain only lowercase letters, digits and "
                              "hyphens (for example station-square)."), field="slug")
    clash = db.session.scalar(select(Process.id).where(Process.slug == slug))
    if clash is not None and (process is None or clash != process.id):
        raise Conflict(_l("Another process already uses this address name."), field="slug")
    title = clean_translated(data.get("title"))
    if not title.get("ja"):
        raise InvalidInput(_l("Please enter the title in Japanese."), field="title_ja")
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, date) or not isinstance(end, date):
        raise InvalidInput(_l("Please enter a start and an end date."), field="start_date")
    if start > end:
        raise InvalidInput(_l("The end date must not be before the start date."), field="end_date")
    if process is not None:
        for phase in process.phases:
            if phase.start_date < start or phase.end_date > end:
                raise InvalidInput(_l("The phase “%(phase)s” would fall outside the new dates. "
                                      "Change the phase first.", phase=phase.title.get("ja", "")),
                                   field="start_date")
    limits = {}
    for key in ("support_limit", "support_threshold"):
        value = data.get(key)
        if value is not None and (not isinstance(value, int) or value < 1):
            raise InvalidInput(_l("Please enter a whole number of 1 or more."), field=key)
        limits[key] = value
    return {
        "slug": slug, "title": title, "subtitle": clean_translated(data.get("subtitle")),
        "description": clean_translated(data.get("description")), "start_date": start, "end_date": end,
        **limits,
    }


def create_process(actor: User, data: dict) -> Process:
    if not permissions.can_create_process(actor):
        raise PermissionDenied(_l("Only facilitators of all processes and administrators can "
                                  "create processes."))
    values = _validate_process_data(data)
    process = Process(**values, status=ProcessStatus.DRAFT)
    if data.get("hero_image"):
        process.hero_image = uploads.save_image(data["hero_image"], actor)
    db.session.add(process)
    db.session.flush()
    audit.record(actor, "process.create", process, after=_snapshot(process))
    return process


def update_process(actor: User, process: Process, data: dict) -> Process:
    if not permissions.can_edit_process(actor, process):
        raise PermissionDenied(_l("You are not a facilitator of this process."))
    before = _snapshot(process)
    for key, value in _validate_process_data(data, process).items():
        setattr(process, key, value)
    if data.get("hero_image"):
        process.hero_image = uploads.save_image(data["hero_image"], actor)
    elif data.get("remove_hero_image"):
        process.hero_image = None
    db.session.flush()
    audit.record(actor, "process.update", process, before=before, after=_snapshot(process))
    return process


def change_process_status(actor: User, process: Process, action: str) -> Process:
    if not permissions.can_publish_process(actor, process):
        raise PermissionDenied(_l("You are not a facilitator of this process."))
    before = process.status
    {"publish": process.publish, "archive": process.archive, "unpublish": process.unpublish}[action]()
    db.session.flush()
    audit.record(actor, f"process.{action}", process, before={"status": before},
                 after={"status": process.status})
    return process


# --- phases -------------------------------------------------------------------------------------

def _validate_phase(process: Process, data: dict, phase: Phase | None = None) -> dict:
    title = clean_translated(data.get("title"))
    if not title.get("ja"):
        raise InvalidInput(_l("Please enter the title in Japanese."), field="title_ja")
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, date) or not isinstance(end, date):
        raise InvalidInput(_l("Please enter a start and an end date."), field="start_date")
    if start > end:
        raise InvalidInput(_l("The end date must not be before the start date."), field="end_date")
    if start < process.start_date or end > process.end_date:
        raise InvalidInput(
            _l("The phase must lie within the process dates (%(start)s to %(end)s).",
               start=format_date(process.start_date, "long"), end=format_date(process.end_date, "long")),
            field="start_date")
    for other in process.phases:
        if other is phase:
            continue
        if start <= other.end_date and other.start_date <= end:
            raise InvalidInput(
                _l("The dates overlap the phase “%(phase)s” (%(start)s to %(end)s).",
                   phase=other.title.get("ja", ""), start=format_date(other.start_date, "long"),
                   end=format_date(other.end_date, "long")),
                field="start_date")
    values = {"title": title, "description": clean_translated(data.get("description")),
              "start_date": start, "end_date": end,
              "publish_answers_immediately": bool(data.get("publish_answers_immediately", True))}
    for capability in Capability:
        values[capability.value] = bool(data.get(capability.value))
    return values


def add_phase(actor: User, process: Process, data: dict) -> Phase:
    if not permissions.can_manage_phases(actor, process):
        raise PermissionDenied(_l("You are not a facilitator of this process."))
    phase = Phase(process=process, **_validate_phase(process, data))
    db.session.add(phase)
    db.session.flush()
    audit.record(actor, "phase.create", phase, after=_phase_snapshot(phase))
    return phase


def update_phase(actor: User, phase: Phase, data: dict) -> Phase:
    process = phase.process
    if not permissions.can_manage_phases(actor, process):
        raise PermissionDenied(_l("You are not a facilitator of this process."))
    before = _phase_snapshot(phase)
    for key, value in _validate_phase(process, data, phase).items():
        setattr(phase, key, value)
    db.session.flush()
    audit.record(actor, "phase.update", phase, before=before, after=_phase_snapshot(phase))
    return phase


def delete_phase(actor: User, phase: Phase) -> None:
    process = phase.process
    if not permissions.can_manage_phases(actor, process):
        raise PermissionDenied(_l("You are not a facilitator of this process."))
    for reason in signals.collect(signals.phase_dependents, phase=phase):
        raise Conflict(reason)
    if not process.is_draft and len(process.phases) == 1:
        raise Conflict(_l("A published process needs at least one phase."))
    audit.record(actor, "phase.delete", phase, before=_phase_snapshot(phase))
    process.phases.remove(phase)
    db.session.flush()


def pin_phase(actor: User, process: Process, phase: Phase | None) -> None:
    """Pin `phase` as the current one whatever the date (None: follow the dates again)."""
    if not permissions.can_manage_phases(actor, process):
        raise PermissionDenied(_l("You are not a facilitator of this process."))
    if phase is not None and phase.process_id != process.id:
        raise NotFound(_l("This phase does not exist."))
    before = next((p.id for p in process.phases if p.pinned), None)
    for other in process.phases:
        other.pinned = other is phase
    db.session.flush()
    audit.record(actor, "phase.pin", process, before={"pinned_phase_id": before},
                 after={"pinned_phase_id": phase.id if phase else None})


# --- process staff ------------------------------------------------------------------------------

PROCESS_ROLES = (Role.FACILITATOR, Role.MODERATOR)


def assign_process_role(actor: User, process: Process, email: str, role: Role) -> RoleAssignment:
    if not permissions.can_assign_process_roles(actor, process):
        raise PermissionDenied(_l("You are not a facilitator of this process."))
    if role not in PROCESS_ROLES:
        raise InvalidInput(_l("Only facilitators and moderators can be assigned to a process."),
                           field="role")
    user = core_services.find_user_by_email(email)
    if user is None:
        raise NotFound(_l("No account uses this email address. The person must register first."),
                       field="email")
    return core_services.grant_role(None, user, role, process_id=process.id, audit_actor=actor)


def remove_process_role(actor: User, process: Process, assignment_id: int) -> None:
    if not permissions.can_assign_process_roles(actor, process):
        raise PermissionDenied(_l("You are not a facilitator of this process."))
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.process_id != process.id:
        raise NotFound(_l("This assignment does not exist."))
    audit.record(actor, "role.revoke", assignment.user, before={
        "role": assignment.role, "process_id": process.id})
    db.session.delete(assignment)
    db.session.flush()


# Re-exported while other features move to `capabilities` and `queries`.
from .capabilities import Decision, is_allowed, require  # noqa: E402,F401
from .queries import (  # noqa: E402,F401
    get_phase,
    get_process,
    get_process_by_slug,
    list_processes_for_staff,
    list_public_processes,
    process_staff,
)
