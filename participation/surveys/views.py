"""Answering surveys, results, and the facilitators' survey builder."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.actions import form_status, submit
from ..core.errors import ServiceError
from ..core.exports import csv_response
from ..core.i18n import current_language
from ..extensions import db
from ..processes import queries as process_queries
from ..processes.models import Process
from . import answering, exports, permissions, queries, reports, services
from .forms import AnswerForm, QuestionForm, ResultsForm, SurveyForm
from .models import QUESTION_TYPE_LABELS, Survey

bp = Blueprint("surveys", __name__, template_folder="templates")

BROWSER_KEY = "survey_browser"


def _load_public(slug: str, survey_id: int) -> tuple[Process, Survey]:
    process = process_queries.get_process_by_slug(slug, current_user)
    return process, queries.get_survey(survey_id, process)


def _browser_token(survey: Survey) -> str | None:
    if not answering.needs_browser_token(survey, current_user):
        return None
    if BROWSER_KEY not in session:
        session[BROWSER_KEY] = secrets.token_hex(16)
    return session[BROWSER_KEY]


@bp.route("/processes/<slug>/surveys/<int:survey_id>", methods=["GET", "POST"])
def answer(slug: str, survey_id: int):
    process, survey = _load_public(slug, survey_id)
    token = _browser_token(survey)
    decision = answering.is_open(survey, current_user)
    already = queries.existing_response(survey, current_user, token)
    form = AnswerForm(survey.questions, request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            answering.submit_response(survey, current_user, form.answers(), browser_token=token,
                                      language=current_language())
        except answering.AnswerErrors as exc:
            db.session.rollback()
            form.show_errors(exc.errors)
            status = 400
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            status = exc.status_code
        else:
            flash(_("Thank you! Your answers have been recorded."), "success")
            return redirect(url_for("surveys.answer", slug=slug, survey_id=survey.id))
    return render_template("surveys/answer.html", process=process, survey=survey, decision=decision,
                           already=already, form=form), status


@bp.get("/processes/<slug>/surveys/<int:survey_id>/results")
def results(slug: str, survey_id: int):
    process, survey = _load_public(slug, survey_id)
    if not permissions.can_view_results(current_user, survey):
        abort(403, description=permissions.RESULTS_NOT_PUBLISHED)
    total, question_results = reports.compute_results(
        survey, include_free_text=permissions.can_view_free_text(current_user, survey))
    return render_template("surveys/results.html", process=process, survey=survey, total=total,
                           results=question_results)


# --- builder ------------------------------------------------------------------------------------

def _load_for_manage(survey_id: int) -> Survey:
    survey = queries.get_survey(survey_id)
    if not permissions.can_manage_survey(current_user, survey.process):
        abort(403, description=permissions.NOT_FACILITATOR)
    return survey


@bp.route("/admin/processes/<int:process_id>/surveys/new", methods=["GET", "POST"])
@login_required
def admin_new(process_id: int):
    process = process_queries.get_process(process_id)
    if not permissions.can_manage_survey(current_user, process):
        abort(403, description=permissions.NOT_FACILITATOR)
    form = SurveyForm()
    form.offer_phases(process)
    if form.validate_on_submit():
        ok, survey = submit(form, lambda: services.create_survey(current_user, process, form.service_data()),
                            _("The survey has been created. Now add its questions."))
        if ok:
            return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
    return render_template("surveys/admin_survey.html", form=form, process=process, survey=None), form_status()


@bp.route("/admin/surveys/<int:survey_id>/", methods=["GET", "POST"])
@login_required
def admin_survey(survey_id: int):
    survey = _load_for_manage(survey_id)
    form = SurveyForm(obj=survey if request.method == "GET" else None)
    form.offer_phases(survey.process)
    if request.method == "GET":
        form.fill(survey)
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_survey(current_user, survey, form.service_data()),
                             _("The survey has been saved."))
        if ok:
            return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
    results_form = ResultsForm(formdata=None, publish=survey.results_published,
                               free_text=survey.free_text_published)
    return render_template("surveys/admin_survey.html", form=form, process=survey.process,
                           survey=survey, results_form=results_form,
                           responses=queries.response_count(survey),
                           type_labels=QUESTION_TYPE_LABELS), form_status()


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


@bp.post("/admin/surveys/<int:survey_id>/export.csv")
@login_required
def admin_export(survey_id: int):
    survey = _load_for_manage(survey_id)
    body = exports.export_csv(current_user, survey, current_language())
    return csv_response(body, f"survey-{survey.id}-responses.csv")


@bp.route("/admin/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@login_required
def admin_question_new(survey_id: int):
    survey = _load_for_manage(survey_id)
    form = QuestionForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.add_question(current_user, survey, form.service_data()),
                             _("The question has been added."))
        if ok:
            return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
    return render_template("surveys/admin_question.html", form=form, survey=survey,
                           question=None), form_status()


@bp.route("/admin/surveys/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def admin_question_edit(survey_id: int, question_id: int):
    survey = _load_for_manage(survey_id)
    question = queries.get_question(survey, question_id)
    form = QuestionForm(obj=question if request.method == "GET" else None)
    if request.method == "GET":
        form.fill(question)
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_question(current_user, question, form.service_data()),
                             _("The question has been saved."))
        if ok:
            return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
    return render_template("surveys/admin_question.html", form=form, survey=survey,
                           question=question, locked=queries.has_answers(question)), form_status()


@bp.post("/admin/surveys/<int:survey_id>/questions/<int:question_id>/delete")
@login_required
def admin_question_delete(survey_id: int, question_id: int):
    survey = _load_for_manage(survey_id)
    services.delete_question(current_user, queries.get_question(survey, question_id))
    flash(_("The question has been deleted."), "success")
    return redirect(url_for("surveys.admin_survey", survey_id=survey.id))


@bp.post("/admin/surveys/<int:survey_id>/questions/<int:question_id>/move")
@login_required
def admin_question_move(survey_id: int, question_id: int):
    survey = _load_for_manage(survey_id)
    services.move_question(current_user, queries.get_question(survey, question_id),
                           request.form.get("direction", ""))
    return redirect(url_for("surveys.admin_survey", survey_id=survey.id))
