"""Accountability: results and their timelines, the proposal outcome report, the facilitators' pages."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import signals
from ..core.actions import form_status, submit
from ..core.forms import translated
from ..core.i18n import current_language
from ..core.services import parse_id
from ..core.uploads import save_image
from ..processes import queries as process_queries
from ..processes.models import Process
from . import permissions, queries, reports, services
from .forms import CsvForm, EntryForm, ResultForm, StatusesForm
from .models import LINK_TYPES, Result

bp = Blueprint("accountability", __name__, template_folder="templates")


def _process(slug: str) -> Process:
    return process_queries.get_process_by_slug(slug, current_user)


@bp.get("/processes/<slug>/results/")
def index(slug: str):
    process = _process(slug)
    area, category = request.args.get("area", "")[:100], request.args.get("category", "")[:100]
    status_id = parse_id(request.args.get("status"))
    return render_template(
        "accountability/index.html", process=process, area=area, category=category, status_id=status_id,
        results=queries.top_results(process, area=area, category=category, status_id=status_id),
        by_area=queries.progress_by(process, "area"), by_category=queries.progress_by(process, "category"),
        areas=queries.choices(process, "area"), categories=queries.choices(process, "category"),
        statuses=queries.process_statuses(process))


def _linked(process: Process, result: Result) -> list[tuple[str, str, str]]:
    """(kind label, name, url) for what the result answers."""
    proposals = {p["id"]: p for p in signals.collect_lists(signals.process_proposals, process=process)}
    projects = {p["id"]: p for p in signals.collect_lists(signals.selected_projects, process=process)}
    out = []
    for link in result.links:
        kind = str(LINK_TYPES.get(link.target_type, link.target_type))
        if link.target_type == "proposals" and link.target_id in proposals:
            p = proposals[link.target_id]
            out.append((kind, p["title"] or _("(hidden)"), p["url"]))
        elif link.target_type == "budget_projects" and link.target_id in projects:
            p = projects[link.target_id]
            out.append((kind, p["title"].get(current_language()) or p["title"].get("ja", ""), p["url"]))
        elif link.target_type == "issues":
            out.append((kind, f"#{link.target_id}", url_for("issues.detail", issue_id=link.target_id)))
    return out


@bp.get("/processes/<slug>/results/<int:result_id>")
def result(slug: str, result_id: int):
    process = _process(slug)
    result = queries.get_result(result_id, process)
    parent = queries.get_result(result.parent_id) if result.parent_id else None
    return render_template("accountability/result.html", process=process, result=result, parent=parent,
                           linked=_linked(process, result))


@bp.get("/processes/<slug>/outcomes")
def outcomes(slug: str):
    process = _process(slug)
    rows = reports.outcome_rows(process)
    chosen = request.args.get("outcome", "")
    shown = [r for r in rows if r.outcome == chosen] if chosen in reports.OUTCOMES else rows
    return render_template("accountability/outcomes.html", process=process, rows=shown, total=len(rows),
                           counts=reports.counts(rows), chosen=chosen, outcomes=reports.OUTCOMES)


@bp.get("/processes/<slug>/outcomes.csv")
def outcomes_csv(slug: str):
    process = _process(slug)
    body = reports.outcomes_csv(reports.outcome_rows(process))
    return Response(body.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{process.slug}-outcomes.csv"'})


# --- facilitators ---------------------------------------------------------------------------------

def _manage_process(process_id: int) -> Process:
    process = process_queries.get_process(process_id)
    if not permissions.can_manage_results(current_user, process):
        abort(403, description=permissions.NOT_FACILITATOR)
    return process


def _manage(result_id: int) -> tuple[Process, Result]:
    result = queries.get_result(result_id)
    return _manage_process(result.process_id), result


def _admin_page(process: Process, *, status: int = 200, statuses_form=None, csv_form=None):
    current = services.statuses(process)
    form = statuses_form or StatusesForm(formdata=None, statuses="\n".join(
        f"{s.name.get('ja', '')} | {s.name.get('en', '')} | {s.progress}" for s in current))
    return render_template("accountability/admin_index.html", process=process, results=queries.top_results(process),
                           statuses_form=form, csv_form=csv_form or CsvForm(formdata=None)), status


@bp.get("/admin/processes/<int:process_id>/results/")
@login_required
def admin_index(process_id: int):
    return _admin_page(_manage_process(process_id))


@bp.post("/admin/processes/<int:process_id>/results/statuses")
@login_required
def admin_statuses(process_id: int):
    process = _manage_process(process_id)
    form = StatusesForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.set_statuses(current_user, process, form.statuses.data),
                             _("The statuses have been saved."))
        if ok:
            return redirect(url_for("accountability.admin_index", process_id=process.id))
    return _admin_page(process, status=400, statuses_form=form)


@bp.post("/admin/processes/<int:process_id>/results/import-projects")
@login_required
def admin_import_projects(process_id: int):
    process = _manage_process(process_id)
    made = services.import_from_projects(current_user, process)
    flash(_("%(n)s results were made from the selected projects.", n=len(made)), "success")
    return redirect(url_for("accountability.admin_index", process_id=process.id))


@bp.post("/admin/processes/<int:process_id>/results/import.csv")
@login_required
def admin_import_csv(process_id: int):
    process = _manage_process(process_id)
    form = CsvForm()
    if form.validate_on_submit():
        ok, made = submit(form, lambda: services.import_csv(current_user, process, form.file.data.read()),
                          _("The results have been imported."))
        if ok:
            return redirect(url_for("accountability.admin_index", process_id=process.id))
    return _admin_page(process, status=400, csv_form=form)


@bp.route("/admin/processes/<int:process_id>/results/new", methods=["GET", "POST"])
@login_required
def admin_new(process_id: int):
    process = _manage_process(process_id)
    form = ResultForm()
    form.offer(services.statuses(process), queries.parent_choices(process))
    if form.validate_on_submit():
        ok, made = submit(form, lambda: services.create_result(current_user, process, form.service_data()),
                          _("The result has been created."))
        if ok:
            return redirect(url_for("accountability.admin_result", result_id=made.id))
    return render_template("accountability/admin_result.html", form=form, process=process, result=None,
                           entry_form=None), form_status()


@bp.route("/admin/results/<int:result_id>/", methods=["GET", "POST"])
@login_required
def admin_result(result_id: int):
    process, result = _manage(result_id)
    form = ResultForm(obj=result if request.method == "GET" else None)
    form.offer(services.statuses(process), queries.parent_choices(process, exclude=result))
    if request.method == "GET":
        form.fill(result)
    if form.validate_on_submit():
        ok, _made = submit(form, lambda: services.update_result(current_user, result, form.service_data()),
                           _("The result has been saved."))
        if ok:
            return redirect(url_for("accountability.admin_result", result_id=result.id))
    return render_template("accountability/admin_result.html", form=form, process=process, result=result,
                           entry_form=EntryForm(formdata=None)), form_status()


@bp.post("/admin/results/<int:result_id>/delete")
@login_required
def admin_delete(result_id: int):
    process, result = _manage(result_id)
    services.delete_result(current_user, result)
    flash(_("The result has been deleted."), "success")
    return redirect(url_for("accountability.admin_index", process_id=process.id))


@bp.post("/admin/results/<int:result_id>/entries")
@login_required
def admin_entry(result_id: int):
    process, result = _manage(result_id)
    form = EntryForm()
    if form.validate_on_submit():
        def add():
            image = form.image.data
            image_id = save_image(image, current_user).id if getattr(image, "filename", "") else None
            return services.add_entry(current_user, result, {"date": form.date.data, "text": translated(form, "text"),
                                                             "image_id": image_id})
        ok, _entry = submit(form, add, _("The timeline entry has been added."))
        if ok:
            return redirect(url_for("accountability.admin_result", result_id=result.id))
    result_form = ResultForm(formdata=None, obj=result)
    result_form.offer(services.statuses(process), queries.parent_choices(process, exclude=result))
    result_form.fill(result)
    return render_template("accountability/admin_result.html", form=result_form, process=process, result=result,
                           entry_form=form), 400
