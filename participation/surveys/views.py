"""Answering surveys, results, and the facilitators' survey builder."""
from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ..core.actions import form_status, submit
from ..core.errors import ServiceError
from ..core.forms import fill_translated, translated
from ..core.i18n import current_language, localized
from ..extensions import db
from ..processes import services as process_services
from . import permissions, services
from .forms import QuestionForm, ResultsForm, SurveyForm
from .models import QUESTION_TYPE_LABELS, QuestionType

bp = Blueprint("surveys", __name__, template_folder="templates")

BROWSER_KEY = "survey_browser"
NOT_FACILITATOR = _l("Only facilitators of this process and administrators can do this.")


def _load_public(slug: str, survey_id: int):
    process = process_services.get_process_by_slug(slug, current_user)
    survey = services.get_survey(survey_id, process)
    return process, survey


def _browser_token(survey) -> str | None:
    if current_user.is_authenticated or not survey.allow_anonymous:
        return None
    if BROWSER_KEY not in session:
        session[BROWSER_KEY] = secrets.token_hex(16)
    return session[BROWSER_KEY]


@bp.route("/processes/<slug>/surveys/<int:survey_id>", methods=["GET", "POST"])
def answer(slug: str, survey_id: int):
    process, survey = _load_public(slug, survey_id)
    token = _browser_token(survey)
    decision = services.is_open(survey, current_user)
    already = services.existing_response(survey, current_user, token)
    errors: dict[str, str] = {}
    values = MultiDict()
    status = 200
    if request.method == "POST":
        values = request.form
        try:
            services.submit_response(survey, current_user, request.form, browser_token=token,
                                     language=current_language())
        except services.SurveyErrors as exc:
            db.session.rollback()
            errors, status = exc.errors, 400
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            status = exc.status_code
        else:
            flash(_("Thank you! Your answers have been recorded."), "success")
            return redirect(url_for("surveys.answer", slug=slug, survey_id=survey.id))
    return render_template("surveys/answer.html", process=process, survey=survey, decision=decision,
                           already=already, errors=errors, values=values), status


@bp.get("/processes/<slug>/surveys/<int:survey_id>/results")
def results(slug: str, survey_id: int):
    process, survey = _load_public(slug, survey_id)
    if not permissions.can_view_results(current_user, survey):
        abort(403, description=_l("The results of this survey have not been published yet."))
    total, question_results = services.compute_results(
        survey, include_free_text=permissions.can_view_free_text(current_user, survey))
    return render_template("surveys/results.html", process=process, survey=survey, total=total,
                           results=question_results)


# --- builder ------------------------------------------------------------------------------------

def _load_for_manage(survey_id: int):
    survey = services.get_survey(survey_id)
    if not permissions.can_manage_survey(current_user, survey.process):
        abort(403, description=NOT_FACILITATOR)
    return survey


def _phase_choices(form: SurveyForm, process) -> None:
    from wtforms import SelectChoice

    form.phase_id.choices = [
        SelectChoice(p.id, f"{localized(p.title)} ({p.start_date.isoformat()} – {p.end_date.isoformat()})")
        for p in process.phases]


def _survey_data(form: SurveyForm) -> dict:
    return {"title": translated(form, "title"), "description": translated(form, "description"),
            "phase_id": form.phase_id.data, "allow_anonymous": form.allow_anonymous.data}


@bp.route("/admin/processes/<int:process_id>/surveys/new", methods=["GET", "POST"])
@login_required
def admin_new(process_id: int):
    process = process_services.get_process(process_id)
    if not permissions.can_manage_survey(current_user, process):
        abort(403, description=NOT_FACILITATOR)
    form = SurveyForm()
    _phase_choices(form, process)
    if form.validate_on_submit():
        ok, survey = submit(form, lambda: services.create_survey(current_user, process, _survey_data(form)),
                          _("The survey has been created. Now add its questions."))
        if ok:
            return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
    status = form_status()
    return render_template("surveys/admin_survey.html", form=form, process=process, survey=None), status


