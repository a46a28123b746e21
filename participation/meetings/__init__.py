"""Meetings: information sessions, workshops, open houses and online events; registration, calendars, minutes."""
from __future__ import annotations

from typing import Any

import click
from flask import Flask, url_for
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

NOTIFICATION_KINDS = {
    "meeting.promoted": _l("A place became free: you are now registered for “%(title)s”."),
    "meeting.changed": _l("The meeting “%(title)s” has changed. Please check the date, time and place."),
    "meeting.cancelled": _l("The meeting “%(title)s” has been cancelled."),
    "meeting.reminder": _l("Reminder: the meeting “%(title)s” is coming soon."),
}


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from . import activity

    activity.init_app(app)  # /account/activity
    from ..core import signals
    from ..core.features import expose_predicates
    from ..core.registry import (
        ModerationTarget,
        register_moderation_target,
        register_notification_kind,
        register_upload_owner,
    )
    from . import admin, permissions  # noqa: F401  (admin adds its routes to the blueprint)
    from .models import (
        ACCESSIBILITY_LABELS,
        KIND_LABELS,
        QUESTION_KIND_LABELS,
        STATUS_LABELS,
        TYPE_LABELS,
        MeetingComment,
    )
    from .views import bp

    app.register_blueprint(bp)
    app.config.setdefault("MEETING_LINK_MINUTES", 30)
    expose_predicates(app, permissions)
    app.jinja_env.filters["meeting_time"] = _time
    app.jinja_env.globals.update(meeting_kind_labels=KIND_LABELS, meeting_type_labels=TYPE_LABELS,
                                 accessibility_labels=ACCESSIBILITY_LABELS, registration_status_labels=STATUS_LABELS,
                                 question_kind_labels=QUESTION_KIND_LABELS)
    for kind, message in NOTIFICATION_KINDS.items():
        register_notification_kind(app, kind, message, _meeting_url, prepare=_localized_title)
    register_upload_owner(app, "meeting_photos", _meetings_using_upload, _can_read_meeting)
    register_moderation_target(app, "meeting_comments", ModerationTarget(
        MeetingComment, _l("Comment on a meeting"), _comment_process, lambda o: o.author_id,
        lambda o: url_for("meetings.detail", meeting_id=o.meeting_id) + f"#comment-{o.id}",
        lambda o: o.body, MeetingComment.author_id))
    signals.home_blocks.connect(_home_block, sender=app, weak=False)
    signals.process_figures.connect(_figures, sender=app, weak=False)
    signals.process_actions.connect(_actions, sender=app, weak=False)
    signals.process_admin_blocks.connect(_admin_block, sender=app, weak=False)
    signals.seed_demo.connect(_seed, sender=app, weak=False)
    signals.admin_sections.connect(_admin_sections, sender=app, weak=False)
    app.cli.add_command(_cli())
    from .kpi import facts as kpi_facts

    signals.kpi_facts.connect(kpi_facts, sender=app, weak=False)


def _time(value: Any) -> str:
    """19:00 (ja) / 7:00 PM (en), in the city's timezone."""
    from flask_babel import format_time

    return format_time(value, "short") if value else ""


def _meeting_url(notification: Any) -> str:
    return url_for("meetings.detail", meeting_id=notification.target_id)


def _localized_title(data: dict) -> dict:
    from ..core.i18n import localized

    return {**data, "title": localized(data.get("title_i18n")) or data.get("title", "")}


def _comment_process(comment: Any) -> int | None:
    from ..extensions import db
    from .models import Meeting

    meeting = db.session.get(Meeting, comment.meeting_id)
    return meeting.process_id if meeting else None


def _meetings_using_upload(upload_id: int) -> list[Any]:
    from sqlalchemy import select

    from ..extensions import db
    from .models import Meeting, MeetingPhoto

    return list(db.session.scalars(select(Meeting).join(MeetingPhoto, MeetingPhoto.meeting_id == Meeting.id)
                                   .where(MeetingPhoto.upload_id == upload_id)))


def _can_read_meeting(user: Any, meeting: Any) -> bool:
    from .permissions import can_view_meeting

    return can_view_meeting(user, meeting)


def _home_block(app: Any, **_: Any) -> Any:
    from ..core.signals import Block
    from .queries import Filters, list_meetings

    meetings = [m for m in list_meetings(Filters(), limit=6) if not m.is_cancelled][:3]
    return Block("meetings/_home.html", {"meetings": meetings}) if meetings else None


def _figures(app: Any, *, process: Any, **_: Any) -> list[tuple[str, int]]:
    from .queries import meetings_count

    return [(str(_l("Meetings")), meetings_count(process))]


def _actions(app: Any, *, process: Any, user: Any, **_: Any) -> list[tuple[str, str]]:
    from .queries import has_upcoming

    if not has_upcoming(process):
        return []
    return [(str(_l("Come to a meeting")), url_for("meetings.index", process=process.slug))]


def _admin_block(app: Any, *, process: Any, **_: Any) -> Any:
    from ..core.signals import Block
    from .queries import process_meetings

    return Block("meetings/_process_admin.html", {"meetings": process_meetings(process)})


def _seed(app: Any, **_: Any) -> str | None:
    from .demo import seed

    return seed()


def _cli() -> AppGroup:
    group = AppGroup("meetings", help="Meetings: reminders.")

    @group.command("remind")
    def remind() -> None:
        """Send the in-app reminders due now (2 days and 2 hours before); safe to run every few minutes."""
        from ..extensions import db
        from .services import send_reminders

        sent = send_reminders()
        db.session.commit()
        click.echo(f"{sent} reminders sent")

    return group


def _admin_sections(app, user=None) -> list:
    """Links on the administration dashboard."""
    from ..processes.permissions import can_view_process_admin

    if not can_view_process_admin(user):
        return []
    return [(_l("Meetings"), url_for("meetings.admin_index"))]
