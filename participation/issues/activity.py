"""`/account/activity`: the street issues I reported or said "me too" to, with their status."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.activity import HIDDEN, LIMIT, title_of
from ..core.models import User
from ..extensions import db
from .models import STATUS_LABELS, Issue, MeToo


def _state(issue: Issue) -> str:
    return str(HIDDEN) if issue.hidden_at else str(STATUS_LABELS[issue.status])


def items(app: Any, user: User, limit: int = LIMIT, **_: Any) -> list[dict]:
    reports = db.session.scalars(select(Issue).where(Issue.reporter_id == user.id)
                                 .order_by(Issue.created_at.desc(), Issue.id.desc()).limit(limit))
    found = [{"kind": str(_l("Street issue report")), "title": i.title, "state": _state(i),
              "url": url_for("issues.detail", issue_id=i.id), "created_at": i.created_at} for i in reports]
    rows = db.session.execute(select(MeToo.created_at, Issue).join(Issue, Issue.id == MeToo.issue_id)
                              .where(MeToo.user_id == user.id)
                              .order_by(MeToo.created_at.desc(), MeToo.id.desc()).limit(limit))
    found += [{"kind": str(_l("“Me too”")), "title": title_of(user, i, i.title, i.reporter_id),
               "state": _state(i),
               "url": url_for("issues.detail", issue_id=i.id), "created_at": at} for at, i in rows]
    return found


def init_app(app: Any) -> None:
    from ..core import signals

    signals.account_activity.connect(items, sender=app, weak=False)
