"""`/account/activity`: the surveys I answered."""
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
from .models import Response, Survey


def items(app: Any, user: User, limit: int = LIMIT, **_: Any) -> list[dict]:
    rows = db.session.execute(
        select(Response.created_at, Survey.id, Survey.title, Process.slug, Process.title)
        .join(Survey, Survey.id == Response.survey_id).join(Process, Process.id == Survey.process_id)
        .where(Response.user_id == user.id).order_by(Response.created_at.desc(), Response.id.desc()).limit(limit))
    return [{"kind": str(_l("Survey answer")), "title": localized(title), "state": str(_l("Answered")),
             "process": localized(process_title), "url": url_for("surveys.answer", slug=slug, survey_id=survey_id),
             "created_at": at} for at, survey_id, title, slug, process_title in rows]


def init_app(app: Any) -> None:
    from ..core import signals

    signals.account_activity.connect(items, sender=app, weak=False)
