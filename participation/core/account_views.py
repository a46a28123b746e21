"""Password reset, address confirmation, e-mail change, notification settings, unsubscribe, and
the jobs page for administrators. Links in mails open a page with a button: a GET never writes."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from ..extensions import csrf, db, limiter
from . import accounts, jobs, mail, mail_notifications, tokens
from .account_forms import ConfirmForm, EmailChangeForm, ResetPasswordForm, ResetRequestForm, notification_form
from .actions import form_status, submit
from .blocking import allowed_when_blocked
from .errors import InvalidInput
from .mail_models import JobFailure, MailStatus, OutgoingMail
from .permissions import is_admin
from .security import limit_password_guesses

bp = Blueprint("accounts", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    mail_notifications.init_app(app)


def _reset_limit() -> str:
    return current_app.config.get("RESET_RATE_LIMIT", "5 per minute;20 per hour")


@bp.route("/auth/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@allowed_when_blocked  # the account's own security and mail, nothing others see
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        # The same answer whether or not an account has this address.
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form), form_status()


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
@allowed_when_blocked  # the account's own security and mail, nothing others see
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        accounts.user_for_reset(token)
    except InvalidInput as exc:
        return render_template("auth/link_invalid.html", message=exc.message), 400
    if form.validate_on_submit():
        ok, user = submit(form, lambda: accounts.reset_password(token, form.password.data),
                          _("Your password has been changed. You are signed in."))
        if ok:
            login_user(user)
            return redirect(url_for("core.home"))
    return render_template("auth/reset_password.html", form=form, token=token), form_status()


@bp.route("/auth/confirm/<token>", methods=["GET", "POST"])
@allowed_when_blocked  # the account's own security and mail, nothing others see
def confirm_email(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        ok, _user = submit(form, lambda: accounts.confirm_email(token), _("Thank you: your address is confirmed."))
        if ok:
            return redirect(url_for("core.home"))
        return render_template("auth/link_invalid.html", message=form.form_errors[0]), 400
    return render_template("auth/confirm.html", form=form,
                           heading=_("Confirm your e-mail address"),
                           action=url_for("accounts.confirm_email", token=token)), form_status()


@bp.post("/account/confirm/resend")
@login_required
@limiter.limit(_reset_limit)
@allowed_when_blocked  # the account's own security and mail, nothing others see
def resend_confirmation():
    accounts.send_confirmation(current_user)
    flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("core.account"))


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@allowed_when_blocked  # the account's own security and mail, nothing others see
@limit_password_guesses
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: accounts.request_email_change(
            current_user, form.email.data, form.password.data),
            _("We sent a link to the new address. Your address changes once you open it."))
        if ok:
            return redirect(url_for("core.account"))
    return render_template("account/email.html", form=form), form_status()


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@allowed_when_blocked  # the account's own security and mail, nothing others see
def confirm_email_change(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        ok, _user = submit(form, lambda: accounts.confirm_email_change(token),
                           _("Your e-mail address has been changed."))
        if ok:
            return redirect(url_for("core.home"))
        return render_template("auth/link_invalid.html", message=form.form_errors[0]), 400
    return render_template("auth/confirm.html", form=form, heading=_("Confirm your new e-mail address"),
                           action=url_for("accounts.confirm_email_change", token=token)), form_status()


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
@allowed_when_blocked  # the account's own security and mail, nothing others see
def notification_settings():
    current = mail_notifications.preferences(current_user)
    topics = mail_notifications.topics_for(current_user)
    form = notification_form(topics, mail_notifications.FREQUENCY_LABELS, current,
                             formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        choices = {topic: getattr(form, topic).data for topic in topics}
        ok, _result = submit(form, lambda: mail_notifications.set_preferences(current_user, choices),
                             _("Your e-mail settings have been saved."))
        if ok:
            return redirect(url_for("accounts.notification_settings"))
    return render_template("account/notifications.html", form=form, topics=list(topics)), form_status()


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a form token
@allowed_when_blocked  # the account's own security and mail, nothing others see
def unsubscribe(token: str):
    try:
        user_id, topic, stamp = tokens.read("unsubscribe", token)
    except (tokens.BadToken, ValueError, TypeError):
        return render_template("auth/link_invalid.html", message=accounts.LINK_INVALID), 400
    known = {*mail_notifications.TOPICS, mail_notifications.OFFICIAL_TOPIC, "all"}
    if not isinstance(user_id, int) or topic not in known:
        return render_template("auth/link_invalid.html", message=accounts.LINK_INVALID), 400
    user = mail_notifications.subscriber(user_id, stamp)
    if user is None:  # the account was deleted (its id may since belong to someone else)
        return render_template("auth/link_invalid.html", message=accounts.LINK_INVALID), 400
    if request.method == "POST":
        mail_notifications.unsubscribe(user, topic)
        return render_template("account/unsubscribed.html", done=True)
    return render_template("account/unsubscribed.html", done=False, topic=topic,
                           label=_topic_labels().get(topic))


def _topic_labels() -> dict:
    return {**mail_notifications.TOPICS, mail_notifications.OFFICIAL_TOPIC: mail_notifications.OFFICIAL_TOPIC_LABEL}


# --- jobs page for administrators ---------------------------------------------------------------

@bp.get("/admin/jobs")
@login_required
def admin_jobs():
    if not is_admin(current_user):
        abort(403)
    queued = list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.status == MailStatus.QUEUED)
                                     .order_by(OutgoingMail.id).limit(100)))
    failed = list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.status == MailStatus.FAILED)
                                     .order_by(OutgoingMail.id.desc()).limit(100)))
    failures = list(db.session.scalars(select(JobFailure).where(JobFailure.retried_at.is_(None))
                                       .order_by(JobFailure.id.desc()).limit(100)))
    return render_template("admin/jobs.html", queued=queued, failed=failed, failures=failures,
                           figures=jobs.queue_figures(), queue=current_app.config.get("TASK_QUEUE"))


@bp.post("/admin/jobs/mail/<int:mail_id>/retry")
@login_required
def retry_mail(mail_id: int):
    if not is_admin(current_user):
        abort(403)
    if not mail.retry_failed(mail_id):
        abort(404)
    flash(_("The e-mail will be sent again."), "success")
    return redirect(url_for("accounts.admin_jobs"))


@bp.post("/admin/jobs/failures/<int:failure_id>/retry")
@login_required
def retry_job(failure_id: int):
    if not is_admin(current_user):
        abort(403)
    if not jobs.retry_failure(failure_id):
        abort(404)
    flash(_("The job has been queued again."), "success")
    return redirect(url_for("accounts.admin_jobs"))
