"""`/account/activity`: my proposals, supports and comments with their current state (bounded reads)."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.activity import HIDDEN, LIMIT, title_of
from ..core.i18n import localized
from ..core.models import User
from ..extensions import db
from ..processes.models import Process
from .models import STATE_LABELS, Comment, Proposal, Support


def _state(proposal: Proposal) -> str:
    return str(HIDDEN) if proposal.hidden_at else str(STATE_LABELS[proposal.state])


def items(app: Any, user: User, limit: int = LIMIT, **_: Any) -> list[dict]:
    rows = db.session.execute(
        select(Proposal, Process.title).join(Process, Process.id == Proposal.process_id)
        .where(Proposal.author_id == user.id).order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(limit))
    found = [{"kind": str(_l("Proposal")), "title": p.title, "state": _state(p), "process": localized(title),
              "url": url_for("proposals.detail", proposal_id=p.id), "created_at": p.created_at} for p, title in rows]
    rows = db.session.execute(
        select(Support.created_at, Proposal, Process.title).join(Proposal, Proposal.id == Support.proposal_id)
        .join(Process, Process.id == Proposal.process_id)
        .where(Support.user_id == user.id).order_by(Support.created_at.desc(), Support.id.desc()).limit(limit))
    found += [{"kind": str(_l("Support")), "title": title_of(user, p, p.title, p.author_id), "state": _state(p),
               "process": localized(title),
               "url": url_for("proposals.detail", proposal_id=p.id), "created_at": at} for at, p, title in rows]
    rows = db.session.execute(
        select(Comment, Proposal, Process.title).join(Proposal, Proposal.id == Comment.proposal_id)
        .join(Process, Process.id == Proposal.process_id)
        .where(Comment.author_id == user.id).order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit))
    found += [{"kind": str(_l("Comment")),
               "title": str(_l("On “%(title)s”", title=title_of(user, p, p.title, p.author_id))),
               "state": str(HIDDEN) if c.hidden_at else str(_l("Published")), "process": localized(title),
               "url": url_for("proposals.detail", proposal_id=c.proposal_id) + f"#comment-{c.id}",
               "created_at": c.created_at} for c, p, title in rows]
    return found


def init_app(app: Any) -> None:
    from ..core import signals

    signals.account_activity.connect(items, sender=app, weak=False)
