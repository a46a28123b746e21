"""Budgets: the ballot (works without JavaScript), results, and the facilitators' pages."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.actions import form_status, submit
from ..core.errors import ServiceError
from ..core.i18n import current_language
from ..core.services import parse_id
from ..core.uploads import save_image
from ..extensions import db
from ..processes import queries as process_queries
from ..processes.capabilities import is_allowed
from ..processes.models import Capability, Process
from . import exports, permissions, queries, services
from .forms import BudgetForm, ProjectForm, SelectionForm
from .models import RULE_LABELS, Budget, Project

bp = Blueprint("budgets", __name__, template_folder="templates")


def _load(slug: str, budget_id: int) -> tuple[Process, Budget]:
    process = process_queries.get_process_by_slug(slug, current_user)
    return process, queries.get_budget(budget_id, process)


@bp.get("/processes/<slug>/budgets/")
def index(slug: str):
    process = process_queries.get_process_by_slug(slug, current_user)
    return render_template("budgets/index.html", process=process, budgets=queries.process_budgets(process),
                           mine=queries.my_budget_states(current_user, process),
                           decision=is_allowed(process, Capability.VOTE_BUDGET, current_user))


def _budget_page(process: Process, budget: Budget, *, status: int = 200, error: str | None = None):
    return render_template(
        "budgets/budget.html", process=process, budget=budget, error=error, rule_labels=RULE_LABELS,
        ballot=queries.ballot_view(current_user, budget),
        decision=is_allowed(process, Capability.VOTE_BUDGET, current_user)), status


@bp.get("/processes/<slug>/budgets/<int:budget_id>/")
def budget(slug: str, budget_id: int):
    process, budget = _load(slug, budget_id)
    return _budget_page(process, budget)


@bp.get("/processes/<slug>/budgets/<int:budget_id>/projects/<int:project_id>")
def project(slug: str, budget_id: int, project_id: int):
    process, budget = _load(slug, budget_id)
    return render_template("budgets/project.html", process=process, budget=budget,
                           project=queries.get_project(budget, project_id),
                           ballot=queries.ballot_view(current_user, budget),
                           decision=is_allowed(process, Capability.VOTE_BUDGET, current_user))


def _ballot_act(process: Process, budget: Budget, action, success: str):
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        return _budget_page(process, budget, status=exc.status_code, error=str(exc.message))
    flash(success, "success")
    return redirect(url_for("budgets.budget", slug=process.slug, budget_id=budget.id) + "#ballot")


@bp.post("/processes/<slug>/budgets/<int:budget_id>/ballot")
@login_required
def ballot(slug: str, budget_id: int):
    process, budget = _load(slug, budget_id)
    project_id = parse_id(request.form.get("project_id"))
    project = db.session.get(Project, project_id) if project_id else None
    if project is None or project.budget_id != budget.id:
        return _budget_page(process, budget, status=400, error=_("Choose a project of this budget."))
    if request.form.get("action") == "remove":
        return _ballot_act(process, budget, lambda: services.remove_project(current_user, project),
                           _("The project has been removed from your ballot."))
    return _ballot_act(process, budget, lambda: services.add_project(current_user, project),
                       _("The project has been added to your ballot. Your vote counts only once you check out."))


@bp.post("/processes/<slug>/budgets/<int:budget_id>/checkout")
@login_required
def checkout(slug: str, budget_id: int):
    process, budget = _load(slug, budget_id)
    return _ballot_act(process, budget, lambda: services.checkout(current_user, budget),
                       _("Thank you! Your vote has been counted."))


@bp.post("/processes/<slug>/budgets/<int:budget_id>/cancel")
@login_required
def cancel(slug: str, budget_id: int):
    process, budget = _load(slug, budget_id)
    return _ballot_act(process, budget, lambda: services.cancel_checkout(current_user, budget),
                       _("Your vote has been cancelled. It no longer counts until you check out again."))


def _load_results(slug: str, budget_id: int) -> tuple[Process, Budget]:
    process, budget = _load(slug, budget_id)
    if not permissions.can_view_budget_results(current_user, budget):
        abort(403, description=permissions.RESULTS_NOT_PUBLIC)
    return process, budget


@bp.get("/processes/<slug>/budgets/<int:budget_id>/results")
def results(slug: str, budget_id: int):
    process, budget = _load_results(slug, budget_id)
    ranked = queries.ranking(budget)
    top = max((r.project.votes_count for r in ranked), default=0)
    return render_template("budgets/results.html", process=process, budget=budget, ranked=ranked, top=top,
                           selected_total=queries.selected_total(budget),
                           closed=permissions.voting_closed(budget), selection_form=SelectionForm(formdata=None))


@bp.get("/processes/<slug>/budgets/<int:budget_id>/results.csv")
def results_csv(slug: str, budget_id: int):
    _process, budget = _load_results(slug, budget_id)
    body = exports.results_csv(budget, current_language())
    return Response(body.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="budget-{budget.id}-results.csv"'})


# --- facilitators ---------------------------------------------------------------------------------

def _manage(budget_id: int) -> Budget:
    budget = queries.get_budget(budget_id)
    if not permissions.can_manage_budgets(current_user, budget.process):
        abort(403, description=permissions.NOT_FACILITATOR)
    return budget


def _fill(form, obj) -> None:
    for name in ("title", "description"):
        for lang in ("ja", "en"):
            getattr(form, f"{name}_{lang}").data = (getattr(obj, name) or {}).get(lang, "")


@bp.route("/admin/processes/<int:process_id>/budgets/new", methods=["GET", "POST"])
@login_required
def admin_new(process_id: int):
    process = process_queries.get_process(process_id)
    if not permissions.can_manage_budgets(current_user, process):
        abort(403, description=permissions.NOT_FACILITATOR)
    form = BudgetForm()
    if form.validate_on_submit():
        ok, budget = submit(form, lambda: services.create_budget(current_user, process, form.service_data()),
                            _("The budget has been created. Now add its projects."))
        if ok:
            return redirect(url_for("budgets.admin_budget", budget_id=budget.id))
    return render_template("budgets/admin_budget.html", form=form, process=process, budget=None), form_status()


@bp.route("/admin/budgets/<int:budget_id>/", methods=["GET", "POST"])
@login_required
def admin_budget(budget_id: int):
    budget = _manage(budget_id)
    form = BudgetForm(obj=budget if request.method == "GET" else None)
    if request.method == "GET":
        _fill(form, budget)
        form.rule.data = budget.rule.value
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_budget(current_user, budget, form.service_data()),
                             _("The budget has been saved."))
        if ok:
            return redirect(url_for("budgets.admin_budget", budget_id=budget.id))
    return render_template("budgets/admin_budget.html", form=form, process=budget.process, budget=budget,
                           closed=permissions.voting_closed(budget)), form_status()


@bp.post("/admin/budgets/<int:budget_id>/delete")
@login_required
def admin_delete(budget_id: int):
    budget = _manage(budget_id)
    process_id = budget.process_id
    services.delete_budget(current_user, budget)
    flash(_("The budget has been deleted."), "success")
    return redirect(url_for("processes.admin_edit", process_id=process_id))


@bp.post("/admin/budgets/<int:budget_id>/import")
@login_required
def admin_import(budget_id: int):
    budget = _manage(budget_id)
    made, skipped = services.projects_from_accepted_proposals(current_user, budget)
    flash(_("%(n)s projects were made from accepted proposals.", n=len(made)), "success")
    if skipped:
        flash(_("%(n)s accepted proposals have no estimated cost in their answer and were left out.", n=skipped),
              "info")
    return redirect(url_for("budgets.admin_budget", budget_id=budget.id))


@bp.post("/admin/budgets/<int:budget_id>/select")
@login_required
def admin_select(budget_id: int):
    budget = _manage(budget_id)
    chosen = services.select_projects(current_user, budget)
    flash(_("%(n)s projects have been selected by votes within the budget.", n=len(chosen)), "success")
    return redirect(url_for("budgets.results", slug=budget.process.slug, budget_id=budget.id))


@bp.post("/admin/budgets/<int:budget_id>/projects/<int:project_id>/selection")
@login_required
def admin_selection(budget_id: int, project_id: int):
    budget = _manage(budget_id)
    project = queries.get_project(budget, project_id)
    form = SelectionForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.adjust_selection(
            current_user, project, form.selected.data, form.reason.data), _("The selection has been changed."))
        if ok:
            return redirect(url_for("budgets.results", slug=budget.process.slug, budget_id=budget.id))
    ranked = queries.ranking(budget)
    return render_template("budgets/results.html", process=budget.process, budget=budget, ranked=ranked,
                           top=max((r.project.votes_count for r in ranked), default=0),
                           selected_total=queries.selected_total(budget), closed=permissions.voting_closed(budget),
                           selection_form=form, form_project=project), 400


def _project_data(form: ProjectForm) -> dict:
    data = form.service_data()
    if getattr(form.image.data, "filename", ""):
        data["image_id"] = save_image(form.image.data, current_user).id
    return data


@bp.route("/admin/budgets/<int:budget_id>/projects/new", methods=["GET", "POST"])
@login_required
def admin_project_new(budget_id: int):
    budget = _manage(budget_id)
    form = ProjectForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.create_project(current_user, budget, _project_data(form)),
                             _("The project has been added."))
        if ok:
            return redirect(url_for("budgets.admin_budget", budget_id=budget.id))
    return render_template("budgets/admin_project.html", form=form, budget=budget, project=None), form_status()


@bp.route("/admin/budgets/<int:budget_id>/projects/<int:project_id>", methods=["GET", "POST"])
@login_required
def admin_project(budget_id: int, project_id: int):
    budget = _manage(budget_id)
    project = queries.get_project(budget, project_id)
    form = ProjectForm(obj=project if request.method == "GET" else None)
    if request.method == "GET":
        _fill(form, project)
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_project(current_user, project, _project_data(form)),
                             _("The project has been saved."))
        if ok:
            return redirect(url_for("budgets.admin_budget", budget_id=budget.id))
    return render_template("budgets/admin_project.html", form=form, budget=budget, project=project), form_status()


@bp.post("/admin/budgets/<int:budget_id>/projects/<int:project_id>/delete")
@login_required
def admin_project_delete(budget_id: int, project_id: int):
    budget = _manage(budget_id)
    services.delete_project(current_user, queries.get_project(budget, project_id))
    flash(_("The project has been deleted."), "success")
    return redirect(url_for("budgets.admin_budget", budget_id=budget.id))
