"""Reading processes and phases: look-ups that 404, public lists, staff lists, figures of the page."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import signals
from ..core.errors import NotFound
from ..core.models import RoleAssignment
from ..core.types import Actor
from ..extensions import db
from . import permissions
from .models import Phase, Process, ProcessStatus, city_today


def get_process_by_slug(slug: str, user: Actor = None, *, include_drafts: bool = False) -> Process:
    """The process, or NotFound (also for drafts the user may not see)."""
    process = db.session.scalar(select(Process).where(Process.slug == slug))
    if process is None or not (include_drafts or permissions.can_view_process(user, process)):
        raise NotFound(_l("This process does not exist."))
    return process


def get_process(process_id: int) -> Process:
    process = db.session.get(Process, process_id)
    if process is None:
        raise NotFound(_l("This process does not exist."))
    return process


def list_public_processes(timing: str = "active", today: date | None = None) -> list[Process]:
    today = today or city_today()
    query = select(Process).where(Process.status != ProcessStatus.DRAFT)
    if timing == "active":
        query = query.where(Process.start_date <= today, Process.end_date >= today,
                            Process.status == ProcessStatus.PUBLISHED)
    elif timing == "upcoming":
        query = query.where(Process.start_date > today, Process.status == ProcessStatus.PUBLISHED)
    elif timing == "past":
        query = query.where((Process.end_date < today) | (Process.status == ProcessStatus.ARCHIVED))
    return list(db.session.scalars(query.order_by(Process.start_date.desc(), Process.id.desc())))


def list_processes_for_staff(user: Actor) -> list[Process]:
    query = select(Process).order_by(Process.start_date.desc(), Process.id.desc())
    return [p for p in db.session.scalars(query) if permissions.can_edit_process(user, p)]


def get_phase(process: Process, phase_id: int) -> Phase:
    phase = db.session.get(Phase, phase_id)
    if phase is None or phase.process_id != process.id:
        raise NotFound(_l("This phase does not exist."))
    return phase


def process_staff(process: Process) -> list[RoleAssignment]:
    query = (select(RoleAssignment).where(RoleAssignment.process_id == process.id)
             .order_by(RoleAssignment.role, RoleAssignment.id))
    return list(db.session.scalars(query))


def process_figures(process: Process) -> list[tuple[str, int]]:
    """The figures every feature contributes to the process page (`signals.process_figures`)."""
    return signals.collect_lists(signals.process_figures, process=process)


def calls_to_action(process: Process, user: Actor) -> list[tuple[str, ...]]:
    """What the user can do now in this process, from every feature (`signals.process_actions`)."""
    return signals.collect_lists(signals.process_actions, process=process, user=user)


def admin_blocks(process: Process) -> list[signals.Block]:
    """Sections other features add to the process administration page (surveys, ...)."""
    return signals.collect(signals.process_admin_blocks, process=process)


def processes_using_upload(upload_id: int) -> list[Process]:
    """Processes whose hero image is this upload (for `core.uploads`)."""
    return list(db.session.scalars(select(Process).where(Process.hero_image_id == upload_id)))