@bp.route("/admin/surveys/<int:survey_id>/", methods=["GET", "POST"])
@login_required
def admin_survey(survey_id: int):
    survey = _load_for_manage(survey_id)
    form = SurveyForm(obj=survey if request.method == "GET" else None)
    _phase_choices(form, survey.process)
    if request.method == "GET":
        fill_translated(form, "title", survey.title)
        fill_translated(form, "description", survey.description)
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_survey(current_user, survey, _survey_data(form)),
                          _("The survey has been saved."))
        if ok:
            return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
    status = form_status()
    results_form = ResultsForm(formdata=None, publish=survey.results_published,
                               free_text=survey.free_text_published)
    return render_template("surveys/admin_survey.html", form=form, process=survey.process,
                           survey=survey, results_form=results_form,
                           responses=services.response_count(survey),
                           type_labels=QUESTION_TYPE_LABELS), status


@bp.post("/admin/surveys/<int:survey_id>/delete")
@login_required
def admin_delete(survey_id: int):
    survey = _load_for_manage(survey_id)
    process_id = survey.process_id
    services.delete_survey(current_user, survey)
    flash(_("The survey has been deleted."), "success")
    return redirect(url_for("processes.admin_edit", process_id=process_id))


@bp.post("/admin/surveys/<int:survey_id>/results")
@login_required
def admin_results(survey_id: int):
    survey = _load_for_manage(survey_id)
    form = ResultsForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_results_publication(current_user, survey, form.publish.data, form.free_text.data)
    flash(_("The results are now public.") if survey.results_published
          else _("The results are visible to facilitators only."), "success")
    return redirect(url_for("surveys.admin_survey", survey_id=survey.id))


@bp.get("/admin/surveys/<int:survey_id>/export.csv")
@login_required
def admin_export(survey_id: int):
    survey = _load_for_manage(survey_id)
    body = services.export_csv(current_user, survey, current_language())
    filename = f"survey-{survey.id}-responses.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _question_data(form: QuestionForm) -> dict:
    return {
        "type": form.type.data, "text": translated(form, "text"), "help": translated(form, "help"),
        "required": form.required.data, "max_choices": form.max_choices.data,
        "scale_min_label": translated(form, "scale_min_label"),
        "scale_max_label": translated(form, "scale_max_label"),
        "options": services.parse_labels(form.options.data or ""),
        "rows": services.parse_labels(form.rows.data or ""),
    }


@bp.route("/admin/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@login_required
def admin_question_new(survey_id: int):
    survey = _load_for_manage(survey_id)
    form = QuestionForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.add_question(current_user, survey, _question_data(form)),
                          _("The question has been added."))
        if ok:
            return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
    status = form_status()
    return render_template("surveys/admin_question.html", form=form, survey=survey,
                           question=None), status


@bp.route("/admin/surveys/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def admin_question_edit(survey_id: int, question_id: int):
    survey = _load_for_manage(survey_id)
    question = services.get_question(survey, question_id)
    form = QuestionForm(obj=question if request.method == "GET" else None)
    if request.method == "GET":
        for name in ("text", "help", "scale_min_label", "scale_max_label"):
            fill_translated(form, name, getattr(question, name))
        form.options.data = services.format_labels(question.options)
        form.rows.data = services.format_labels(question.rows)
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_question(current_user, question, _question_data(form)),
                          _("The question has been saved."))
        if ok:
            return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
    status = form_status()
    return render_template("surveys/admin_question.html", form=form, survey=survey,
                           question=question, locked=services.has_answers(question)), status


@bp.post("/admin/surveys/<int:survey_id>/questions/<int:question_id>/delete")
@login_required
def admin_question_delete(survey_id: int, question_id: int):
    survey = _load_for_manage(survey_id)
    services.delete_question(current_user, services.get_question(survey, question_id))
    flash(_("The question has been deleted."), "success")
    return redirect(url_for("surveys.admin_survey", survey_id=survey.id))


@bp.post("/admin/surveys/<int:survey_id>/questions/<int:question_id>/move")
@login_required
def admin_question_move(survey_id: int, question_id: int):
    survey = _load_for_manage(survey_id)
    services.move_question(current_user, services.get_question(survey, question_id),
                           request.form.get("direction", ""))
    return redirect(url_for("surveys.admin_survey", survey_id=survey.id))


@bp.app_template_global()
def question_types():
    return QuestionType
