"""Staff pages of street issues: the triage queue (filters, map, select-all, bulk status and
assignment), assigning one issue to a colleague, internal notes, response templates."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core.errors import ServiceError
from ..core.forms import attach_error, translated
from ..core.services import parse_id
from ..extensions import db
from . import permissions, queries, services, triage_queries, triage_services
from .forms import TemplateForm
from .models import GROUP_LABELS, OPEN_STATUSES, STATUS_LABELS, Status
from .triage_forms import AssignForm, NoteForm, TriageForm
from .views import _int_arg, _page, _status_choices, _template_choices, bp


def _triage_department():
    requested = _int_arg("department") or parse_id(request.form.get("department"))
    return queries.triage_department(current_user, requested)


def _assignee_choices(form, department_id: int) -> None:
    form.assignee_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(u.id), _("%(name)s (you)", name=u.display_name) if u.id == current_user.id
                     else u.display_name) for u in triage_queries.colleagues(department_id)]


@bp.route("/admin/triage", methods=["GET", "POST"])
@login_required
def triage():
    department = _triage_department()
    filters = triage_queries.parse_filters(request.args)
    form = TriageForm()
    _status_choices(form)
    form.status.choices = [SelectChoice("", _("Choose…")), *form.status.choices]
    _template_choices(form, department.id)
    _assignee_choices(form, department.id)
    status_code = 200
    if request.method == "POST":
        field = "page_ids" if form.whole_page.data else "issue_ids"
        ids = [i for i in map(parse_id, request.form.getlist(field)) if i]
        if form.validate_on_submit():
            try:
                if request.form.get("action") == "assign":
                    count = triage_services.bulk_assign(current_user, ids, form.assignee_id.data)
                else:
                    count = services.bulk_change_status(current_user, ids, form.status.data, form.note.data,
                                                        template_id=form.template_id.data,
                                                        department_id=department.id)
            except ServiceError as exc:
                db.session.rollback()
                attach_error(form, exc)
                status_code = exc.status_code
            else:
                flash(_("%(n)d issues have been updated.", n=count), "success")
                return redirect(url_for("issues.triage", department=department.id, **filters.args()))
        else:
            status_code = 400
    queue = triage_queries.triage_queue(current_user, department.id, filters)
    return render_template(
        "issues/triage.html", queue=queue, filters=filters, form=form, department=department,
        departments=queries.list_departments(), categories=queries.list_categories(), areas=queries.list_areas(),
        statuses=[(s, STATUS_LABELS[s]) for s in OPEN_STATUSES], ages=triage_queries.AGES,
        metoo_minimums=triage_queries.METOO_MINIMUMS, group_labels=GROUP_LABELS), status_code


@bp.post("/admin/triage/<int:issue_id>/assign")
@login_required
def triage_assign(issue_id: int):
    """Assign one issue to the colleague chosen (oneself included), or to nobody."""
    issue = queries.get_issue(issue_id)
    form = AssignForm()
    _assignee_choices(form, issue.department_id)
    try:
        if request.form.get("action") == "unassign":
            triage_services.unassign(current_user, issue)
        else:
            triage_services.assign(current_user, issue, form.assignee_id.data)
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _page(issue, status=exc.status_code, error=str(exc.message), forms={"assign": form})
    flash(_("The assignment has been saved."), "success")
    if request.form.get("back") == "triage":
        return redirect(url_for("issues.triage", department=issue.department_id))
    return redirect(url_for("issues.detail", issue_id=issue.id) + "#staff-title")


@bp.post("/issues/<int:issue_id>/notes")
@login_required
def add_note(issue_id: int):
    issue = queries.get_issue(issue_id)
    if not permissions.can_add_issue_note(current_user, issue):
        abort(403, description=permissions.NOTES_FOR_STAFF)
    form = NoteForm()
    if not form.validate_on_submit():
        return _page(issue, status=400, error=_("Please write the note."), forms={"note": form})
    try:
        triage_services.add_note(current_user, issue, form.text.data)
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _page(issue, status=exc.status_code, error=str(exc.message), forms={"note": form})
    flash(_("The internal note has been saved."), "success")
    return redirect(url_for("issues.detail", issue_id=issue.id) + "#notes-title")


def staff_forms(issue, forms: dict) -> dict:
    """The issue page's staff forms (assign, note), kept when a submission failed."""
    assign_form = forms.get("assign") or AssignForm(formdata=None, assignee_id=str(issue.assignee_id or ""))
    if permissions.can_manage_issue(current_user, issue):
        _assignee_choices(assign_form, issue.department_id)
    return {"assign_form": assign_form, "note_form": forms.get("note") or NoteForm(formdata=None)}


@bp.route("/admin/templates", methods=["GET", "POST"])
@login_required
def templates():
    department = _triage_department()
    department_id = department.id
    form = TemplateForm()
    form.status.choices = [SelectChoice(s, STATUS_LABELS[s]) for s in Status]
    status_code = 200
    if form.validate_on_submit():
        try:
            services.add_template(current_user, department_id, form.status.data,
                                  translated(form, "title"), translated(form, "text"))
        except ServiceError as exc:
            db.session.rollback()
            attach_error(form, exc)
            status_code = exc.status_code
        else:
            flash(_("The template has been saved."), "success")
            return redirect(url_for("issues.templates", department=department_id))
    elif request.method == "POST":
        status_code = 400
    return render_template("issues/templates.html", form=form, templates=queries.templates_for(department_id),
                           department=department), status_code


@bp.post("/admin/templates/<int:template_id>/delete")
@login_required
def template_delete(template_id: int):
    services.delete_template(current_user, template_id)
    flash(_("The template has been deleted."), "success")
    return redirect(url_for("issues.templates"))
