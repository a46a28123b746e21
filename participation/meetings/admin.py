"""The organisers' meeting pages: create, edit, cancel, registrations, CSV, check-in, minutes, proposals."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.actions import form_status, submit
from ..core.i18n import current_language
from ..processes import queries as process_queries
from ..processes.permissions import can_view_process_admin
from . import exports, permissions, queries, registrations, services
from .forms import (
    CancelMeetingForm,
    CheckInForm,
    LinkProposalForm,
    MeetingForm,
    MinutesForm,
    PhotosForm,
    QuestionForm,
)
from .models import Meeting
from .views import bp


def _load(meeting_id: int) -> Meeting:
    meeting = queries.get_meeting(meeting_id, current_user)
    if not permissions.can_manage_meeting(current_user, meeting):
        abort(403, description=services.NOT_ORGANISER)
    return meeting


@bp.get("/admin/meetings/")
@login_required
def admin_index():
    if not can_view_process_admin(current_user):  # facilitators of a process or of all of them
        abort(403, description=services.NOT_ORGANISER)
    meetings = queries.managed_meetings(current_user)
    return render_template("meetings/admin_index.html", meetings=meetings,
                           can_create=permissions.can_create_meeting(current_user, None))


def _new(process):
    if not permissions.can_create_meeting(current_user, process):
        abort(403, description=services.NOT_ORGANISER)
    form = MeetingForm()
    form.offer_phases(process)
    if form.validate_on_submit():
        ok, meeting = submit(form, lambda: services.create_meeting(current_user, process, form.service_data()),
                             _("The meeting has been published."))
        if ok:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/admin_edit.html", form=form, process=process, meeting=None), form_status()


@bp.route("/admin/meetings/new", methods=["GET", "POST"])
@login_required
def admin_new():
    return _new(None)


@bp.route("/admin/processes/<int:process_id>/meetings/new", methods=["GET", "POST"])
@login_required
def admin_new_in_process(process_id: int):
    return _new(process_queries.get_process(process_id))


@bp.route("/admin/meetings/<int:meeting_id>/", methods=["GET", "POST"])
@login_required
def admin_edit(meeting_id: int):
    meeting = _load(meeting_id)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    form.offer_phases(meeting.process)
    if request.method == "GET":
        form.fill(meeting)
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_meeting(current_user, meeting, form.service_data()),
                             _("The meeting has been saved."))
        if ok:
            return redirect(url_for("meetings.admin_edit", meeting_id=meeting.id))
    return _edit_page(meeting, form=form), form_status()


def _edit_page(meeting: Meeting, **forms):
    """The organiser's page of a meeting, with one of its forms (edit, cancel, question, link) in error."""
    form = forms.pop("form", None)
    if form is None:
        form = MeetingForm(formdata=None)
        form.offer_phases(meeting.process)
        form.fill(meeting)
    return render_template(
        "meetings/admin_edit.html", form=form, process=meeting.process, meeting=meeting,
        cancel_form=forms.get("cancel_form") or CancelMeetingForm(formdata=None),
        link_form=forms.get("link_form") or LinkProposalForm(formdata=None),
        question_form=forms.get("question_form") or QuestionForm(formdata=None),
        proposals=queries.linked_proposals(meeting))


@bp.post("/admin/meetings/<int:meeting_id>/questions")
@login_required
def admin_question_add(meeting_id: int):
    meeting = _load(meeting_id)
    form = QuestionForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.add_question(current_user, meeting, form.service_data()),
                             _("The question has been added to the registration form."))
        if ok:
            return redirect(url_for("meetings.admin_edit", meeting_id=meeting.id) + "#questions")
    return _edit_page(meeting, question_form=form), 400


@bp.post("/admin/meetings/<int:meeting_id>/questions/<int:question_id>/delete")
@login_required
def admin_question_delete(meeting_id: int, question_id: int):
    meeting = _load(meeting_id)
    services.delete_question(current_user, meeting, question_id)  # NotFound -> 404, rolled back
    flash(_("The question has been removed."), "success")
    return redirect(url_for("meetings.admin_edit", meeting_id=meeting.id) + "#questions")


@bp.post("/admin/meetings/<int:meeting_id>/cancel")
@login_required
def admin_cancel(meeting_id: int):
    meeting = _load(meeting_id)
    form = CancelMeetingForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.cancel_meeting(current_user, meeting, form.reason.data),
                             _("The meeting has been cancelled. Everyone registered has been notified."))
        if ok:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return _edit_page(meeting, cancel_form=form), 400


