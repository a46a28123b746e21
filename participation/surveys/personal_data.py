"""What surveys hold about a person: export and erase (answers stay in the results, linked to no one)."""
from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

from ..core.models import User
from ..extensions import db
from .models import Response


def export(app: Any, user: User) -> dict[str, list[dict]]:
    responses = db.session.scalars(select(Response).where(Response.user_id == user.id).order_by(Response.id)).all()
    return {
        "survey_responses": [{"id": r.id, "survey_id": r.survey_id, "language": r.language,
                              "created_at": r.created_at} for r in responses],
        "survey_answers": [{"response_id": r.id, "survey_id": r.survey_id, "question_id": a.question_id,
                            "option_id": a.option_id, "row_id": a.row_id, "text": a.text, "number": a.number}
                           for r in responses for a in r.answers],
    }


def erase(app: Any, user: User) -> None:
    """Each response keeps counting as one anonymous respondent (a random token no browser holds)."""
    for response in db.session.scalars(select(Response).where(Response.user_id == user.id)).all():
        response.user_id, response.browser_token = None, f"erased-{secrets.token_hex(16)}"
    db.session.flush()


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
