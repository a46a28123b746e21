"""Who may do what with meetings and registrations: pure predicates, one per action.

Meetings of a process are run by its facilitators; city-wide meetings by facilitators of every
process (and admins). Registrations are private: a resident sees their own, organisers see all.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

from ..core import clock
from ..core.permissions import can_post, is_facilitator, is_global_facilitator, is_signed_in
from ..core.types import Actor
from ..processes.permissions import can_view_process
from .models import Meeting, MeetingComment, Registration, RegistrationStatus

if TYPE_CHECKING:
    from ..processes.models import Process


def link_minutes() -> int:
    """How long before the start registered people see the online link (MEETING_LINK_MINUTES)."""
    return int(current_app.config.get("MEETING_LINK_MINUTES", 30))


def can_view_meeting(user: Actor, meeting: Meeting) -> bool:
    """Meetings of a draft process are seen only by its staff."""
    return meeting.process is None or can_view_process(user, meeting.process)


def can_create_meeting(user: Actor, process: Process | None) -> bool:
    return is_facilitator(user, process.id) if process is not None else is_global_facilitator(user)


def can_manage_meeting(user: Actor, meeting: Meeting) -> bool:
    """Edit, cancel, see registrations, export, check in, write the minutes."""
    return can_create_meeting(user, meeting.process)


def can_register_meeting(user: Actor, meeting: Meeting) -> bool:
    """Any resident who may post, while registration is open."""
    return can_post(user) and can_view_meeting(user, meeting) and meeting.registration_window_open()


def can_cancel_registration(user: Actor, registration: Registration) -> bool:
    return (is_signed_in(user) and registration.user_id == user.id and registration.is_active
            and not registration.meeting.is_past and registration.checked_in_at is None)


def can_view_registration(user: Actor, registration: Registration) -> bool:
    return is_signed_in(user) and registration.user_id == user.id and registration.is_active


def can_see_online_link(user: Actor, meeting: Meeting, registration: Registration | None) -> bool:
    """Organisers always; a registered person (not waiting) from shortly before the start to the end."""
    if not meeting.online_url or meeting.is_cancelled or not meeting.is_online:
        return False
    if can_manage_meeting(user, meeting):
        return True
    if registration is None or not can_view_registration(user, registration):
        return False
    if registration.status != RegistrationStatus.REGISTERED:
        return False
    now = clock.now()
    return meeting.link_opens_at(link_minutes()) <= now < meeting.ends_at


def can_comment_meeting(user: Actor, meeting: Meeting) -> bool:
    return can_post(user) and can_view_meeting(user, meeting)


def can_delete_meeting_comment(user: Actor, comment: MeetingComment) -> bool:
    return (is_signed_in(user) and comment.author_id is not None and comment.author_id == user.id
            and not comment.is_deleted)
