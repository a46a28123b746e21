"""Flags, hiding and restoring, blocking users, the queue, and the public transparency figures."""
from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..core import audit, clock, notifications, signals, site
from ..core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from ..core.models import User
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post, ensure_not_last_admin, lock_row, parse_id
from ..extensions import db
from . import addresses, permissions
from .models import Block, Case, CaseState, Flag, Reason
from .queries import targets as _targets

JUSTIFICATION_MIN = 15
DETAILS_MAX = 1000




def _target(target_type: str, target_id: Any):
    spec, target_id = _targets().get(target_type), parse_id(target_id)
    obj = db.session.get(spec.model, target_id) if spec and target_id else None
    if obj is None:
        raise NotFound(_l("The content you want to report does not exist."))
    return spec, obj


def _case_for(target_type: str, obj: Any, spec) -> Case:
    case = db.session.scalar(select(Case).where(Case.target_type == target_type, Case.target_id == obj.id))
    if case is None:
        case = Case(target_type=target_type, target_id=obj.id, process_id=spec.process_id(obj),
                    author_id=spec.author_id(obj), state=CaseState.PENDING)
        db.session.add(case)
        db.session.flush()
    return case


def _set_hidden(target_type: str, obj: Any, reason: str | None) -> None:
    if _targets()[target_type].hideable:
        obj.hidden_at = clock.now() if reason else None
        obj.hidden_reason = reason
        db.session.flush()
        signals.send(signals.content_visibility_changed, target_type=target_type, item=obj)


def _notify_author(case: Case, kind: str, reason: str | None) -> None:
    if case.author_id:
        notifications.notify_users([case.author_id], case, kind, {"reason": reason or "other"})


def flag(user: User, target_type: str, target_id: Any, reason: str, details: str = "") -> Case:
    """One flag per user per item; at the threshold the item is hidden pending review."""
    ensure_can_post(user)
    spec, obj = _target(target_type, target_id)
    if spec.readable is not None and not spec.readable(user, obj):
        raise NotFound(_l("The content you want to report does not exist."))
    try:
        reason = Reason(reason)
    except ValueError:
        raise InvalidInput(_l("Please choose a reason."), field="reason") from None
    details = clean_text(details).strip()
    if len(details) > DETAILS_MAX:
        raise InvalidInput(_l("The details can be at most %(max)d characters long.", max=DETAILS_MAX),
                           field="details")
    if spec.author_id(obj) == user.id:
        raise Conflict(_l("You cannot report your own content."))
    case = _case_for(target_type, obj, spec)
    lock_row(Case, case.id)
    try:
        with db.session.begin_nested():
            db.session.add(Flag(target_type=target_type, target_id=obj.id, user_id=user.id,
                                reason=reason, details=details))
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("You have already reported this.")) from None
    db.session.execute(update(Case).where(Case.id == case.id).values(
        flag_count=select(func.count(Flag.id)).where(Flag.target_type == target_type,
                                                     Flag.target_id == obj.id).scalar_subquery(),
        updated_at=clock.now()))
    db.session.refresh(case)
    threshold = site.get("MODERATION_HIDE_THRESHOLD")
    if (case.state == CaseState.PENDING and case.flag_count >= threshold
            and spec.hideable and not case.reviewed):
        reasons = Counter(db.session.scalars(select(Flag.reason).where(
            Flag.target_type == target_type, Flag.target_id == obj.id)))
        top = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[0][0]
        case.state, case.reason, case.hidden_at = CaseState.HIDDEN, top, clock.now()
        _set_hidden(target_type, obj, top)
        _notify_author(case, "moderation.auto_hidden", top)
    if case.state in (CaseState.DISMISSED, CaseState.RESTORED):
        case.state = CaseState.PENDING  # new flags after a decision go back to the queue
    db.session.flush()
    return case


def _decide(moderator: User, case: Case, state: CaseState, *, reason: str | None = None,
            note: str = "") -> Case:
    if not permissions.can_moderate_case(moderator, case):
        raise PermissionDenied(_l("Only moderators of this content can do this."))
    spec, obj = _target(case.target_type, case.target_id)
    before = {"state": case.state, "reason": case.reason}
    if state is CaseState.HIDDEN:
        if not spec.hideable:
            raise Conflict(_l("Users cannot be hidden; block them instead."))
        try:
            reason = Reason(reason or "")
        except ValueError:
            raise InvalidInput(_l("Please choose a reason."), field="reason") from None
        case.reason, case.hidden_at = reason, clock.now()
        _set_hidden(case.target_type, obj, reason)
        _notify_author(case, "moderation.hidden", reason)
    else:
        _set_hidden(case.target_type, obj, None)
        case.hidden_at = None
    case.state, case.reviewed = state, True
    case.decided_by_id, case.updated_at = moderator.id, clock.now()
    case.note = clean_text(note).strip()[:2000] or case.note
    db.session.flush()
    audit.record(moderator, f"moderation.{state.value}", target_type=case.target_type,
                 target_id=case.target_id, before=before, after={"state": case.state, "reason": case.reason})
    return case


