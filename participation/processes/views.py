"""Public process pages and the facilitators' administration."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..core.actions import form_status, submit
from ..core.forms import fill_translated, translated
from ..core.models import Role
from ..core.services import parse_id
from . import permissions, queries, services
from .capabilities import is_allowed
from .forms import PhaseForm, ProcessForm, StaffForm
from .models import Capability

bp = Blueprint("processes", __name__, template_folder="templates")

TIMINGS = ("active", "upcoming", "past")
NOT_FACILITATOR = _l("Only facilitators of this process and administrators can do this.")


# --- public -------------------------------------------------------------------------------------

@bp.get("/processes/")
def index():
    timing = request.args.get("timing", "active")
    if timing not in TIMINGS:
        timing = "active"
    processes = queries.list_public_processes(timing)
    return render_template("processes/index.html", processes=processes, timing=timing,
                           timings=TIMINGS)


@bp.get("/processes/<slug>/")
def detail(slug: str):
    process = queries.get_process_by_slug(slug, current_user)
    phase = process.current_phase()
    decisions = {c: is_allowed(process, c, current_user) for c in Capability}
    return render_template("processes/detail.html", process=process, current_phase=phase,
                           decisions=decisions, figures=queries.process_figures(process),
                           actions=queries.calls_to_action(process, current_user))


# --- administration -----------------------------------------------------------------------------

def _load_for_edit(process_id: int):
    process = queries.get_process(process_id)
    if not permissions.can_edit_process(current_user, process):
        abort(403, description=NOT_FACILITATOR)
    return process


def _process_data(form: ProcessForm) -> dict:
    return {
        "slug": form.slug.data, "title": translated(form, "title"),
        "subtitle": translated(form, "subtitle"), "description": translated(form, "description"),
        "start_date": form.start_date.data, "end_date": form.end_date.data,
        "hero_image": form.hero_image.data if getattr(form.hero_image.data, "filename", "") else None,
        "remove_hero_image": form.remove_hero_image.data,
        "support_limit": form.support_limit.data, "support_threshold": form.support_threshold.data,
    }


def _phase_data(form: PhaseForm) -> dict:
    data = {"title": translated(form, "title"), "description": translated(form, "description"),
            "start_date": form.start_date.data, "end_date": form.end_date.data,
            "publish_answers_immediately": form.publish_answers_immediately.data}
    for capability in Capability:
        data[capability.value] = getattr(form, capability.value).data
    return data


@bp.get("/admin/processes/")
@login_required
def admin_index():
    if not permissions.can_view_process_admin(current_user):
        abort(403, description=NOT_FACILITATOR)
    return render_template("processes/admin_index.html",
                           processes=queries.list_processes_for_staff(current_user))


@bp.route("/admin/processes/new", methods=["GET", "POST"])
@login_required
def admin_new():
    if not permissions.can_create_process(current_user):
        abort(403, description=_l("Only facilitators of all processes and administrators can create processes."))
    form = ProcessForm()
    if form.validate_on_submit():
        ok, process = submit(form, lambda: services.create_process(current_user, _process_data(form)),
                          _("The process has been created as a draft. Add its phases, then publish it."))
        if ok:
            return redirect(url_for("processes.admin_edit", process_id=process.id))
    status = form_status()
    return render_template("processes/admin_form.html", form=form, process=None), status


@bp.route("/admin/processes/<int:process_id>/", methods=["GET", "POST"])
@login_required
def admin_edit(process_id: int):
    process = _load_for_edit(process_id)
    form = ProcessForm(obj=process if request.method == "GET" else None)
    if request.method == "GET":
        for name in ("title", "subtitle", "description"):
            fill_translated(form, name, getattr(process, name))
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_process(current_user, process, _process_data(form)),
                          _("The process has been saved."))
        if ok:
            return redirect(url_for("processes.admin_edit", process_id=process.id))
    status = form_status()
    return render_template("processes/admin_form.html", form=form, process=process,
                           staff=queries.process_staff(process), staff_form=StaffForm(),
                           blocks=queries.admin_blocks(process)), status


@bp.post("/admin/processes/<int:process_id>/status")
@login_required
def admin_status(process_id: int):
    process = _load_for_edit(process_id)
    action = request.form.get("action", "")
    if action not in ("publish", "archive", "unpublish"):
        abort(400)
    services.change_process_status(current_user, process, action)
    flash({"publish": _("The process is now public."),
           "archive": _("The process has been archived."),
           "unpublish": _("The process is a draft again and hidden from the public.")}[action], "success")
    return redirect(url_for("processes.admin_edit", process_id=process.id))


@bp.route("/admin/processes/<int:process_id>/phases/new", methods=["GET", "POST"])
@login_required
def admin_phase_new(process_id: int):
    process = _load_for_edit(process_id)
    form = PhaseForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.add_phase(current_user, process, _phase_data(form)),
                          _("The phase has been added."))
        if ok:
            return redirect(url_for("processes.admin_edit", process_id=process.id))
    status = form_status()
    return render_template("processes/admin_phase_form.html", form=form, process=process,
                           phase=None), status


@bp.route("/admin/processes/<int:process_id>/phases/<int:phase_id>", methods=["GET", "POST"])
@login_required
def admin_phase_edit(process_id: int, phase_id: int):
    process = _load_for_edit(process_id)
    phase = queries.get_phase(process, phase_id)
    form = PhaseForm(obj=phase if request.method == "GET" else None)
    if request.method == "GET":
        fill_translated(form, "title", phase.title)
        fill_translated(form, "description", phase.description)
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_phase(current_user, phase, _phase_data(form)),
                          _("The phase has been saved."))
        if ok:
            return redirect(url_for("processes.admin_edit", process_id=process.id))
    status = form_status()
    return render_template("processes/admin_phase_form.html", form=form, process=process,
                           phase=phase), status


@bp.post("/admin/processes/<int:process_id>/phases/<int:phase_id>/delete")
@login_required
def admin_phase_delete(process_id: int, phase_id: int):
    process = _load_for_edit(process_id)
    services.delete_phase(current_user, queries.get_phase(process, phase_id))
    flash(_("The phase has been deleted."), "success")
    return redirect(url_for("processes.admin_edit", process_id=process.id))


@bp.post("/admin/processes/<int:process_id>/pin")
@login_required
def admin_pin(process_id: int):
    process = _load_for_edit(process_id)
    raw = request.form.get("phase_id", "")
    phase = None
    if raw:
        phase_id = parse_id(raw)
        if phase_id is None:
            abort(400)
        phase = queries.get_phase(process, phase_id)
    services.pin_phase(current_user, process, phase)
    flash(_("The current phase has been pinned.") if phase else
          _("The current phase follows the dates again."), "success")
    return redirect(url_for("processes.admin_edit", process_id=process.id))


@bp.post("/admin/processes/<int:process_id>/staff")
@login_required
def admin_staff_add(process_id: int):
    process = _load_for_edit(process_id)
    staff_form = StaffForm()
    if staff_form.validate_on_submit():
        ok, _result = submit(staff_form, lambda: services.assign_process_role(
                                 current_user, process, staff_form.email.data, Role(staff_form.role.data)),
                          _("The role has been assigned."))
        if ok:
            return redirect(url_for("processes.admin_edit", process_id=process.id))
    form = ProcessForm(formdata=None, obj=process)
    for name in ("title", "subtitle", "description"):
        fill_translated(form, name, getattr(process, name))
    return render_template("processes/admin_form.html", form=form, process=process,
                           staff=queries.process_staff(process), staff_form=staff_form,
                           blocks=queries.admin_blocks(process)), 400


@bp.post("/admin/processes/<int:process_id>/staff/<int:assignment_id>/delete")
@login_required
def admin_staff_remove(process_id: int, assignment_id: int):
    process = _load_for_edit(process_id)
    services.remove_process_role(current_user, process, assignment_id)
    flash(_("The role has been removed."), "success")
    return redirect(url_for("processes.admin_edit", process_id=process.id))


CAPABILITY_LABELS = {
    Capability.PROPOSE: _l("make proposals"),
    Capability.SUPPORT: _l("support proposals"),
    Capability.COMMENT: _l("comment"),
    Capability.ANSWER_SURVEY: _l("answer surveys"),
    Capability.VOTE_BUDGET: _l("vote on budgets"),
}


@bp.app_template_global()
def process_status_label(status: str) -> str:
    from .models import STATUS_LABELS, ProcessStatus

    return str(STATUS_LABELS[ProcessStatus(status)])


@bp.app_template_global()
def capability_label(capability: Capability) -> str:
    return str(CAPABILITY_LABELS[capability])


@bp.app_template_global()
def capabilities():
    return list(Capability)
