"""Proposals, supports, comments and official answers."""
from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l


def _answer_state(data: dict) -> dict:
    """An answer notification says the answer's state (accepted, rejected, evaluating)."""
    from .models import STATE_LABELS, State

    try:
        state = str(STATE_LABELS[State(str(data.get("state")))])
    except ValueError:
        state = str(data.get("state") or "")
    return {**data, "state": state}


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from . import activity

    activity.init_app(app)  # /account/activity
    from ..core import signals
    from ..core.features import expose_predicates
    from ..core.registry import ModerationTarget, register_moderation_target, register_notification_kind
    from . import permissions
    from .models import Comment, Proposal
    from .views import bp

    app.register_blueprint(bp)
    expose_predicates(app, permissions)
    signals.process_figures.connect(_figures, sender=app, weak=False)
    signals.process_actions.connect(_actions, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    signals.process_proposals.connect(_process_proposals, sender=app, weak=False)
    signals.rebuild_counters.connect(_rebuild_counters, sender=app, weak=False)
    from . import counters, search

    counters.listen()  # counters and comment HTML follow every ORM write (hiding included)
    search.listen()  # so does the search index
    register_notification_kind(
        app, "proposal.commented", _l("New comment on the proposal “%(title)s”."),
        lambda n: url_for("proposals.detail", proposal_id=n.target_id) + "#comments")
    register_notification_kind(
        app, "proposal.answered", _l("The city answered the proposal “%(title)s”: %(state)s."),
        lambda n: url_for("proposals.detail", proposal_id=n.target_id) + "#answer", _answer_state)
    register_moderation_target(app, "proposals", ModerationTarget(
        Proposal, _l("Proposal"), lambda o: o.process_id, lambda o: o.author_id,
        lambda o: url_for("proposals.detail", proposal_id=o.id), lambda o: f"{o.title}\n{o.body}",
        Proposal.author_id))
    register_moderation_target(app, "proposal_comments", ModerationTarget(
        Comment, _l("Comment"), _comment_process, lambda o: o.author_id,
        lambda o: url_for("proposals.detail", proposal_id=o.proposal_id) + f"#comment-{o.id}",
        lambda o: o.body, Comment.author_id))
    from ..core.registry import register_upload_owner
    from .queries import can_read_proposal_image, proposals_using_upload

    register_upload_owner(app, "proposal_images", proposals_using_upload, can_read_proposal_image)
    from .kpi import facts as kpi_facts

    signals.kpi_facts.connect(kpi_facts, sender=app, weak=False)


def _comment_process(comment: Any) -> int | None:
    from ..extensions import db
    from .models import Proposal

    proposal = db.session.get(Proposal, comment.proposal_id)
    return proposal.process_id if proposal else None


def _figures(app: Any, *, process: Any, **_: Any) -> list[tuple[str, int]]:
    from .counters import totals
    from .models import State

    # Public figures count what the public can see (hidden proposals and comments are left out),
    # read from the counters: one small query whatever the number of proposals.
    found = totals(process.id)
    proposals = sum(n for state, (n, _s, _c) in found.items() if state != State.WITHDRAWN)
    supports = sum(s for state, (_n, s, _c) in found.items() if state != State.WITHDRAWN)
    comments = sum(c for _n, _s, c in found.values())
    return [(str(_l("Number of proposals")), proposals), (str(_l("Number of supports")), supports),
            (str(_l("Number of comments")), comments)]


def _rebuild_counters(app: Any, **_: Any) -> str:
    from . import counters, search

    rows = counters.rebuild()
    indexed = search.reindex()
    return f"Proposals: {rows} counter rows, {indexed} proposals in the search index."


def _actions(app: Any, *, process: Any, user: Any, **_: Any) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from ..extensions import db
    from ..processes.capabilities import is_allowed
    from ..processes.models import Capability
    from .models import Proposal

    actions = []
    decision = is_allowed(process, Capability.PROPOSE, user)
    if decision.allowed or decision.needs_login:
        actions.append((str(_l("Make a proposal")), url_for("proposals.new", slug=process.slug)))
    if db.session.scalar(select(Proposal.id).where(Proposal.process_id == process.id).limit(1)):
        actions.append((str(_l("See the proposals")), url_for("proposals.index", slug=process.slug)))
    return actions


def _process_proposals(app: Any, *, process: Any, **_: Any) -> list[dict]:
    """Every proposal of `process` as a plain dict, for features that report on them (accountability,
    budgets): hidden ones without their text, answers only once published."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from ..extensions import db
    from .models import STATE_LABELS, Proposal

    rows = []
    query = (select(Proposal).where(Proposal.process_id == process.id).order_by(Proposal.id)
             .options(selectinload(Proposal.answers)))
    for p in db.session.scalars(query):
        answers = [a for a in p.answers if a.published_at is not None]
        hidden = p.hidden_at is not None
        rows.append({"id": p.id, "title": "" if hidden else p.title, "state": str(p.state),
                     "state_label": str(STATE_LABELS[p.state]), "answer": "" if hidden or not answers
                     else answers[-1].text, "created_at": p.created_at, "author_id": p.author_id,
                     "cost": int(answers[-1].cost) if answers and answers[-1].cost is not None else None,
                     "url": url_for("proposals.detail", proposal_id=p.id), "hidden": hidden})
    return rows


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