def hide(moderator: User, case: Case, reason: str, note: str = "") -> Case:
    return _decide(moderator, case, CaseState.HIDDEN, reason=reason, note=note)


def restore(moderator: User, case: Case, note: str = "") -> Case:
    return _decide(moderator, case, CaseState.RESTORED, note=note)


def dismiss(moderator: User, case: Case, note: str = "") -> Case:
    return _decide(moderator, case, CaseState.DISMISSED, note=note)


def hide_content(moderator: User, target_type: str, target_id: Any, reason: str, note: str = "") -> Case:
    """Hide something nobody flagged yet (a moderator saw it)."""
    spec, obj = _target(target_type, target_id)
    case = _case_for(target_type, obj, spec)
    return hide(moderator, case, reason, note)


# --- users ------------------------------------------------------------------------------------------

def block_user(moderator: User, user: User, justification: str, *, hide_all: bool = False) -> Block:
    if not permissions.can_block_user(moderator):
        raise PermissionDenied(_l("Only moderators can block users."))
    if not permissions.can_block_user(moderator, user):
        raise PermissionDenied(_l("Only administrators can block staff members."))
    justification = clean_text(justification).strip()
    if len(justification) < JUSTIFICATION_MIN:
        raise InvalidInput(_l("Please justify the block in at least %(n)d characters.", n=JUSTIFICATION_MIN),
                           field="justification")
    if user.id == moderator.id:
        raise Conflict(_l("You cannot block yourself."))
    if user.is_blocked:
        raise Conflict(_l("This user is already blocked."))
    ensure_not_last_admin(user)  # two admins blocking each other at once: one stays
    user.blocked_at, user.blocked_reason = clock.now(), justification
    addresses.remember(user)  # a new account with this address starts blocked too
    user.rotate_session_token()  # signed out everywhere; signing in again shows the block
    block = Block(user_id=user.id, moderator_id=moderator.id, justification=justification, hid_content=hide_all)
    db.session.add(block)
    db.session.flush()
    hidden = 0
    if hide_all:
        for target_type, spec in _targets().items():
            if not spec.hideable:
                continue
            for obj in db.session.scalars(select(spec.model).where(spec.author_column == user.id,
                                                                   spec.model.hidden_at.is_(None))):
                case = _case_for(target_type, obj, spec)
                case.state, case.reason, case.reviewed = CaseState.HIDDEN, Reason.OFFENSIVE, True
                case.hidden_at, case.decided_by_id, case.note = clock.now(), moderator.id, f"block:{block.id}"
                _set_hidden(target_type, obj, Reason.OFFENSIVE)
                hidden += 1
    notifications.notify_users([user.id], block, "moderation.blocked", {"reason": justification})
    audit.record(moderator, "user.block", user, after={"justification": justification,
                                                       "hide_all": hide_all, "hidden_items": hidden})
    return block


def unblock_user(moderator: User, user: User) -> None:
    if not permissions.can_block_user(moderator, user):
        raise PermissionDenied(_l("Only administrators can block staff members."))
    block = db.session.scalar(select(Block).where(Block.user_id == user.id, Block.lifted_at.is_(None))
                              .order_by(Block.id.desc()))
    if not user.is_blocked or block is None:
        raise Conflict(_l("This user is not blocked."))
    restored = 0
    if block.hid_content:  # bring back what the block hid (not what moderators hid for other reasons)
        for case in db.session.scalars(select(Case).where(Case.note == f"block:{block.id}")):
            _spec, obj = _target(case.target_type, case.target_id)
            _set_hidden(case.target_type, obj, None)
            case.state, case.hidden_at = CaseState.RESTORED, None
            restored += 1
    user.blocked_at = user.blocked_reason = None
    block.lifted_at = clock.now()
    addresses.forget(user)  # lifted: a later account with its addresses starts free
    db.session.flush()
    audit.record(moderator, "user.unblock", user, after={"restored_items": restored})


# --- transparency -----------------------------------------------------------------------------------
