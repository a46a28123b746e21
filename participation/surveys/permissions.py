"""Who may do what with surveys (pure predicates) and the one wording of a refusal."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.permissions import is_facilitator
from ..core.types import Actor
from ..processes.models import Process
from ..processes.permissions import can_view_process
from .models import Survey

NOT_FACILITATOR = _l("Only facilitators of this process and administrators can do this.")
RESULTS_NOT_PUBLISHED = _l("The results of this survey have not been published yet.")


def can_manage_survey(user: Actor, process: Process) -> bool:
    """Build, edit, publish and export surveys of `process`."""
    return is_facilitator(user, process.id)


def can_view_survey(user: Actor, survey: Survey) -> bool:
    return can_view_process(user, survey.process)


def can_view_results(user: Actor, survey: Survey) -> bool:
    return can_view_survey(user, survey) and (
        survey.results_published or can_manage_survey(user, survey.process))


def can_view_free_text(user: Actor, survey: Survey) -> bool:
    """Free-text answers stay with the facilitators unless they publish them."""
    if can_manage_survey(user, survey.process):
        return True
    return survey.results_published and survey.free_text_published


def can_export_survey(user: Actor, survey: Survey) -> bool:
    return can_manage_survey(user, survey.process)
