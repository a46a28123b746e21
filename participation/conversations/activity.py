"""`/account/activity`: the conversations I voted in (one line per conversation, with my vote count)."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from ..core.activity import LIMIT
from ..core.i18n import localized
from ..core.models import User
from ..extensions import db
from ..processes.models import Process
from .models import Conversation, Participant, Vote


def items(app: Any, user: User, limit: int = LIMIT, **_: Any) -> list[dict]:
    mine = (select(Vote.conversation_id, func.count(Vote.id).label("votes"), func.max(Vote.created_at).label("last"))
            .join(Participant, Participant.id == Vote.participant_id).where(Participant.user_id == user.id)
            .group_by(Vote.conversation_id).subquery())
    rows = db.session.execute(
        select(Conversation.id, Conversation.topic, Process.slug, Process.title, mine.c.votes, mine.c.last)
        .join(mine, mine.c.conversation_id == Conversation.id).join(Process, Process.id == Conversation.process_id)
        .order_by(mine.c.last.desc()).limit(limit))
    return [{"kind": str(_l("Conversation votes")), "title": localized(topic),
             "state": ngettext("%(num)d vote", "%(num)d votes", count), "process": localized(process_title),
             "url": url_for("conversations.detail", slug=slug, conversation_id=conversation_id), "created_at": at}
            for conversation_id, topic, slug, process_title, count, at in rows]


def init_app(app: Any) -> None:
    from ..core import signals

    signals.account_activity.connect(items, sender=app, weak=False)
