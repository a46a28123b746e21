"""Who may do what with proposals and their comments (phase rules live in processes.services)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app

from ..core import clock
from ..core.permissions import can_read, is_admin, is_facilitator, is_official, is_signed_in
from .models import State

COMMENT_EDIT_MINUTES = 15


def _is_author(user: Any, obj: Any) -> bool:
    return is_signed_in(user) and obj.author_id is not None and obj.author_id == user.id


def edit_window_open(proposal: Any) -> bool:
    minutes = current_app.config.get("PROPOSAL_EDIT_MINUTES", 15)
    return clock.now() - proposal.created_at <= timedelta(minutes=minutes)


def can_read_proposal(user: Any, proposal: Any) -> bool:
    return can_read(user, proposal, proposal.process_id)


def can_create_proposal(user: Any, process: Any) -> bool:
    return is_signed_in(user)


def can_edit_proposal(user: Any, proposal: Any) -> bool:
    """The author, within the edit window, until the first support or comment."""
    return (_is_author(user, proposal) and proposal.state == State.PUBLISHED.value
            and proposal.supports_count == 0 and proposal.comments_count == 0
            and edit_window_open(proposal))


def can_withdraw_proposal(user: Any, proposal: Any) -> bool:
    return (_is_author(user, proposal) and proposal.state == State.PUBLISHED.value
            and proposal.supports_count == 0)


def can_support_proposal(user: Any, proposal: Any) -> bool:
    return (is_signed_in(user) and not _is_author(user, proposal)
            and proposal.state not in (State.REJECTED.value, State.WITHDRAWN.value))


def can_answer_proposal(user: Any, proposal: Any) -> bool:
    """Officials of any department, facilitators of the process and admins."""
    return is_official(user) or is_facilitator(user, proposal.process_id) or is_admin(user)


def can_publish_answers(user: Any, process: Any) -> bool:
    return is_facilitator(user, process.id)


def can_view_held_answers(user: Any, proposal: Any) -> bool:
    return can_answer_proposal(user, proposal)


def can_comment_proposal(user: Any, proposal: Any) -> bool:
    return is_signed_in(user) and not proposal.is_withdrawn


def can_edit_comment(user: Any, comment: Any) -> bool:
    return (_is_author(user, comment) and not comment.is_deleted
            and clock.now() - comment.created_at <= timedelta(minutes=COMMENT_EDIT_MINUTES))


def can_delete_comment(user: Any, comment: Any) -> bool:
    return _is_author(user, comment) and not comment.is_deleted


def can_vote_comment(user: Any, comment: Any) -> bool:
    return is_signed_in(user) and not _is_author(user, comment) and not comment.is_deleted
