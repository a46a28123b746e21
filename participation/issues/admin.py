"""/admin/categories and /admin/areas: the street-issue set-up a city's administrator does in the
browser (admins only; every change is audited by admin_services)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms import SelectChoice

from ..core.actions import form_status, submit
from ..core.errors import ServiceError
from ..core.forms import attach_error, fill_translated, translated
from ..core.i18n import localized
from ..extensions import db
from . import admin_services, permissions, queries
from .admin_forms import AreaNameForm, AreasUploadForm, CategoryForm, OverrideForm, QuestionForm
from .category_questions import KINDS, questions_of
from .models import Area, Category, CategoryOverride, Issue
from .views import bp


def _check() -> None:
    if not permissions.can_administer_issues(current_user):
        abort(403, description=admin_services.ONLY_ADMINS)


def _department_choices(field) -> None:
    field.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(d.id), localized(d.name) or d.code) for d in queries.list_departments()]


def _category_data(form: CategoryForm) -> dict:
    return {"code": form.code.data, "name": translated(form, "name"), "group": translated(form, "group"),
            "help": translated(form, "help"), "department_id": form.department_id.data,
            "target_days": form.target_days.data, "position": form.position.data, "active": form.active.data}


def _get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404)
    return category


@bp.route("/admin/categories/", methods=["GET", "POST"])
@login_required
def admin_categories():
    _check()
    form = CategoryForm()
    _department_choices(form.department_id)
    if form.validate_on_submit():
        done, category = submit(form, lambda: admin_services.save_category(current_user, None, _category_data(form)),
                                _("The category is created."))
        if done:
            return redirect(url_for("issues.admin_category", category_id=category.id))
    rows = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    used = dict(db.session.execute(select(Issue.category_id, func.count(Issue.id)).group_by(Issue.category_id)).all())
    return render_template("issues/admin_categories.html", form=form, rows=rows, used=used), form_status()


def _question_form(*, bind: bool = True) -> QuestionForm:
    """The "add a question" form: bound to the request only when it is the form being sent."""
    form = QuestionForm() if bind else QuestionForm(formdata=None)
    form.kind.choices = [SelectChoice("", _("Choose…"))] + [SelectChoice(k, str(v)) for k, v in KINDS.items()]
    return form


def _category_page(category: Category, form: CategoryForm, override_form: OverrideForm, status: int,
                   question_form: QuestionForm | None = None):
    overrides = list(db.session.scalars(select(CategoryOverride).where(CategoryOverride.category_id == category.id)))
    areas = {a.id: a for a in queries.list_areas()}
    departments = {d.id: d for d in queries.list_departments()}
    override_form.area_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(a.id), localized(a.name) or a.code) for a in areas.values()]
    _department_choices(override_form.override_department_id)
    used = db.session.scalar(select(func.count(Issue.id)).where(Issue.category_id == category.id)) or 0
    return render_template("issues/admin_category.html", category=category, form=form, override_form=override_form,
                           overrides=overrides, areas=areas, departments=departments, used=used,
                           questions=questions_of(category), kinds=KINDS,
                           question_form=question_form or _question_form(bind=False)), status


@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@login_required
def admin_category(category_id: int):
    _check()
    category = _get_category(category_id)
    form = CategoryForm(obj=category)
    _department_choices(form.department_id)
    if not form.is_submitted():
        form.department_id.data = str(category.department_id)
        for name in ("name", "group", "help"):
            fill_translated(form, name, getattr(category, name))
    elif form.validate_on_submit():
        done, _row = submit(form, lambda: admin_services.save_category(current_user, category, _category_data(form)),
                            _("The category is saved."))
        if done:
            return redirect(url_for("issues.admin_category", category_id=category.id))
    return _category_page(category, form, OverrideForm(formdata=None), form_status())


@bp.post("/admin/categories/<int:category_id>/delete")
@login_required
def admin_category_delete(category_id: int):
    _check()
    category = _get_category(category_id)
    try:
        admin_services.delete_category(current_user, category)
    except ServiceError as exc:
        db.session.rollback()
        category = _get_category(category_id)
        form = CategoryForm(formdata=None, obj=category)
        _department_choices(form.department_id)
        form.department_id.data = str(category.department_id)
        for name in ("name", "group", "help"):
            fill_translated(form, name, getattr(category, name))
        attach_error(form, exc)
        return _category_page(category, form, OverrideForm(formdata=None), exc.status_code)
    flash(_("The category is deleted."), "success")
    return redirect(url_for("issues.admin_categories"))


@bp.post("/admin/categories/<int:category_id>/overrides")
@login_required
def admin_category_override(category_id: int):
    _check()
    category = _get_category(category_id)
    override_form = OverrideForm()
    if override_form.validate_on_submit():
        done, _row = submit(override_form, lambda: admin_services.set_override(
            current_user, category, override_form.area_id.data, override_form.override_department_id.data),
            _("Reports of this category in the area go to that department from now on."))
        if done:
            return redirect(url_for("issues.admin_category", category_id=category.id))
    form = CategoryForm(formdata=None, obj=category)
    _department_choices(form.department_id)
    form.department_id.data = str(category.department_id)
    for name in ("name", "group", "help"):
        fill_translated(form, name, getattr(category, name))
    return _category_page(category, form, override_form, 400)


@bp.post("/admin/categories/<int:category_id>/overrides/<int:override_id>/delete")
@login_required
def admin_category_override_delete(category_id: int, override_id: int):
    _check()
    category = _get_category(category_id)
    admin_services.remove_override(current_user, category, override_id)
    flash(_("The area uses the category's department again."), "success")
    return redirect(url_for("issues.admin_category", category_id=category.id))


@bp.post("/admin/categories/<int:category_id>/questions")
@login_required
def admin_category_question(category_id: int):
    _check()
    category = _get_category(category_id)
    question_form = _question_form()
    if question_form.validate_on_submit():
        done, _row = submit(question_form, lambda: admin_services.add_category_question(current_user, category, {
            "kind": question_form.kind.data, "text": translated(question_form, "text"),
            "required": question_form.required.data, "choices": question_form.choices.data}),
            _("The question is added: residents answer it when they report in this category."))
        if done:
            return redirect(url_for("issues.admin_category", category_id=category.id) + "#questions")
    form = CategoryForm(formdata=None, obj=category)
    _department_choices(form.department_id)
    form.department_id.data = str(category.department_id)
    for name in ("name", "group", "help"):
        fill_translated(form, name, getattr(category, name))
    return _category_page(category, form, OverrideForm(formdata=None), 400, question_form)


@bp.post("/admin/categories/<int:category_id>/questions/<int:question_id>/delete")
@login_required
def admin_category_question_delete(category_id: int, question_id: int):
    _check()
    category = _get_category(category_id)
    admin_services.remove_category_question(current_user, category, question_id)
    flash(_("The question is no longer asked. Answers already given stay with their reports."), "success")
    return redirect(url_for("issues.admin_category", category_id=category.id) + "#questions")


# --- areas ---------------------------------------------------------------------------------------

def _areas_page(form: AreasUploadForm, status: int = 200, preview: dict | None = None, text: str = ""):
    rows = queries.list_areas()
    shown = preview or admin_services.areas_feature_collection(rows)
    return render_template("issues/admin_areas.html", form=form, rows=rows, shown=shown,
                           preview=preview, text=text), status


@bp.route("/admin/areas/", methods=["GET", "POST"])
@login_required
def admin_areas():
    _check()
    form = AreasUploadForm()
    if not form.validate_on_submit():
        return _areas_page(form, form_status())
    upload = form.file.data
    raw = upload.read(admin_services.AREAS_UPLOAD_MAX + 1) if upload else (form.geojson.data or "")
    if not raw:
        form.file.errors = [*form.file.errors, _("Please choose a GeoJSON file.")]
        return _areas_page(form, 400)
    preview = request.form.get("action") != "import"
    try:
        created, updated, data = admin_services.import_areas(current_user, raw, preview=preview)
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _areas_page(form, exc.status_code)
    if preview:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        flash(_("Preview: %(created)s new and %(updated)s replaced areas. Check the map, then import.",
                created=created, updated=updated), "info")
        return _areas_page(AreasUploadForm(formdata=None), 200, preview=data, text=text)
    flash(_("Areas imported: %(created)s new, %(updated)s replaced.", created=created, updated=updated), "success")
    return redirect(url_for("issues.admin_areas"))


@bp.route("/admin/areas/<int:area_id>", methods=["GET", "POST"])
@login_required
def admin_area(area_id: int):
    _check()
    area = db.session.get(Area, area_id)
    if area is None:
        abort(404)
    form = AreaNameForm()
    if not form.is_submitted():
        fill_translated(form, "name", area.name)
    elif form.validate_on_submit():
        done, _row = submit(form, lambda: admin_services.rename_area(current_user, area, translated(form, "name")),
                            _("The area is renamed."))
        if done:
            return redirect(url_for("issues.admin_areas"))
    reports = db.session.scalar(select(func.count(Issue.id)).where(Issue.area_id == area.id)) or 0
    return render_template("issues/admin_area.html", area=area, form=form, reports=reports,
                           shown=admin_services.areas_feature_collection([area])), form_status()


def admin_sections(app, user=None) -> list:
    """Links on the administration dashboard (core.signals.admin_sections)."""
    from flask_babel import lazy_gettext as _l

    links = []
    if permissions.can_administer_issues(user):
        links += [(_l("Issue categories"), url_for("issues.admin_categories")),
                  (_l("Areas"), url_for("issues.admin_areas"))]
    if permissions.is_official(user) or permissions.is_admin(user):
        links.append((_l("Street issue triage"), url_for("issues.triage")))
    return links

