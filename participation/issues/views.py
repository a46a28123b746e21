"""Street issue pages: map and list, reporting in two steps, the issue page, triage, statistics."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..core import geo, notifications
from ..core.actions import form_status
from ..core.errors import InvalidInput, ServiceError
from ..core.forms import attach_error
from ..core.i18n import current_language, localized
from ..core.security import limit_posting
from ..core.services import parse_id
from ..extensions import db
from . import category_questions, permissions, queries, reports, services, triage_queries
from .forms import LocationForm, ReassignForm, ReopenForm, ReportForm, StatusForm, UpdateForm
from .models import GROUP_LABELS, GROUPS, NEXT_STATUS, STATUS_LABELS, Status

bp = Blueprint("issues", __name__, template_folder="templates")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    if value == "":
        return None
    if not value.isdecimal() or len(value) > 9:  # isdigit() would let "²" reach int()
        abort(400, description=_l("The filter value must be a number."))
    return int(value)


def _category_choices(form) -> None:
    form.category_id.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(str(c.id), localized(c.name), optgroup=localized(c.group) or None)
        for c in queries.list_categories()]


def _status_choices(form) -> None:
    form.status.choices = [SelectChoice(s, STATUS_LABELS[s], optgroup=str(GROUP_LABELS[s.group]))
                           for s in Status if s is not Status.FIXED_BY_REPORTER]


def _template_choices(form, department_id: int) -> None:
    form.template_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(t.id), f"{STATUS_LABELS[Status(t.status)]}: {localized(t.title)}")
        for t in queries.templates_for(department_id)]


# --- finding ------------------------------------------------------------------------------------

@bp.get("/issues/")
def index():
    group = request.args.get("group") or None
    group = group if group in GROUPS else None
    filters = dict(group=group, category_id=_int_arg("category"), department_id=_int_arg("department"),
                   area_id=_int_arg("area"), include_old_closed=request.args.get("old") == "1")
    page = _int_arg("page") or 1
    listing = queries.list_issues(page=min(page, 100_000), **filters)
    query_args = {k: v for k, v in {"group": group, "category": filters["category_id"],
                                     "department": filters["department_id"], "area": filters["area_id"],
                                     "old": "1" if filters["include_old_closed"] else None}.items() if v}
    return render_template("issues/index.html", listing=listing, filters=filters, query_args=query_args,
                           categories=queries.list_categories(), departments=queries.list_departments(),
                           areas=queries.list_areas(), group_labels=GROUP_LABELS)


# Bad parameters raise InvalidInput: the error handler answers .json/.geojson paths in JSON.

@bp.get("/issues.geojson")
def geojson():
    category = request.args.get("category", "")
    if category and parse_id(category) is None:
        raise InvalidInput(_l("The filter value must be a number."))
    return jsonify(queries.geojson(geo.parse_bbox(request.args.get("bbox")),
                                   status=request.args.get("status") or None,
                                   category_id=parse_id(category), group=request.args.get("group") or None,
                                   department_id=_int_arg("department"), area_id=_int_arg("area"),
                                   include_old_closed=request.args.get("old") == "1",
                                   extra=triage_queries.map_conditions(request.args)))


@bp.get("/issues/nearby.json")
def nearby():
    category = queries.get_category(request.args.get("category_id"))
    lat, lon = queries.clean_place(request.args.get("lat"), request.args.get("lon"))
    found = queries.nearby_open_issues(category.id, lat, lon)
    return jsonify({"issues": [{"id": n.issue.id, "title": n.issue.title, "distance_m": round(n.distance_m),
                                "status": n.issue.status, "url": url_for("issues.detail", issue_id=n.issue.id)}
                               for n in found]})


@bp.get("/issues/stats")
def stats():
    return render_template("issues/stats.html", stats=reports.response_stats())


# --- reporting ----------------------------------------------------------------------------------

@bp.route("/issues/new", methods=["GET", "POST"])
@login_required
@limit_posting
def new():
    """Two steps on one address: the place (step 1), then the details next to the open reports nearby."""
    if request.method == "POST" and request.form.get("step", "1") != "1":
        return _new_details()
    return _new_place()


def _new_place():
    form = LocationForm()
    _category_choices(form)
    form.address.render_kw = {**(form.address.render_kw or {}), "data-url": url_for("places.search"),
                               "data-lat-field": "#latitude", "data-lon-field": "#longitude",
                               "data-count-label": _("%(n)s suggestions", n="%(n)s"),
                               "data-list-label": _("Suggested places")}
    choices = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            values = services.validate_place(form.data)
        except services.PlaceChoice as exc:  # several places match the address: the resident picks one
            attach_error(form, exc)
            choices = exc.matches
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            return _details(form, values)
    return render_template("issues/new.html", form=form, choices=choices), form_status()


def _new_details():
    form = ReportForm()
    _category_choices(form)
    answer_form = category_questions.answer_form(form.category_id.data, request.form)
    if form.validate_on_submit():
        data = {**form.data, "photos": request.files.getlist("photos"), "language": current_language(),
                "answers": answer_form.answers()}
        try:
            issue = services.report_issue(current_user, data, shown_nearby=form.shown_nearby_ids())
        except services.NearbyReportsFirst as exc:
            flash(str(exc.message), "info")
            return _details(form, exc.values, found=exc.found, answer_form=answer_form)
        except ServiceError as exc:
            db.session.rollback()
            category_questions.show_errors(answer_form, exc)
            attach_error(form, exc)
        else:
            flash(_("Thank you! Your report has been sent to %(department)s. You will be notified of every step.",
                    department=localized(issue.department.name)), "success")
            return redirect(url_for("issues.detail", issue_id=issue.id))
    return render_template("issues/new_details.html", form=form, nearby=[], answer_form=answer_form,
                           category=category_questions.category(form.category_id.data)), 400


def _details(form, values, found=None, answer_form=None):
    found = queries.nearby_open_issues(values["category"].id, values["latitude"], values["longitude"]) \
        if found is None else found
    report = ReportForm(formdata=None, category_id=str(values["category"].id), address=values["address"] or "",
                        latitude=str(values["latitude"]), longitude=str(values["longitude"]),
                        title=getattr(form, "title", None) and form.title.data or "",
                        details=getattr(form, "details", None) and form.details.data or "",
                        shown_nearby=",".join(str(n.issue.id) for n in found))
    _category_choices(report)
    return render_template("issues/new_details.html", form=report, nearby=found, category=values["category"],
                           answer_form=answer_form or category_questions.answer_form(values["category"].id, None))


# --- one issue ----------------------------------------------------------------------------------

def _page(issue, *, status: int = 200, error: str | None = None, forms: dict | None = None):
    from .triage_views import staff_forms

    forms = forms or {}
    status_form = forms.get("status") or StatusForm(formdata=None, status=NEXT_STATUS.get(issue.status))
    _status_choices(status_form)
    _template_choices(status_form, issue.department_id)
    reassign_form = forms.get("reassign") or ReassignForm(formdata=None)
    reassign_form.department_id.choices = [SelectChoice(str(d.id), localized(d.name))
                                           for d in queries.list_departments()]
    duplicate = queries.get_issue(issue.duplicate_of_id) if issue.duplicate_of_id else None
    return render_template(
        "issues/detail.html", issue=issue, error=error, timeline=queries.timeline(issue),
        update_form=forms.get("update") or UpdateForm(formdata=None), status_form=status_form,
        reassign_form=reassign_form, reopen_form=forms.get("reopen") or ReopenForm(formdata=None),
        following=notifications.is_following(current_user, issue),
        me_too=queries.has_me_too(current_user, issue), duplicate=duplicate,
        staff=triage_queries.staff_panel(current_user, issue), **staff_forms(issue, forms),
    ), status


@bp.get("/issues/<int:issue_id>")
def detail(issue_id: int):
    return _page(queries.get_issue(issue_id))


def _act(issue, action, success: str, forms: dict | None = None):
    try:
        action()
    except ServiceError as exc:
        db.session.rollback()
        if forms and "status" in forms:  # an official's status change: the refusal shows inside that form
            attach_error(forms["status"], exc)
            return _page(issue, status=exc.status_code, forms=forms)
        return _page(issue, status=exc.status_code, error=str(exc.message), forms=forms)
    flash(success, "success")
    return redirect(url_for("issues.detail", issue_id=issue.id) + "#timeline")


@bp.post("/issues/<int:issue_id>/metoo")
@login_required
def metoo(issue_id: int):
    issue = queries.get_issue(issue_id)
    return _act(issue, lambda: services.me_too(current_user, issue),
                _("Counted: you have this problem too. You now follow this issue."))


@bp.post("/issues/<int:issue_id>/follow")
@login_required
def follow(issue_id: int):
    issue = queries.get_issue(issue_id)
    if request.form.get("action") == "unfollow":
        return _act(issue, lambda: notifications.unfollow(current_user, issue), _("You no longer follow this issue."))
    return _act(issue, lambda: notifications.follow(current_user, issue),
                _("You follow this issue. You will be notified of every change."))


@bp.post("/issues/<int:issue_id>/updates")
@login_required
@limit_posting
def add_update(issue_id: int):
    issue = queries.get_issue(issue_id)
    form = UpdateForm()
    if not form.validate_on_submit():
        return _page(issue, status=400, error=_("Please check your update."), forms={"update": form})
    photos = request.files.getlist("photos")
    if request.form.get("action") == "fixed":
        return _act(issue, lambda: services.mark_fixed(current_user, issue, form.note.data, photos),
                    _("Thank you! The issue is marked as fixed."), {"update": form})
    if request.form.get("action") == "suggest_fixed":
        return _act(issue, lambda: services.suggest_fixed(current_user, issue, form.note.data, photos),
                    _("Thank you! The department and the reporter will check whether it is fixed."),
                    {"update": form})
    return _act(issue, lambda: services.add_update(current_user, issue, form.note.data, photos),
                _("Your update has been published."), {"update": form})


@bp.post("/issues/<int:issue_id>/status")
@login_required
def change_status(issue_id: int):
    issue = queries.get_issue(issue_id)
    if not permissions.can_manage_issue(current_user, issue):
        abort(403, description=permissions.ONLY_RESPONSIBLE_OFFICIALS)
    form = StatusForm()
    _status_choices(form)
    if not form.validate_on_submit():
        return _page(issue, status=400, error=_("Please check the status form."), forms={"status": form})
    return _act(issue, lambda: services.change_status(
        current_user, issue, form.status.data, form.note.data, template_id=form.template_id.data,
        duplicate_of_id=form.duplicate_of_id.data or None,
        photos=request.files.getlist("photos")), _("The status has been changed."), {"status": form})


@bp.post("/issues/<int:issue_id>/reassign")
@login_required
def reassign(issue_id: int):
    issue = queries.get_issue(issue_id)
    if not permissions.can_manage_issue(current_user, issue):
        abort(403, description=permissions.ONLY_RESPONSIBLE_OFFICIALS)
    form = ReassignForm()
    if not form.validate_on_submit():
        return _page(issue, status=400, error=_("Please choose a department."), forms={"reassign": form})
    return _act(issue, lambda: services.reassign(current_user, issue, form.department_id.data, form.note.data),
                _("The issue has been passed to another department."), {"reassign": form})


@bp.post("/issues/<int:issue_id>/assign")
@login_required
def assign(issue_id: int):
    issue = queries.get_issue(issue_id)
    return _act(issue, lambda: services.assign_to_me(current_user, issue), _("The issue is assigned to you."))


@bp.post("/issues/<int:issue_id>/reopen")
@login_required
def reopen(issue_id: int):
    issue = queries.get_issue(issue_id)
    if not permissions.can_reopen_issue(current_user, issue):
        abort(403, description=permissions.ONLY_REPORTER_REOPENS)
    form = ReopenForm()
    if not form.validate_on_submit():
        return _page(issue, status=400, error=_("Please write a public note explaining this change."),
                     forms={"reopen": form})
    return _act(issue, lambda: services.reopen(current_user, issue, form.reason.data),
                _("The issue is open again."), {"reopen": form})


# Triage, assignment, internal notes and response templates: triage_views.py.


@bp.app_template_global()
def issue_status_label(status: str) -> str:
    return str(STATUS_LABELS[Status(status)])


@bp.app_template_global()
def issue_role_label(role: str) -> str:
    return str({"official": _l("City official"), "admin": _l("Administrator"),
                "reporter": _l("The reporter"), "resident": _l("A resident")}.get(role, role))
