"""Supports: once per resident and proposal, within the process's support limit, while the phase
allows it. The proposal's `supports_count` is recomputed from the rows under the proposal's row
lock, and the process counters (`counters.py`) follow in the same transaction."""
from __future__ import annotations

from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.exc import IntegrityError

from ..core.errors import Conflict, PermissionDenied
from ..core.models import User
from ..core.services import ensure_can_post, lock_row
from ..extensions import db
from ..processes.capabilities import require
from ..processes.models import Capability
from . import counters, permissions
from .models import Proposal, Support
from .queries import support_limit_left


def recount_supports(proposal: Proposal) -> None:
    """The count is recomputed from the rows under the proposal's row lock (`counters.lock`): it
    cannot drift; the process counters follow when it is flushed."""
    proposal.supports_count = db.session.scalar(
        select(func.count(Support.id)).where(Support.proposal_id == proposal.id)) or 0
    db.session.flush()


def support(user: User, proposal: Proposal) -> Proposal:
    """Support once, while the phase allows it, within the process's support limit."""
    ensure_can_post(user, on=proposal)
    process = proposal.process
    require(process, Capability.SUPPORT, user)
    if not proposal.takes_supports:
        raise Conflict(_l("Rejected and withdrawn proposals cannot be supported."))
    if permissions.is_author(user, proposal):
        raise PermissionDenied(_l("You cannot support your own proposal."))
    if db.session.scalar(select(Support.id).where(Support.proposal_id == proposal.id,
                                                  Support.user_id == user.id)) is not None:
        raise Conflict(_l("You already support this proposal."))
    counters.lock(proposal)
    if process.support_limit:
        lock_row(User, user.id)  # one resident's supports are counted one at a time
    if support_limit_left(process, user) == 0:
        raise Conflict(_l("You have used all %(n)d of your supports in this process. Remove one "
                          "to support another proposal.", n=process.support_limit))
    try:
        with db.session.begin_nested():
            db.session.add(Support(proposal_id=proposal.id, process_id=process.id, user_id=user.id))
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("You already support this proposal.")) from None
    recount_supports(proposal)
    return proposal


def unsupport(user: User, proposal: Proposal) -> Proposal:
    ensure_can_post(user)
    require(proposal.process, Capability.SUPPORT, user)
    counters.lock(proposal)
    removed = cast(CursorResult[Any], db.session.execute(delete(Support).where(
        Support.proposal_id == proposal.id, Support.user_id == user.id))).rowcount
    if not removed:
        raise Conflict(_l("You do not support this proposal."))
    recount_supports(proposal)
    return proposal
