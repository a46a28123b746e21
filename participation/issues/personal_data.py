"""What street issues hold about a person: export, erase (reports stay public with no reporter,
+1s stay counted with no person) and the public profile items (only reports shown with the name)."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..core.models import User
from ..extensions import db
from .models import STATUS_LABELS, Issue, IssueNote, IssueUpdate, MeToo


def export(app: Any, user: User) -> dict[str, list[dict]]:
    issues = db.session.scalars(select(Issue).where(Issue.reporter_id == user.id).order_by(Issue.id)).all()
    return {
        "issues": [{"id": i.id, "title": i.title, "details": i.details, "language": i.language,
                    "category_id": i.category_id, "address": i.address, "latitude": i.latitude,
                    "longitude": i.longitude, "show_name": i.show_name, "status": i.status.value,
                    "answers": i.answers, "created_at": i.created_at, "hidden_at": i.hidden_at,
                    "photos": [photo.upload.filename for photo in i.photos]} for i in issues],
        "issue_updates": [{"id": u.id, "issue_id": u.issue_id, "text": u.text, "old_status": u.old_status,
                           "new_status": u.new_status, "created_at": u.created_at} for u in db.session.scalars(
                               select(IssueUpdate).where(IssueUpdate.author_id == user.id).order_by(IssueUpdate.id))],
        "issue_metoos": [{"issue_id": m.issue_id, "created_at": m.created_at}
                         for m in db.session.scalars(select(MeToo).where(MeToo.user_id == user.id))],
        # Which issues one wrote internal notes on, never the notes: they are the city's records about
        # residents, readable only while one is an official (`can_read_issue_notes`).
        "issue_notes_written": [{"issue_id": n.issue_id, "created_at": n.created_at}
                                for n in db.session.scalars(select(IssueNote).where(IssueNote.author_id == user.id))],
    }


def erase(app: Any, user: User) -> None:
    db.session.execute(update(Issue).where(Issue.reporter_id == user.id).values(reporter_id=None, show_name=False))
    db.session.execute(update(Issue).where(Issue.assignee_id == user.id).values(assignee_id=None))
    db.session.execute(update(IssueUpdate).where(IssueUpdate.author_id == user.id).values(author_id=None))
    db.session.execute(update(IssueNote).where(IssueNote.author_id == user.id).values(author_id=None))
    db.session.execute(update(MeToo).where(MeToo.user_id == user.id).values(user_id=None))


def profile_items(app: Any, user: User) -> list[dict]:
    rows = db.session.scalars(select(Issue).where(Issue.reporter_id == user.id, Issue.show_name.is_(True),
                                                  Issue.hidden_at.is_(None)).order_by(Issue.id.desc()).limit(200))
    return [{"kind": str(_l("Street report")), "title": i.title, "state": str(STATUS_LABELS[i.status]),
             "url": url_for("issues.detail", issue_id=i.id), "created_at": i.created_at} for i in rows]


def init_app(app: Any) -> None:
    from ..core import signals

    signals.personal_data_export.connect(export, sender=app, weak=False)
    signals.personal_data_erase.connect(erase, sender=app, weak=False)
    signals.public_profile_items.connect(profile_items, sender=app, weak=False)
