"""What can be flagged: one entry per kind of content, so moderation needs no special cases."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..core.models import User
from ..extensions import db
from ..issues.models import Issue, IssueUpdate
from ..proposals.models import Comment, Proposal


@dataclass(frozen=True)
class Target:
    model: Any
    label: Any
    process_id: Callable[[Any], int | None]
    author_id: Callable[[Any], int | None]
    url: Callable[[Any], str]
    excerpt: Callable[[Any], str]
    author_column: Any  # the column naming the author, for "everything they wrote"
    hideable: bool = True


def _comment_process(comment: Comment) -> int | None:
    proposal = db.session.get(Proposal, comment.proposal_id)
    return proposal.process_id if proposal else None


TARGETS: dict[str, Target] = {
    "proposals": Target(Proposal, _l("Proposal"), lambda o: o.process_id, lambda o: o.author_id,
                        lambda o: url_for("proposals.detail", proposal_id=o.id),
                        lambda o: f"{o.title}\n{o.body}", Proposal.author_id),
    "proposal_comments": Target(Comment, _l("Comment"), _comment_process, lambda o: o.author_id,
                                lambda o: url_for("proposals.detail", proposal_id=o.proposal_id) + f"#comment-{o.id}",
                                lambda o: o.body, Comment.author_id),
    "issues": Target(Issue, _l("Street issue"), lambda o: None, lambda o: o.reporter_id,
                     lambda o: url_for("issues.detail", issue_id=o.id), lambda o: f"{o.title}\n{o.details}",
                     Issue.reporter_id),
    "issue_updates": Target(IssueUpdate, _l("Update on a street issue"), lambda o: None, lambda o: o.author_id,
                            lambda o: url_for("issues.detail", issue_id=o.issue_id) + "#timeline",
                            lambda o: o.text, IssueUpdate.author_id),
    "users": Target(User, _l("User"), lambda o: None, lambda o: o.id,
                    lambda o: url_for("moderation.user", user_id=o.id), lambda o: o.display_name,
                    User.id, hideable=False),
}
