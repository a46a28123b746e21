"""Meeting pages for everyone: the calendar list, a meeting, its .ics, feeds, registering and the code.

The organisers' pages are in `admin.py` (same blueprint).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import geo, site
from ..core.errors import ServiceError
from ..core.forms import attach_error
from ..core.i18n import current_language, localized
from ..core.security import limit_posting
from ..core.services import parse_id
from ..extensions import db
from ..processes.queries import get_process_by_slug
from ..surveys.answering import AnswerErrors
from ..surveys.forms import AnswerForm
from . import calendar, comments, permissions, queries, registrations
from .forms import CommentForm
from .models import Accessibility, MeetingKind

bp = Blueprint("meetings", __name__, template_folder="templates")

ICS = "text/calendar; charset=utf-8"


@bp.get("/meetings/")
def index():
    filters = queries.Filters.from_args(request.args)
    return render_template("meetings/index.html", meetings=queries.list_meetings(filters), filters=filters,
                           kinds=list(MeetingKind), accessibility=list(Accessibility),
                           can_create=permissions.can_create_meeting(current_user, None))


@bp.get("/meetings.geojson")
def geojson():
    meeting_id = parse_id(request.args.get("id")) if request.args.get("id") else None
    return jsonify(queries.geojson(geo.parse_bbox(request.args.get("bbox")), meeting_id))


def _ics(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Type": ICS, "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "public, max-age=300"})


@bp.get("/meetings/calendar.ics")
def calendar_all():
    name = _("Meetings") + " | " + localized(site.get("CITY_NAME"))
    return _ics(calendar.calendar(queries.calendar_meetings(), current_language(), name),
                "meetings.ics")


@bp.get("/processes/<slug>/meetings.ics")
def process_calendar(slug: str):
    process = get_process_by_slug(slug, current_user)
    name = _("Meetings") + " | " + localized(process.title)
    return _ics(calendar.calendar(queries.calendar_meetings(process), current_language(), name),
                f"{process.slug}-meetings.ics")


@bp.get("/meetings/<int:meeting_id>.ics")
def ics(meeting_id: int):
    meeting = queries.get_meeting(meeting_id, current_user)
    return _ics(calendar.calendar([meeting], current_language(), localized(meeting.title)),
                f"meeting-{meeting.id}.ics")


def _detail(meeting, *, status: int = 200, error: str | None = None, answer_form: AnswerForm | None = None,
            comment_form: CommentForm | None = None):
    registration = registrations.own_registration(current_user, meeting)
    return render_template(
        "meetings/detail.html", meeting=meeting, registration=registration, error=error,
        answer_form=answer_form or AnswerForm(meeting.questions),
        waiting_position=registrations.waiting_position(registration) if registration else None,
        show_link=permissions.can_see_online_link(current_user, meeting, registration),
        link_minutes=permissions.link_minutes(),
        proposals=queries.linked_proposals(meeting),
        comments=comments.comments(meeting, current_user), comment_form=comment_form or CommentForm(formdata=None),
    ), status


@bp.get("/meetings/<int:meeting_id>")
def detail(meeting_id: int):
    return _detail(queries.get_meeting(meeting_id, current_user))


def _act(meeting, action, success: str):
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        return _detail(meeting, status=exc.status_code, error=str(exc.message))
    flash(success, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#registration")


@bp.post("/meetings/<int:meeting_id>/register")
@login_required
@limit_posting
def register(meeting_id: int):
    meeting = queries.get_meeting(meeting_id, current_user)
    form = AnswerForm(meeting.questions, request.form)  # type: ignore[arg-type]  # any AnswerableQuestion
    try:
        registration = registrations.register(current_user, meeting, form.answers())
    except AnswerErrors as exc:
        db.session.rollback()
        form.show_errors(exc.errors)
        return _detail(meeting, status=400, error=str(exc.message), answer_form=form)
    except ServiceError as exc:
        db.session.rollback()
        return _detail(meeting, status=exc.status_code, error=str(exc.message), answer_form=form)
    if registration.status == "waiting":
        flash(_("The meeting is full: you are on the waiting list. If a place becomes free, you move "
                "up automatically and we notify you."), "info")
    else:
        flash(_("You are registered. Keep your registration code for the check-in."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#registration")


@bp.post("/meetings/<int:meeting_id>/cancel-registration")
@login_required
def cancel_registration(meeting_id: int):
    meeting = queries.get_meeting(meeting_id, current_user)
    registration = registrations.require_not_found(registrations.own_registration(current_user, meeting))
    return _act(meeting, lambda: registrations.cancel(current_user, registration),
                _("Your registration has been cancelled."))


@bp.get("/meetings/<int:meeting_id>/qr.svg")
@login_required
def qr(meeting_id: int):
    """The check-in QR code of the signed-in resident's own registration (an image, never cached)."""
    meeting = queries.get_meeting(meeting_id, current_user)
    registration = registrations.own_registration(current_user, meeting)
    if registration is None or not permissions.can_view_registration(current_user, registration):
        abort(404)
    target = url_for("meetings.admin_checkin", meeting_id=meeting.id, code=registration.code, _external=True)
    return Response(calendar.qr_svg(target), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


@bp.post("/meetings/<int:meeting_id>/comments")
@login_required
@limit_posting
def comment(meeting_id: int):
    meeting = queries.get_meeting(meeting_id, current_user)
    form = CommentForm()
    if not form.validate_on_submit():
        return _detail(meeting, status=400, comment_form=form)
    try:
        comments.add_comment(current_user, meeting, form.body.data, current_language())
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _detail(meeting, status=exc.status_code, comment_form=form)
    flash(_("Your comment has been published."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#comments")


@bp.post("/meetings/<int:meeting_id>/comments/<int:comment_id>/delete")
@login_required
def comment_delete(meeting_id: int, comment_id: int):
    meeting = queries.get_meeting(meeting_id, current_user)
    return _act(meeting, lambda: comments.delete_comment(current_user, meeting, comment_id),
                _("Your comment has been deleted."))
