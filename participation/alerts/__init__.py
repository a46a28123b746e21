"""Alerts (new reports near a point, in a ward, of a category; new proposals and answers of a
process), by e-mail and as Atom feeds; and mail to departments about new and reopened reports.

Reacts to `core.signals` only: `issue_reported`, `issue_status_changed`, `proposal_published`,
`proposal_answered`. Reads the issues feature's `areas` and `issue_categories` tables by name and
the processes feature through its documented interface.
"""
from __future__ import annotations

from typing import Any

from flask import Flask


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from ..core import signals
    from . import departments, jobs  # noqa: F401 - jobs: the consumer must know the tasks
    from .views import bp, feed_links

    app.register_blueprint(bp)
    app.jinja_env.globals["feed_links"] = feed_links
    signals.issue_reported.connect(_issue_reported, sender=app, weak=False)
    signals.issue_reported.connect(departments.on_issue_reported, sender=app, weak=False)
    signals.issue_status_changed.connect(departments.on_issue_status_changed, sender=app, weak=False)
    signals.proposal_published.connect(_proposal_published, sender=app, weak=False)
    signals.proposal_answered.connect(_proposal_answered, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)


def _after(event: Any) -> None:
    from ..core.jobs import after_commit
    from .jobs import send_alerts

    if event is not None:
        after_commit(send_alerts, event.id)


def _issue_reported(app: Any, issue: Any, **_: Any) -> None:
    from .services import issue_event

    _after(issue_event(issue))


def _proposal_published(app: Any, proposal: Any, **_: Any) -> None:
    from .services import proposal_event

    _after(proposal_event(proposal))


def _proposal_answered(app: Any, proposal: Any, **_: Any) -> None:
    from .models import EventKind
    from .services import proposal_event

    _after(proposal_event(proposal, EventKind.ANSWER))


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
