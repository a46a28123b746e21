"""What proposals hold about a person: export, erase (content stays under 「退会したユーザー」, supports and
comment votes stay counted with no person) and the public profile items."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..core.models import User
from ..extensions import db
from ..processes.models import Process, ProcessStatus
from .models import STATE_LABELS, Comment, CommentVote, Proposal, ProposalAnswer, Support


def export(app: Any, user: User) -> dict[str, list[dict]]:
    proposals = db.session.scalars(select(Proposal).where(Proposal.author_id == user.id)
                                   .order_by(Proposal.id)).all()
    return {
        "proposals": [{"id": p.id, "process_id": p.process_id, "title": p.title, "body": p.body,
                       "language": p.language, "address": p.address, "latitude": p.latitude,
                       "longitude": p.longitude, "state": p.state.value, "created_at": p.created_at,
                       "edited_at": p.edited_at, "withdrawn_at": p.withdrawn_at, "hidden_at": p.hidden_at,
                       "images": [image.upload.filename for image in p.images]} for p in proposals],
        "proposal_versions": [{"proposal_id": p.id, "number": v.number, "title": v.title, "body": v.body,
                               "created_at": v.created_at} for p in proposals for v in p.versions],
        "proposal_comments": [{"id": c.id, "proposal_id": c.proposal_id, "parent_id": c.parent_id,
                               "body": c.body, "language": c.language, "alignment": c.alignment,
                               "created_at": c.created_at, "hidden_at": c.hidden_at}
                              for c in db.session.scalars(select(Comment).where(Comment.author_id == user.id)
                                                          .order_by(Comment.id))],
        "proposal_supports": [{"proposal_id": s.proposal_id, "created_at": s.created_at}
                              for s in db.session.scalars(select(Support).where(Support.user_id == user.id))],
        "proposal_comment_votes": [{"comment_id": v.comment_id, "value": v.value}
                                   for v in db.session.scalars(select(CommentVote)
                                                               .where(CommentVote.user_id == user.id))],
        "proposal_answers_given": [{"proposal_id": a.proposal_id, "state": a.state.value, "text": a.text,
                                    "created_at": a.created_at} for a in db.session.scalars(
                                        select(ProposalAnswer).where(ProposalAnswer.answered_by_id == user.id))],
    }


def erase(app: Any, user: User) -> None:
    """Proposals and comments stay public with no author; supports and comment votes stay counted
    (rows kept, person removed: the unique constraints still hold, NULLs never collide)."""
    db.session.execute(update(Proposal).where(Proposal.author_id == user.id).values(author_id=None))
    db.session.execute(update(Comment).where(Comment.author_id == user.id).values(author_id=None))
    db.session.execute(update(Support).where(Support.user_id == user.id).values(user_id=None))
    db.session.execute(update(CommentVote).where(CommentVote.user_id == user.id).values(user_id=None))
    db.session.execute(update(ProposalAnswer).where(ProposalAnswer.answered_by_id == user.id)
                       .values(answered_by_id=None))


def profile_items(app: Any, user: User) -> list[dict]:
    """Published proposals and comments the public may read (never hidden or deleted ones, never in draft
    processes)."""
    public = Process.status != ProcessStatus.DRAFT
    items = [{"kind": str(_l("Proposal")), "title": p.title, "state": str(STATE_LABELS[p.state]),
              "url": url_for("proposals.detail", proposal_id=p.id), "created_at": p.created_at}
             for p in db.session.scalars(select(Proposal).join(Process, Process.id == Proposal.process_id)
                                         .where(Proposal.author_id == user.id, Proposal.hidden_at.is_(None),
                                                public).order_by(Proposal.id.desc()).limit(200))]
    rows = db.session.execute(
        select(Comment, Proposal.title).join(Proposal, Proposal.id == Comment.proposal_id)
        .join(Process, Process.id == Proposal.process_id)
        .where(Comment.author_id == user.id, Comment.hidden_at.is_(None), Comment.deleted_at.is_(None),
               Proposal.hidden_at.is_(None), public)
        .order_by(Comment.id.desc()).limit(200)).all()
    items += [{"kind": str(_l("Comment")), "title": str(_l("On “%(title)s”", title=title)), "state": "",
               "url": url_for("proposals.detail", proposal_id=c.proposal_id) + f"#comment-{c.id}",
               "created_at": c.created_at} for c, title in rows]
    return items


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
    signals.public_profile_items.connect(profile_items, sender=app, weak=False)
