"""Home, health check, sign-up/sign-in and the account page."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import text

from ..extensions import db, limiter
from . import accounts, privacy, services
from .actions import form_status, submit
from .blocking import allowed_when_blocked
from .errors import Conflict, ServiceError
from .forms import LoginForm, PasswordChangeForm, ProfileForm, attach_error
from .i18n import apply_saved_language, current_language
from .security import limit_password_guesses
from .urls import safe_next

bp = Blueprint("core", __name__, template_folder="templates")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


@bp.get("/")
def home():
    from . import signals

    return render_template("core/home.html", user_count=services.count_users(),
                           blocks=signals.collect(signals.home_blocks),
                           figures=signals.collect_lists(signals.home_figures))


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    from .privacy_forms import RegistrationForm

    form = RegistrationForm()
    if form.validate_on_submit():
        if form.website.data:
            form.form_errors.append(_("We could not create the account. Please try again."))
            return render_template("auth/register.html", form=form), 400
        try:
            user = services.register_user(form.email.data, form.display_name.data,
                                          form.password.data, language=current_language())
            privacy.record_registration(user, accepted=form.accept_terms.data,
                                        demographics=form.consent_demographics.data,
                                        news=form.consent_news.data, data=form.demographic_data())
        except ServiceError as exc:
            db.session.rollback()
            if isinstance(exc, Conflict) and exc.field == "email":  # no leak: its owner is told
                accounts.registration_attempt_for_existing(form.email.data)
                flash(_("Welcome! We sent a link to your e-mail address to confirm it."), "success")
                return redirect(url_for("core.home"))
            attach_error(form, exc)
        else:
            login_user(user)
            accounts.send_confirmation(user)
            flash(_("Welcome! We sent a link to your e-mail address to confirm it."), "success")
            return redirect(url_for("core.home"))
    status = form_status()
    return render_template("auth/register.html", form=form), status


@bp.route("/auth/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            form.form_errors.append(_("The email address or password is not correct."))
        else:
            login_user(user, remember=form.remember.data)
            apply_saved_language(user)
            flash(_("You are signed in."), "success")
            return redirect(safe_next(form.next.data))
    status = form_status()
    return render_template("auth/login.html", form=form), status


@bp.post("/auth/logout")
@allowed_when_blocked
def logout():
    if current_user.is_authenticated:
        services.end_sessions(current_user)  # a copied session or remember cookie dies too
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("core.home"))


@bp.post("/account/sessions/end")
@allowed_when_blocked
@login_required
def end_other_sessions():
    """"Sign out everywhere else": every other browser's session ends; this one stays signed in."""
    services.end_sessions(current_user)
    login_user(current_user._get_current_object())
    flash(_("You are signed out on every other device."), "success")
    return redirect(url_for("core.account"))


@bp.route("/account/", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.language.data = current_user.language or ""
    password_form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: services.update_profile(current_user, form.display_name.data,
                                                                   form.language.data),
                          _("Your profile has been saved."))
        if ok:
            return redirect(url_for("core.account"))
    status = form_status()
    return render_template("account/account.html", form=form, password_form=password_form), status


@bp.get("/account/activity")
@login_required
def activity():
    """What I did across processes, with its current state, newest first."""
    from flask import abort

    from . import activity as my_activity

    raw = request.args.get("page", "1")
    if not raw.isdecimal() or len(raw) > 6:  # isdigit() would let "²" reach int()
        abort(400, description=_("The page number must be a whole number."))
    return render_template("account/activity.html", activity=my_activity.page_of(current_user, int(raw)))


@bp.post("/account/language")
@allowed_when_blocked
def set_language():
    """The language switcher's POST: kept in the session, and saved as a signed-in user's preference."""
    from flask import abort, session

    from .i18n import SESSION_KEY

    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session[SESSION_KEY] = lang
    if current_user.is_authenticated:
        services.save_language(current_user, lang)
    return redirect(safe_next(request.form.get("next")))


@bp.post("/account/password")
@allowed_when_blocked
@login_required
@limit_password_guesses
def change_password():
    form = ProfileForm(formdata=None, obj=current_user)
    form.language.data = current_user.language or ""
    password_form = PasswordChangeForm(prefix="pw")
    if password_form.validate_on_submit():
        ok, _result = submit(password_form, lambda: services.change_password(
            current_user, password_form.current_password.data, password_form.new_password.data),
                          _("Your password has been changed."))
        if ok:  # the change ended every session; this browser stays signed in
            login_user(current_user._get_current_object())
            return redirect(url_for("core.account"))
    return render_template("account/account.html", form=form, password_form=password_form), 400


@bp.get("/uploads/<name>")
def uploaded_file(name: str):
    """A stored image, only when a row names it and an item using it is readable by the requester
    (a photo of hidden content is a 404 for the public, visible to moderators)."""
    from flask import abort, send_from_directory

    from .uploads import can_read_upload, upload_dir, upload_for_file

    upload = upload_for_file(name)
    if upload is None or not can_read_upload(current_user, upload):
        abort(404)
    response = send_from_directory(upload_dir(), name, mimetype="image/jpeg", max_age=3600)
    # Shared caches may keep only what anyone may see; hiding then takes effect within the hour.
    public = can_read_upload(None, upload)
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@bp.get("/notifications")
@login_required
def notifications_page():
    from . import notifications

    items = notifications.render_all(notifications.recent(current_user))
    return render_template("core/notifications.html", items=items)


@bp.post("/notifications/read")
@allowed_when_blocked
@login_required
def notifications_read():
    from . import notifications

    notifications.mark_all_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("core.notifications_page"))


@bp.get("/static/leaflet/<path:filename>")
def leaflet_static(filename: str):
    """Leaflet, served from the xstatic-leaflet package (no CDN)."""
    import xstatic.pkg.leaflet as leaflet
    from flask import send_from_directory

    return send_from_directory(leaflet.BASE_DIR, filename, max_age=86400)
