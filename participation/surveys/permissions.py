"""Who may do what with surveys."""
from __future__ import annotations

from typing import Any

from ..core.permissions import is_facilitator
from ..processes.permissions import can_view_process


def can_manage_survey(user: Any, process: Any) -> bool:
    """Build, edit, publish and export surveys of `process`."""
    return is_facilitator(user, process.id)


def can_view_survey(user: Any, survey: Any) -> bool:
    return can_view_process(user, survey.process)


def can_view_results(user: Any, survey: Any) -> bool:
    return can_view_survey(user, survey) and (
        survey.results_published or can_manage_survey(user, survey.process))


def can_view_free_text(user: Any, survey: Any) -> bool:
    """Free-text answers stay with the facilitators unless they publish them."""
    if can_manage_survey(user, survey.process):
        return True
    return survey.results_published and survey.free_text_published


def can_export_survey(user: Any, survey: Any) -> bool:
    return can_manage_survey(user, survey.process)