@bp.get("/admin/meetings/<int:meeting_id>/registrations")
@login_required
def admin_registrations(meeting_id: int):
    meeting = _load(meeting_id)
    return render_template("meetings/admin_registrations.html", meeting=meeting,
                           registrations=registrations.registrations(current_user, meeting),
                           checkin_form=CheckInForm(formdata=None))


@bp.post("/admin/meetings/<int:meeting_id>/export.csv")
@login_required
def admin_export(meeting_id: int):
    meeting = _load(meeting_id)
    body = exports.registrations_csv(current_user, meeting, current_language())
    return Response(body.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}-registrations.csv"',
                             "Cache-Control": "private, no-store"})


@bp.route("/admin/meetings/<int:meeting_id>/checkin", methods=["GET", "POST"])
@login_required
def admin_checkin(meeting_id: int):
    """Type the code, or scan the QR code (it opens this page with the code filled in)."""
    meeting = _load(meeting_id)
    form = CheckInForm(formdata=request.form if request.method == "POST" else None,
                       code=request.args.get("code", "")[:40])
    if form.validate_on_submit():
        ok, registration = submit(form, lambda: registrations.check_in(current_user, meeting, form.code.data),
                                  _("Checked in."))
        if ok:
            flash(registration.user.display_name, "info")
            return redirect(url_for("meetings.admin_checkin", meeting_id=meeting.id))
    found = registrations.get_registration_by_code(current_user, meeting, form.code.data) \
        if request.method == "GET" else None
    return render_template("meetings/admin_checkin.html", meeting=meeting, form=form, found=found), form_status()


@bp.route("/admin/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@login_required
def admin_minutes(meeting_id: int):
    meeting = _load(meeting_id)
    form = MinutesForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.minutes_ja.data, form.minutes_en.data = meeting.minutes.get("ja", ""), meeting.minutes.get("en", "")
        form.attendance_count.data = meeting.attendance_count
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.save_minutes(current_user, meeting, form.service_data()),
                             _("The minutes have been published."))
        if ok:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#minutes")
    return render_template("meetings/admin_minutes.html", meeting=meeting, form=form,
                           photos_form=PhotosForm(formdata=None)), form_status()


@bp.post("/admin/meetings/<int:meeting_id>/photos")
@login_required
def admin_photos(meeting_id: int):
    meeting = _load(meeting_id)
    form = PhotosForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.add_photos(current_user, meeting,
                                                               request.files.getlist("photos")),
                             _("The photos have been added."))
        if ok:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#minutes")
    minutes = MinutesForm(formdata=None)
    minutes.minutes_ja.data, minutes.minutes_en.data = meeting.minutes.get("ja", ""), meeting.minutes.get("en", "")
    minutes.attendance_count.data = meeting.attendance_count
    return render_template("meetings/admin_minutes.html", meeting=meeting, form=minutes, photos_form=form), 400


@bp.post("/admin/meetings/<int:meeting_id>/photos/<int:photo_id>/delete")
@login_required
def admin_photo_delete(meeting_id: int, photo_id: int):
    meeting = _load(meeting_id)
    services.delete_photo(current_user, meeting, photo_id)  # NotFound -> 404, rolled back
    flash(_("The photo has been removed."), "success")
    return redirect(url_for("meetings.admin_minutes", meeting_id=meeting.id))


@bp.post("/admin/meetings/<int:meeting_id>/proposals")
@login_required
def admin_link_proposal(meeting_id: int):
    meeting = _load(meeting_id)
    form = LinkProposalForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.link_proposal(current_user, meeting, form.proposal_id.data),
                             _("The proposal is now shown as raised at this meeting."))
        if ok:
            return redirect(url_for("meetings.admin_edit", meeting_id=meeting.id) + "#proposals")
    return _edit_page(meeting, link_form=form), 400


@bp.post("/admin/meetings/<int:meeting_id>/proposals/<int:link_id>/delete")
@login_required
def admin_unlink_proposal(meeting_id: int, link_id: int):
    meeting = _load(meeting_id)
    services.unlink_proposal(current_user, meeting, link_id)  # NotFound -> 404, rolled back
    flash(_("The link to the proposal has been removed."), "success")
    return redirect(url_for("meetings.admin_edit", meeting_id=meeting.id) + "#proposals")
