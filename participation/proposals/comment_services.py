"""Comments: add (or reply), edit, delete (the author's deletion anonymises), vote.

A comment's HTML is rendered once when it is written (`body_html`, by a mapper event in
`counters.py`). The proposal's `comments_count` (comments the public sees: neither deleted nor
hidden) and the process counters follow every comment write under the proposal's row lock
(`counters.py`); a top-level comment's `replies_count` grows with each reply in one atomic UPDATE."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..core import clock, notifications
from ..core.errors import Conflict, InvalidInput, PermissionDenied
from ..core.models import User
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post, lock_row
from ..core.types import Actor
from ..extensions import db
from ..processes.capabilities import require
from ..processes.models import Capability
from . import counters, permissions
from .models import COMMENT_EDIT_MINUTES, COMMENT_MAX, MAX_COMMENT_DEPTH, Alignment, Comment, CommentVote, Proposal
from .queries import get_comment

ONLY_AUTHOR_DELETES_COMMENT = _l("Only the author can delete this comment.")
VOTE_UP_OR_DOWN = _l("A vote is up or down.")


def require_can_edit_comment(user: Actor, comment: Comment) -> None:
    if not permissions.can_edit_comment(user, comment):
        raise PermissionDenied(_l("A comment can be edited by its author for %(n)d minutes.",
                                  n=COMMENT_EDIT_MINUTES))


def _clean_comment(body: str | None) -> str:
    body = clean_text(body).strip()
    if not body:
        raise InvalidInput(_l("Please write a comment."), field="body")
    if len(body) > COMMENT_MAX:
        raise InvalidInput(_l("A comment can be at most %(max)d characters long.", max=COMMENT_MAX),
                           field="body")
    return body


def recount_comments(proposal: Proposal) -> None:
    """Deleted and hidden comments do not count. The count follows every comment write (mapper
    events in `counters.py`); this re-reads it."""
    db.session.flush()
    db.session.refresh(proposal, ["comments_count"])


def add_comment(user: User, proposal: Proposal, body: str, alignment: int = 0,
                parent_id: int | None = None, language: str = "ja") -> Comment:
    """A comment (or a reply, at most MAX_COMMENT_DEPTH deep) while the phase takes comments."""
    ensure_can_post(user, on=proposal)
    require(proposal.process, Capability.COMMENT, user)
    if proposal.is_withdrawn:
        raise Conflict(_l("A withdrawn proposal cannot be commented on."))
    body = _clean_comment(body)
    try:
        position = Alignment(int(alignment))
    except (TypeError, ValueError):
        raise InvalidInput(_l("Please choose for, neutral or against."), field="alignment") from None
    depth, root_id = 1, None
    if parent_id is not None:
        parent = get_comment(proposal, parent_id)
        if parent.is_deleted:
            raise Conflict(_l("You cannot reply to a deleted comment."))
        if parent.depth >= MAX_COMMENT_DEPTH:
            raise InvalidInput(_l("Replies can be nested at most %(n)d levels deep.", n=MAX_COMMENT_DEPTH))
        depth = parent.depth + 1
        root_id = parent.root_id or parent.id
        # The thread's size first, then the proposal's lock: the order moderators' hiding takes.
        db.session.execute(update(Comment).where(Comment.id == root_id).values(
            replies_count=Comment.replies_count + 1))
    counters.lock(proposal)
    comment = Comment(proposal_id=proposal.id, author_id=user.id, parent_id=parent_id, depth=depth,
                      root_id=root_id, body=body, alignment=int(position), language=language)
    db.session.add(comment)
    recount_comments(proposal)  # flushes: the comment's HTML is rendered, the counts follow
    notifications.notify_followers(proposal, "proposal.commented",
                                   {"title": proposal.title, "proposal_id": proposal.id},
                                   exclude=user)
    return comment


def edit_comment(user: User, comment: Comment, body: str) -> Comment:
    ensure_can_post(user)
    require_can_edit_comment(user, comment)
    comment.body = _clean_comment(body)  # its HTML is rendered again at the flush
    comment.edited_at = clock.now()
    db.session.flush()
    return comment


def delete_comment(user: User, comment: Comment, proposal: Proposal) -> Comment:
    """The author's own deletion anonymises: the text and the name go, the replies stay."""
    if not permissions.can_delete_comment(user, comment):
        raise PermissionDenied(ONLY_AUTHOR_DELETES_COMMENT)
    counters.lock(proposal)
    comment.deleted_at = clock.now()
    comment.body = ""
    comment.author_id = None
    recount_comments(proposal)
    return comment


def vote_comment(user: User, comment: Comment, value: int) -> Comment:
    """Vote a comment up (1) or down (-1); the same vote again takes it back."""
    ensure_can_post(user, on=comment)
    if value not in (1, -1):
        raise InvalidInput(VOTE_UP_OR_DOWN)
    if permissions.is_author(user, comment):
        raise PermissionDenied(_l("You cannot vote on your own comment."))
    if comment.is_deleted:
        raise Conflict(_l("You cannot vote on a deleted comment."))
    lock_row(Comment, comment.id)
    existing = db.session.scalar(select(CommentVote).where(CommentVote.comment_id == comment.id,
                                                           CommentVote.user_id == user.id))
    if existing is not None and existing.value == value:
        db.session.delete(existing)
    elif existing is not None:
        existing.value = value
    else:
        try:
            with db.session.begin_nested():
                db.session.add(CommentVote(comment_id=comment.id, user_id=user.id, value=value))
                db.session.flush()
        except IntegrityError:
            raise Conflict(_l("You already voted on this comment.")) from None
    db.session.flush()
    for column_name, sign in (("upvotes", 1), ("downvotes", -1)):
        db.session.execute(update(Comment).where(Comment.id == comment.id).values({
            column_name: select(func.count(CommentVote.id)).where(
                CommentVote.comment_id == comment.id, CommentVote.value == sign).scalar_subquery()}))
    db.session.refresh(comment, ["upvotes", "downvotes"])
    return comment
