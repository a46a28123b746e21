"""/admin/: the administration dashboard and the users pages (admins only)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from ..core import services as core_services
from ..core import signals
from ..core.actions import submit
from ..core.errors import ServiceError
from ..core.i18n import localized
from ..extensions import db
from . import permissions, queries, services
from .forms import RoleForm

bp = Blueprint("administration", __name__, url_prefix="/admin", template_folder="templates")


def check() -> None:
    if not permissions.can_administer(current_user):
        abort(403, description=permissions.ONLY_ADMINS)


@bp.get("/")
@login_required
def dashboard():
    check()
    sections = signals.collect_lists(signals.admin_sections, user=current_user)
    return render_template("administration/dashboard.html", sections=sections)


@bp.get("/users/")
@login_required
def users():
    check()
    text = request.args.get("q", "")[:100]
    role = request.args.get("role", "")[:20]
    page = core_services.parse_id(request.args.get("page")) or 1
    rows, more = queries.search_users(text, role, page)
    return render_template("administration/users.html", rows=rows, more=more, page=page, q=text, role=role)


def _role_form() -> RoleForm:
    from ..processes.models import Process

    form = RoleForm()
    form.department.choices = [SelectChoice("", _("Choose a department"))] + [
        SelectChoice(str(d.id), localized(d.name) or d.code) for d in queries.departments()]
    processes = db.session.scalars(select(Process).order_by(Process.id.desc()).limit(200))
    form.process_id.choices = [SelectChoice("", _("All processes"))] + [
        SelectChoice(str(p.id), localized(p.title) or p.slug) for p in processes]
    return form


def _user_page(person, form: RoleForm, status: int = 200):
    extra_actions = signals.collect_lists(signals.admin_user_actions, user=person)
    return render_template("administration/user.html", person=person, form=form,
                           capabilities=queries.capabilities(person),
                           activity=queries.activity_counts(person), extra_actions=extra_actions), status


def _refused(person, exc: ServiceError):
    """A refused action: rolled back, the page again with the reason at the top."""
    db.session.rollback()
    person = queries.get_user(person.id)
    form = _role_form()
    form.form_errors.append(str(exc.message))
    return _user_page(person, form, exc.status_code)


@bp.get("/users/<int:user_id>")
@login_required
def user(user_id: int):
    check()
    return _user_page(queries.get_user(user_id), _role_form())


@bp.post("/users/<int:user_id>/roles")
@login_required
def grant_role(user_id: int):
    check()
    person = queries.get_user(user_id)
    form = _role_form()
    if form.validate_on_submit():
        done, _row = submit(form, lambda: services.grant(
            current_user, person, form.role.data,
            department_id=form.department.data, process_id=form.process_id.data), _("The role is granted."))
        if done:
            return redirect(url_for("administration.user", user_id=person.id))
    return _user_page(person, form, 400)


@bp.post("/users/<int:user_id>/roles/<int:assignment_id>/revoke")
@login_required
def revoke_role(user_id: int, assignment_id: int):
    check()
    person = queries.get_user(user_id)
    try:
        services.revoke(current_user, person, assignment_id)
    except ServiceError as exc:
        return _refused(person, exc)
    flash(_("The role is removed."), "success")
    return redirect(url_for("administration.user", user_id=person.id))


@bp.post("/users/<int:user_id>/confirmation")
@login_required
def resend_confirmation(user_id: int):
    check()
    person = queries.get_user(user_id)
    try:
        services.resend_confirmation(current_user, person)
    except ServiceError as exc:
        return _refused(person, exc)
    flash(_("A new confirmation link is on its way to %(email)s.", email=person.email), "success")
    return redirect(url_for("administration.user", user_id=person.id))
