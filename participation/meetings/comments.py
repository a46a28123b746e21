"""Comments on meetings: residents ask before and tell after. Moderation hides them like any content."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..core import clock
from ..core.errors import InvalidInput, NotFound, PermissionDenied
from ..core.models import User
from ..core.permissions import can_read
from ..core.sanitize import clean_text
from ..core.services import ensure_can_post
from ..core.types import Actor
from ..extensions import db
from . import permissions
from .models import COMMENT_MAX, Meeting, MeetingComment


def _recount(meeting: Meeting) -> None:
    db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(
        comments_count=select(func.count(MeetingComment.id)).where(
            MeetingComment.meeting_id == meeting.id, MeetingComment.deleted_at.is_(None)).scalar_subquery(),
        updated_at=Meeting.updated_at))
    db.session.refresh(meeting, ["comments_count"])


def add_comment(user: User, meeting: Meeting, body: str | None, language: str = "ja") -> MeetingComment:
    ensure_can_post(user)
    if not permissions.can_comment_meeting(user, meeting):
        raise PermissionDenied(_l("Comments on this meeting are closed."))
    text = clean_text(body or "").strip()
    if not text:
        raise InvalidInput(_l("Please write your comment."), field="body")
    if len(text) > COMMENT_MAX:
        raise InvalidInput(_l("Please keep the comment under %(n)d characters.", n=COMMENT_MAX), field="body")
    comment = MeetingComment(meeting_id=meeting.id, author_id=user.id, body=text, language=language)
    db.session.add(comment)
    db.session.flush()
    _recount(meeting)
    return comment


def delete_comment(user: User, meeting: Meeting, comment_id: int) -> MeetingComment:
    """The author's own deletion: the text goes, a placeholder stays."""
    comment = db.session.get(MeetingComment, comment_id)
    if comment is None or comment.meeting_id != meeting.id:
        raise NotFound(_l("This comment does not exist."))
    if not permissions.can_delete_meeting_comment(user, comment):
        raise PermissionDenied(_l("Only the author can delete this comment."))
    comment.deleted_at, comment.body, comment.author_id = clock.now(), "", None
    db.session.flush()
    _recount(meeting)
    return comment


def comments(meeting: Meeting, user: Actor) -> list[MeetingComment]:
    """Oldest first; hidden ones stay in place (as a placeholder unless the reader moderates)."""
    return list(db.session.scalars(select(MeetingComment).where(MeetingComment.meeting_id == meeting.id)
                                   .order_by(MeetingComment.created_at, MeetingComment.id)))


def readable(user: Actor, comment: MeetingComment, meeting: Meeting) -> bool:
    return can_read(user, comment, meeting.process_id)
