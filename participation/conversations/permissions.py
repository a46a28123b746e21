"""Who may do what in a conversation: pure predicates of (user, object)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..core.permissions import can_post, can_read, is_facilitator, is_moderator, is_signed_in
from ..core.types import Actor
from ..processes.permissions import can_view_process

if TYPE_CHECKING:
    from .models import Conversation, Statement

# Refusals, defined once for services and look-ups.
NOT_FACILITATOR = _l("Only facilitators of this process can manage its conversations.")
NOT_REVIEWER = _l("Only facilitators and moderators of this process can review statements.")


def can_view_conversation(user: Actor, conversation: Conversation) -> bool:
    return can_view_process(user, conversation.process)


def can_take_part(user: Actor, conversation: Conversation) -> bool:
    """Vote: signed-in residents who may post, or anyone when the conversation allows anonymous votes."""
    if is_signed_in(user):
        return can_post(user)
    return conversation.allow_anonymous


def can_add_statement(user: Actor, conversation: Conversation) -> bool:
    """Adding statements needs an account (anonymous participants vote only)."""
    return conversation.allow_statements and can_post(user)


def can_manage_conversation(user: Actor, conversation: Conversation) -> bool:
    return is_facilitator(user, conversation.process_id)


def can_moderate_statements(user: Actor, conversation: Conversation) -> bool:
    """Accept or reject statements waiting for review: facilitators and moderators of the process."""
    return can_manage_conversation(user, conversation) or is_moderator(user, conversation.process_id)


def can_view_report(user: Actor, conversation: Conversation) -> bool:
    return conversation.report_published or can_manage_conversation(user, conversation)


def can_read_statement(user: Actor, statement: Statement) -> bool:
    """Hidden, pending or rejected statements are for the process's staff only."""
    conversation = statement.conversation
    if not can_read(user, statement, conversation.process_id):
        return False
    return statement.is_visible or can_moderate_statements(user, conversation) or (
        is_signed_in(user) and statement.author_id == user.id)


def can_create_conversation(user: Actor, process_id: int) -> bool:
    return is_facilitator(user, process_id)
