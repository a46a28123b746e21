"""How features plug into each other without importing each other.

Two kinds of signal, all from one blinker namespace:

- *Contributions*: a page that shows what other features add (the home page, a process page, the
  process administration page) sends a signal and shows what the receivers return, in the order
  they were connected (the order of `FEATURES` in `create_app`). Receivers are connected with
  `sender=app` in each feature's `init_app`; `collect()` calls them for the current app.
- *Events*: something happened (`notifications_created`, `proposal_answered`,
  `issue_status_changed`); receivers react (send mail, recompute, notify). Events are sent inside the
  request's transaction: a receiver must not commit, and heavy work belongs in a job.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from blinker import Namespace, Signal
from flask import current_app

_signals = Namespace()


@dataclass(frozen=True)
class Block:
    """A section another feature adds to a page: a template (partials start with `_`) and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fact:
    """One thing that happened, for the KPI roll-up (kpi_facts).

    `metric` names it ("proposals", "supports", ...); `at` is when (UTC); `user_id` who (participants
    are the distinct people over all facts with `participant=True`). Responsiveness facts say whether
    the item met its target (`met`: True/False, None while it cannot be known yet), how many days it
    took (`days`) and the groups it counts for (`groups`: (kind, id, Translated name), e.g. its
    department and category).
    """

    metric: str
    at: Any
    user_id: int | None = None
    process_id: int | None = None
    participant: bool = True
    met: bool | None = None
    days: float | None = None
    groups: tuple[tuple[str, int, Any], ...] = ()


# --- contributions (receivers return values) ---------------------------------------------------
#: home page sections: (app) -> Block | None
home_blocks = _signals.signal("home-blocks")
#: home page "in figures": (app) -> list[(label, number)]
home_figures = _signals.signal("home-figures")
#: process page figures: (app, process) -> list[(label, number)]
process_figures = _signals.signal("process-figures")
#: what a resident can do now in a process: (app, process, user) -> list[(label, url)]; an item
#: (label, url, "done") is something this resident already did (shown as done, not as a call to act)
process_actions = _signals.signal("process-actions")
#: sections of the process administration page: (app, process) -> Block | None
process_admin_blocks = _signals.signal("process-admin-blocks")
#: the opinion groups of a process's conversation, for "broad support" orders:
#: (app, process, members=bool) -> {"members": {user_id: group}, "sizes": [people per group]} | None
opinion_groups = _signals.signal("opinion-groups")
#: `flask seed-demo`: each feature adds its demo content: (app) -> a line to print | None
seed_demo = _signals.signal("seed-demo")
#: why a phase cannot be deleted: (app, phase) -> translated message | None
phase_dependents = _signals.signal("phase-dependents")
#: the proposals of a process as plain dicts (proposals answers): (app, process) -> list[dict] with
#: id, title, state, state_label, answer (published text or ""), cost, created_at, url, author_id, hidden
process_proposals = _signals.signal("process-proposals")
#: what became of proposals (budgets, accountability): (app, process, proposal_ids) -> list[dict] with
#: proposal_id, kind ("project"/"result"), label, url, progress (int | None)
proposal_outcomes = _signals.signal("proposal-outcomes")
#: sections under a proposal ("what happened to it"): (app, proposal) -> Block | None
proposal_outcome_blocks = _signals.signal("proposal-outcome-blocks")
#: the selected budget projects of a process (budgets): (app, process) -> list[dict] with
#: id, title, description, cost, area, category, proposal_ids, url
selected_projects = _signals.signal("selected-projects")

#: `flask counters rebuild`: each feature recomputes its counter/aggregate tables from the rows and
#: returns a line to print: (app) -> str | None
rebuild_counters = _signals.signal("rebuild-counters")
#: "download my data": each feature returns what it holds about a person:
#: (app, user=...) -> dict[str, list[dict]] (dataset name -> rows of plain JSON values) | None
personal_data_export = _signals.signal("personal-data-export")
#: account deletion: each feature erases or unlinks a person's personal data (content stays public
#: under "deleted user"): (app, user=...) -> None
personal_data_erase = _signals.signal("personal-data-erase")
#: `/account/activity`: a person's own items with their current state:
#: (app, user=..., limit=...) -> list[dict] with kind (translated), title, state (translated), url,
#: created_at | None, and optionally process (its title); each receiver returns at most `limit` newest
#: items per kind (default core.activity.LIMIT when the caller gives none)
account_activity = _signals.signal("account-activity")
#: public profile `/users/<id>`: a person's public items: (app, user=...) -> list[dict] like account_activity
public_profile_items = _signals.signal("public-profile-items")
#: KPI roll-up (a background job, never a request): what happened since a moment, as facts:
#: (app, since=datetime | None) -> iterable of Fact
kpi_facts = _signals.signal("kpi-facts")
#: sections of the administration dashboard `/admin/`: (app, user) -> list[(label, url)]
admin_sections = _signals.signal("admin-sections")
#: actions on an account's administration page `/admin/users/<id>` that other features offer (e.g.
#: deletion by an admin): (app, user=...) -> list[(label, url)]
admin_user_actions = _signals.signal("admin-user-actions")

# --- events (receivers react) ------------------------------------------------------------------
#: new notification rows were stored: (app, rows=list[Notification])
notifications_created = _signals.signal("notifications-created")
#: a new account was created (registration form, API or command): (app, user=...)
account_registered = _signals.signal("account-registered")
#: an official answer became public: (app, proposal=..., answer=...)
proposal_answered = _signals.signal("proposal-answered")
#: moderators hid or restored an item (counters of what the public sees follow): (app, target_type=..., item=...)
content_visibility_changed = _signals.signal("content-visibility-changed")
#: a street issue changed status: (app, issue=..., old=..., new=...)
issue_status_changed = _signals.signal("issue-status-changed")
#: a street issue was reported: (app, issue=...)
issue_reported = _signals.signal("issue-reported")
#: a proposal was published: (app, proposal=...)
proposal_published = _signals.signal("proposal-published")


def _app() -> Any:
    return current_app._get_current_object()  # type: ignore[attr-defined]


def collect(signal: Signal, **kwargs: Any) -> list[Any]:
    """What every receiver of `signal` returned for the current app, in order, without Nones."""
    return [value for _receiver, value in signal.send(_app(), **kwargs) if value is not None]


def collect_lists(signal: Signal, **kwargs: Any) -> list[Any]:
    """The receivers' lists, concatenated in order."""
    return [item for values in collect(signal, **kwargs) for item in values]


def send(signal: Signal, **kwargs: Any) -> None:
    """Announce an event for the current app."""
    signal.send(_app(), **kwargs)
