"""`/account/activity`: my participatory budget ballots."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.activity import LIMIT
from ..core.i18n import localized
from ..core.models import User
from ..extensions import db
from ..processes.models import Process
from .models import Ballot, Budget


def items(app: Any, user: User, limit: int = LIMIT, **_: Any) -> list[dict]:
    rows = db.session.execute(
        select(Ballot.created_at, Ballot.checked_out_at, Budget.id, Budget.title, Process.slug, Process.title)
        .join(Budget, Budget.id == Ballot.budget_id).join(Process, Process.id == Budget.process_id)
        .where(Ballot.user_id == user.id).order_by(Ballot.created_at.desc(), Ballot.id.desc()).limit(limit))
    return [{"kind": str(_l("Budget ballot")), "title": localized(title),
             "state": str(_l("Vote cast")) if done else str(_l("Not cast yet")), "process": localized(process_title),
             "url": url_for("budgets.budget", slug=slug, budget_id=budget_id), "created_at": at}
            for at, done, budget_id, title, slug, process_title in rows]


def init_app(app: Any) -> None:
    from ..core import signals

    signals.account_activity.connect(items, sender=app, weak=False)
