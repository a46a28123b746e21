"""Alerts (subscribe, confirm, stop) and Atom feeds."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..core.actions import form_status, submit
from ..core.blocking import allowed_when_blocked
from ..core.errors import InvalidInput, NotFound
from ..core.i18n import current_language, localized
from ..core.services import parse_id
from ..extensions import csrf, db, limiter
from ..processes.queries import get_process_by_slug
from . import feeds, queries, services
from .forms import AreaForm, CategoryForm, NearForm, ProcessForm
from .models import RADII, AlertKind

bp = Blueprint("alerts", __name__, template_folder="templates")
FORMS = {AlertKind.NEAR: NearForm, AlertKind.AREA: AreaForm, AlertKind.CATEGORY: CategoryForm,
         AlertKind.PROCESS: ProcessForm}


def _limit() -> str:
    return current_app.config.get("ALERT_RATE_LIMIT", "10 per minute;30 per hour")


def _forms(submitted: str | None = None) -> dict[AlertKind, Any]:
    forms = {kind: cls(prefix=kind.value, formdata=request.form if submitted == kind.value else None)
             for kind, cls in FORMS.items()}
    forms[AlertKind.AREA].area_id.choices = _choices(queries.areas())
    forms[AlertKind.CATEGORY].category_id.choices = _choices(queries.categories())
    forms[AlertKind.PROCESS].process_id.choices = _choices(queries.processes())
    if request.method == "GET":
        near = forms[AlertKind.NEAR]
        near.latitude.data, near.longitude.data = request.args.get("lat", ""), request.args.get("lon", "")
    return forms


def _choices(rows: list[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [SelectChoice(str(i), n) for i, n in rows]


def _page(forms: dict[AlertKind, Any], status: int = 200):
    return render_template("alerts/index.html", forms=forms, kinds=list(FORMS),
                           mine=queries.subscriptions_of(current_user), describe=queries.describe), status


@bp.get("/alerts/")
def index():
    return _page(_forms())


@bp.post("/alerts/")
@limiter.limit(_limit)
def subscribe():
    kind = request.form.get("kind", "")
    if kind not in {k.value for k in FORMS}:
        abort(400)
    forms = _forms(kind)
    form = forms[AlertKind(kind)]
    if form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()}
        signed_in = current_user.is_authenticated
        message = _("Your alert is on.") if signed_in else \
            _("We sent a link to %(email)s: the alert starts once you open it.", email=form.email.data or "")
        ok, _sub = submit(form, lambda: services.subscribe(current_user, kind, data, language=current_language()),
                          message)
        if ok:
            return redirect(url_for("alerts.index"))
    return _page(forms, form_status())


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
@allowed_when_blocked  # one's own alerts: nothing others see
def confirm(token: str):
    return _token_page(token, services.confirm, _("Confirm your alert"), _("Your alert is on."))


@bp.route("/alerts/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a form token
@allowed_when_blocked  # one's own alerts: nothing others see
def unsubscribe(token: str):
    return _token_page(token, services.unsubscribe, _("Stop this alert"), _("The alert is stopped."))


def _token_page(token: str, action: Any, heading: str, done: str):
    if request.method == "POST":
        try:
            action(token)
        except InvalidInput as exc:
            db.session.rollback()
            return render_template("alerts/token.html", heading=heading, error=exc.message), 400
        flash(done, "success")
        return redirect(url_for("alerts.index"))
    return render_template("alerts/token.html", heading=heading, error=None)


@bp.post("/alerts/<int:sub_id>/delete")
@allowed_when_blocked  # one's own alerts: nothing others see
def delete(sub_id: int):
    if not current_user.is_authenticated:
        abort(403)
    try:
        services.delete_own(current_user, sub_id)
    except NotFound:
        abort(404)
    flash(_("The alert is stopped."), "success")
    return redirect(url_for("alerts.index"))


# --- Atom feeds ----------------------------------------------------------------------------------

@bp.get("/feeds/issues.atom")
def issues_feed():
    return feeds.atom(_("New street issue reports"), queries.issues_feed())


@bp.get("/feeds/issues/near.atom")
def near_feed():
    try:
        lat, lon = float(request.args.get("lat", "")), float(request.args.get("lon", ""))
        radius = int(request.args.get("radius", "500"))
    except ValueError:
        abort(400)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or radius not in RADII:
        abort(400)
    title = queries.near_words(queries.distance_label(radius), lat, lon)
    return feeds.atom(title, queries.near_feed(lat, lon, radius))


@bp.get("/feeds/issues/areas/<int:area_id>.atom")
def area_feed(area_id: int):
    try:
        name = queries.area_name(area_id)
    except NotFound:
        abort(404)
    return feeds.atom(_("New street issue reports in %(ward)s", ward=name), queries.area_feed(area_id))


@bp.get("/feeds/issues/categories/<int:category_id>.atom")
def category_feed(category_id: int):
    try:
        name = queries.category_name(category_id)
    except NotFound:
        abort(404)
    return feeds.atom(_("New street issue reports: %(category)s", category=name), queries.category_feed(category_id))


@bp.get("/feeds/processes/<slug>.atom")
def process_feed(slug: str):
    process = get_process_by_slug(slug)  # 404 for drafts and unknown slugs
    return feeds.atom(_("New proposals and answers in %(process)s", process=localized(process.title)),
                      queries.process_feed(process.id))


def feed_links() -> list[tuple[str, str]]:
    """<link rel="alternate"> of the page being shown (base.html puts them in <head>)."""
    endpoint, args = request.endpoint or "", request.view_args or {}
    if endpoint in ("issues.index", "issues.detail", "alerts.index"):
        links = [(_("New street issue reports"), url_for("alerts.issues_feed"))]
        issue_id = parse_id(args.get("issue_id"))
        event = queries.issue_place(issue_id) if issue_id else None
        if event is not None:
            links.append((queries.near_words("500 m", event[0], event[1]),
                          url_for("alerts.near_feed", lat=f"{event[0]:.5f}", lon=f"{event[1]:.5f}", radius=500)))
        return links
    if endpoint == "processes.detail" and args.get("slug"):
        return [(_("New proposals and answers"), url_for("alerts.process_feed", slug=args["slug"]))]
    return []
