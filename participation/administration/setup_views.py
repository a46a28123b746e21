"""/admin/departments, /admin/settings, /admin/pages: the city's set-up (admins only)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import pages, site
from ..core.actions import form_status, submit
from ..core.forms import fill_translated, translated
from ..core.models import Role
from . import queries, services
from .forms import DepartmentForm, MemberForm, PageForm, SettingsForm
from .views import bp, check


def _department_data(form: DepartmentForm) -> dict:
    return {"code": form.code.data, "name": translated(form, "name"),
            "contact_email": form.contact_email.data, "target_days": form.target_days.data}


@bp.route("/departments/", methods=["GET", "POST"])
@login_required
def departments():
    check()
    form = DepartmentForm()
    if form.validate_on_submit():
        done, department = submit(form, lambda: services.save_department(current_user, None, _department_data(form)),
                                  _("The department is created."))
        if done:
            return redirect(url_for("administration.department", department_id=department.id))
    return render_template("administration/departments.html", form=form, departments=queries.departments(),
                           members=queries.member_counts()), form_status()


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@login_required
def department(department_id: int):
    check()
    department = queries.get_department(department_id)
    form = DepartmentForm(obj=department)
    if not form.is_submitted():
        fill_translated(form, "name", department.name)
    elif form.validate_on_submit():
        done, _row = submit(form, lambda: services.save_department(current_user, department, _department_data(form)),
                            _("The department is saved."))
        if done:
            return redirect(url_for("administration.department", department_id=department.id))
    return _department_page(department, form, MemberForm(formdata=None), form_status())


def _department_page(department, form, member_form, status: int):
    return render_template("administration/department.html", department=department, form=form,
                           member_form=member_form, members=queries.department_members(department)), status


@bp.post("/departments/<int:department_id>/members")
@login_required
def add_member(department_id: int):
    check()
    department = queries.get_department(department_id)
    member_form = MemberForm()
    if member_form.validate_on_submit():
        done, _row = submit(member_form, lambda: services.add_member(current_user, department, member_form.email.data),
                            _("The official is added to the department."))
        if done:
            return redirect(url_for("administration.department", department_id=department.id))
    form = DepartmentForm(formdata=None, obj=department)
    fill_translated(form, "name", department.name)
    return _department_page(department, form, member_form, 400)


@bp.post("/departments/<int:department_id>/members/<int:user_id>/remove")
@login_required
def remove_member(department_id: int, user_id: int):
    check()
    department = queries.get_department(department_id)
    person = queries.get_user(user_id)
    assignment = next((a for a in person.roles
                       if a.role == Role.OFFICIAL and a.department_id == department.id), None)
    if assignment is None:
        abort(404)
    services.revoke(current_user, person, assignment.id)
    flash(_("%(name)s is no longer an official of this department.", name=person.display_name), "success")
    return redirect(url_for("administration.department", department_id=department.id))


# --- settings ------------------------------------------------------------------------------------

def _fill_settings(form: SettingsForm) -> None:
    name = site.get("CITY_NAME") or {}
    form.city_name_ja.data, form.city_name_en.data = name.get("ja", ""), name.get("en", "")
    form.timezone.data = site.get("CITY_TIMEZONE")
    form.lat.data, form.lon.data = site.get("MAP_CENTER")
    form.zoom.data = site.get("MAP_ZOOM")
    form.tile_url.data = site.get("MAP_TILE_URL")
    form.tile_attribution.data = site.get("MAP_TILE_ATTRIBUTION")
    form.moderation_threshold.data = site.get("MODERATION_HIDE_THRESHOLD")
    form.post_rate_limit.data = site.get("POST_RATE_LIMIT")
    form.edit_minutes.data = site.get("PROPOSAL_EDIT_MINUTES")


def _settings_values(form: SettingsForm) -> dict:
    return {
        "CITY_NAME": {"ja": form.city_name_ja.data, "en": form.city_name_en.data},
        "CITY_TIMEZONE": form.timezone.data,
        "MAP_CENTER": [form.lat.data, form.lon.data],
        "MAP_ZOOM": form.zoom.data,
        "MAP_TILE_URL": form.tile_url.data,
        "MAP_TILE_ATTRIBUTION": form.tile_attribution.data,
        "MODERATION_HIDE_THRESHOLD": form.moderation_threshold.data,
        "POST_RATE_LIMIT": form.post_rate_limit.data,
        "PROPOSAL_EDIT_MINUTES": form.edit_minutes.data,
    }


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    check()
    form = SettingsForm()
    if not form.is_submitted():
        _fill_settings(form)
    elif form.validate_on_submit():
        done, _changed = submit(form, lambda: site.set_values(current_user, _settings_values(form)),
                                _("The settings are saved. They apply from the next page on."))
        if done:
            return redirect(url_for("administration.settings"))
    return render_template("administration/settings.html", form=form), form_status()


# --- pages ---------------------------------------------------------------------------------------

@bp.get("/pages/")
@login_required
def site_pages():
    check()
    rows = [(slug, label, pages.get_page(slug)) for slug, label in pages.PAGES.items()]
    return render_template("administration/pages.html", rows=rows)


@bp.route("/pages/<slug>", methods=["GET", "POST"])
@login_required
def edit_page(slug: str):
    check()
    if slug not in pages.PAGES:
        abort(404)
    form = PageForm()
    current = pages.published(slug)
    if not form.is_submitted() and current is not None:
        fill_translated(form, "title", current.title)
        fill_translated(form, "body", current.body)
    elif form.validate_on_submit():
        done, _version = submit(form, lambda: pages.publish_version(
            current_user, slug, translated(form, "title"), translated(form, "body")),
            _("The new version is published."))
        if done:
            return redirect(url_for("administration.edit_page", slug=slug))
    return render_template("administration/page_edit.html", form=form, slug=slug, label=pages.PAGES[slug],
                           versions=pages.versions(slug),
                           needs_acceptance=slug in pages.ACCEPTED_PAGES), form_status()


