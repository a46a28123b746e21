"""Flagging, the moderation queue, blocking, the transparency page and the audit log."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ..core import audit
from ..core.errors import ServiceError
from ..core.forms import attach_error
from ..core.models import AuditLog
from ..core.permissions import can_view_audit_log
from ..core.registry import registry
from ..core.security import user_or_address
from ..core.services import parse_id
from ..core.urls import safe_next
from ..extensions import db, limiter
from . import permissions, queries, services
from .forms import BlockForm, DecisionForm, FlagForm
from .models import REASON_LABELS, Reason

bp = Blueprint("moderation", __name__, template_folder="templates")


def _flag_limit() -> str:
    from flask import current_app

    return current_app.config.get("FLAG_RATE_LIMIT", "20 per hour")


@bp.post("/moderation/flag")
@login_required
@limiter.limit(_flag_limit, key_func=user_or_address)  # per account: neighbours share an address
def flag():
    form = FlagForm()
    back = safe_next(form.next.data)
    if not form.validate_on_submit():
        return render_template("moderation/flag_error.html", form=form, back=back), 400
    try:
        services.flag(current_user, form.target_type.data, form.target_id.data, form.reason.data,
                      form.details.data or "")
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return render_template("moderation/flag_error.html", form=form, back=back), exc.status_code
    flash(_("Thank you. Moderators will review your report."), "success")
    return redirect(back)


@bp.get("/moderation/")
@login_required
def queue():
    if not permissions.can_view_queue(current_user):
        abort(403, description=_l("The moderation queue is for moderators."))
    include_done = request.args.get("all") == "1"
    listing = queries.queue(current_user, include_done=include_done,
                            page=parse_id(request.args.get("page")) or 1)
    return render_template("moderation/queue.html", items=queries.describe_all(listing.cases), listing=listing,
                           include_done=include_done, form=DecisionForm(formdata=None))


@bp.post("/moderation/cases/<int:case_id>/<action>")
@login_required
def decide(case_id: int, action: str):
    case = queries.get_case(case_id)
    if not permissions.can_moderate_case(current_user, case):
        abort(403, description=_l("Only moderators of this content can do this."))
    form = DecisionForm()
    if action not in ("hide", "restore", "dismiss") or not form.validate_on_submit():
        abort(400)
    if action == "hide":
        services.hide(current_user, case, form.reason.data or case.reason or "", form.note.data or "")
    else:
        getattr(services, action)(current_user, case, form.note.data or "")
    flash({"hide": _("The content is hidden."), "restore": _("The content is visible again."),
           "dismiss": _("The reports have been dismissed.")}[action], "success")
    return redirect(url_for("moderation.queue"))


@bp.route("/moderation/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user(user_id: int):
    if not permissions.can_block_user(current_user):
        abort(403, description=_l("Only moderators can block users."))
    person = queries.get_user(user_id)
    form = BlockForm()
    status = 200
    if request.method == "POST":
        if request.form.get("action") == "unblock":
            try:
                services.unblock_user(current_user, person)
            except ServiceError as exc:
                db.session.rollback()
                attach_error(form, exc)
                status = exc.status_code
            else:
                flash(_("The user is unblocked."), "success")
                return redirect(url_for("moderation.user", user_id=person.id))
        elif form.validate_on_submit():
            try:
                services.block_user(current_user, person, form.justification.data, hide_all=form.hide_all.data)
            except ServiceError as exc:
                db.session.rollback()
                attach_error(form, exc)
                status = exc.status_code
            else:
                flash(_("The user is blocked."), "success")
                return redirect(url_for("moderation.user", user_id=person.id))
        else:
            status = 400
    return render_template("moderation/user.html", person=person, form=form), status


@bp.get("/moderation/transparency")
def transparency():
    return render_template("moderation/transparency.html", data=queries.transparency(),
                           reason_labels=REASON_LABELS, reasons=list(Reason))


@bp.get("/admin/audit")
@login_required
def audit_log():
    """The audit log as translated sentences; filters by person, action, item and dates; pages by key."""
    if not can_view_audit_log(current_user):
        abort(403, description=_l("The audit log is for administrators."))
    args = request.args
    person = args.get("person", "")[:254]
    filters = audit.AuditFilters(action=args.get("action", "")[:80], target_type=args.get("target_type", "")[:40],
                                 target_id=_number(args.get("target_id")), since=_day(args.get("since")),
                                 until=_day(args.get("until")))
    if person:
        filters.actor_ids = audit.people_matching(person)
    entries, next_before = audit.find(filters, before_id=_number(args.get("before")))
    shown = {"person": person, "action": filters.action, "target_type": filters.target_type,
             "target_id": args.get("target_id", ""), "since": args.get("since", ""), "until": args.get("until", "")}
    known = registry().audit_actions
    actions = sorted({*known, *db.session.scalars(select(AuditLog.action).distinct())}, key=audit.action_label)
    return render_template("moderation/audit.html", entries=entries, next_before=next_before,
                           first_page=not args.get("before"), actions=actions, audit=audit,
                           filters={k: v for k, v in shown.items() if v}, shown=shown)


def _number(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > 9:  # isdigit() would let "²" reach int()
        abort(400, description=_l("The filter value must be a number."))
    return int(raw)


def _day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999:  # year 1 or 9999 overflow in the city's timezone
        abort(400, description=_l("Please enter a date like 2026-04-01."))
    return day


@bp.app_template_global()
def flag_form(target_type: str, target_id: int):
    form = FlagForm(formdata=None, target_type=target_type, target_id=str(target_id),
                    next=request.full_path.rstrip("?"))
    return form


@bp.app_template_global()
def reason_label(code: str | None) -> str:
    try:
        return str(REASON_LABELS[Reason(code or "other")])
    except ValueError:
        return str(REASON_LABELS[Reason.OTHER])
