"""Accountability: results (what the city will do), their progress and timelines, and the report of
what became of every proposal."""
from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ..core import signals
    from ..core.features import expose_predicates
    from ..core.registry import register_notification_kind
    from . import permissions
    from .views import bp

    app.register_blueprint(bp)
    expose_predicates(app, permissions)
    signals.process_actions.connect(_actions, sender=app, weak=False)
    signals.process_admin_blocks.connect(_admin_block, sender=app, weak=False)
    signals.proposal_outcomes.connect(_proposal_outcomes, sender=app, weak=False)
    signals.proposal_outcome_blocks.connect(_outcome_block, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    from ..core.registry import register_upload_owner
    from .queries import entries_using_upload

    register_upload_owner(app, "result_timeline_images", entries_using_upload,
                          lambda user, process: permissions.can_view_results(user, process))
    register_notification_kind(
        app, "accountability.result_status",
        _l("“%(title)s”, which answers a proposal you follow, is now: %(status)s (%(progress)s%%)."),
        lambda n: url_for("accountability.result", slug=n.data["slug"], result_id=n.data["result_id"]),
        prepare=_prepare_status)


def _prepare_status(data: dict) -> dict:
    from ..core.i18n import localized

    return {**data, "status": localized(data.get("status") or {})}


def _actions(app: Any, *, process: Any, user: Any, **_: Any) -> list[tuple[str, str]]:
    from .queries import has_results

    actions = []
    if has_results(process):
        actions.append((str(_l("See what the city is doing")), url_for("accountability.index", slug=process.slug)))
    if any(phase.allow_proposals for phase in process.phases):
        actions.append((str(_l("What became of each proposal")),
                        url_for("accountability.outcomes", slug=process.slug)))
    return actions


def _admin_block(app: Any, *, process: Any, **_: Any) -> Any:
    from ..core.signals import Block

    return Block("accountability/_process_admin.html", {})


def _proposal_outcomes(app: Any, *, process: Any, proposal_ids: list[int], **_: Any) -> list[dict]:
    from ..core.i18n import localized
    from .queries import results_linked_to

    out = []
    for proposal_id, result in results_linked_to(process, "proposals", proposal_ids):
        status = localized(result.status.name) if result.status else ""
        label = _l("Result “%(title)s”: %(status)s (%(progress)s%%)", title=localized(result.title),
                   status=status, progress=result.progress)
        out.append({"proposal_id": proposal_id, "kind": "result", "label": str(label), "progress": result.progress,
                    "url": url_for("accountability.result", slug=process.slug, result_id=result.id)})
    return out


def _outcome_block(app: Any, *, proposal: Any, **_: Any) -> Any:
    from ..core import signals

    if getattr(proposal, "hidden_at", None) is not None:
        return None
    became = signals.collect_lists(signals.proposal_outcomes, process=proposal.process, proposal_ids=[proposal.id])
    if not became:
        return None
    return signals.Block("accountability/_proposal_outcome.html", {"became": became})


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()
