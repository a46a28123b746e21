"""Who may do what with proposals and their comments: pure predicates, one per action.

Phase rules (is proposing, supporting or commenting open now?) live in the processes package
(`Capability`); the state rules (withdrawable, takes supports) are the models' own. Services call
these predicates; templates see them too (a hidden button is a refused action).
"""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ..core import clock, site
from ..core.permissions import can_read, is_admin, is_facilitator, is_official, is_signed_in
from ..core.types import Actor
from .models import COMMENT_EDIT_MINUTES, Comment, Proposal, State

if TYPE_CHECKING:
    from ..processes.models import Process


def is_author(user: Actor, obj: Proposal | Comment) -> bool:
    """`user` wrote `obj` (a deleted comment has no author any more)."""
    return is_signed_in(user) and obj.author_id is not None and obj.author_id == getattr(user, "id", None)


def edit_minutes() -> int:
    """How long a proposal can be edited after publishing (setting PROPOSAL_EDIT_MINUTES)."""
    return int(site.get("PROPOSAL_EDIT_MINUTES"))


def edit_window_open(proposal: Proposal) -> bool:
    return clock.now() - proposal.created_at <= timedelta(minutes=edit_minutes())


def can_read_proposal(user: Actor, proposal: Proposal) -> bool:
    return can_read(user, proposal, proposal.process_id)


def can_create_proposal(user: Actor, process: Process) -> bool:
    return is_signed_in(user)


def can_edit_proposal(user: Actor, proposal: Proposal) -> bool:
    """The author, within the edit window, until the first support or comment."""
    return (is_author(user, proposal) and proposal.state == State.PUBLISHED
            and proposal.supports_count == 0 and proposal.comments_count == 0
            and edit_window_open(proposal))


def can_withdraw_proposal(user: Actor, proposal: Proposal) -> bool:
    return is_author(user, proposal) and proposal.is_withdrawable


def can_support_proposal(user: Actor, proposal: Proposal) -> bool:
    return is_signed_in(user) and not is_author(user, proposal) and proposal.takes_supports


def can_answer_proposal(user: Actor, proposal: Proposal) -> bool:
    """Officials of any department, facilitators of the process and admins."""
    return is_official(user) or is_facilitator(user, proposal.process_id) or is_admin(user)


def can_publish_answers(user: Actor, process: Process) -> bool:
    return is_facilitator(user, process.id)


def can_view_held_answers(user: Actor, proposal: Proposal) -> bool:
    return can_answer_proposal(user, proposal)


def can_comment_proposal(user: Actor, proposal: Proposal) -> bool:
    return is_signed_in(user) and not proposal.is_withdrawn


def can_edit_comment(user: Actor, comment: Comment) -> bool:
    return (is_author(user, comment) and not comment.is_deleted
            and clock.now() - comment.created_at <= timedelta(minutes=COMMENT_EDIT_MINUTES))


def can_delete_comment(user: Actor, comment: Comment) -> bool:
    return is_author(user, comment) and not comment.is_deleted


def can_vote_comment(user: Actor, comment: Comment) -> bool:
    return is_signed_in(user) and not is_author(user, comment) and not comment.is_deleted
