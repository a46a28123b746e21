"""/account/privacy (consents, download my data), /account/delete, /admin/users/<id>/erase and public
profiles /users/<id>. Load -> check -> validate -> one service; the boundary commits."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..extensions import db
from . import pages, permissions, privacy, privacy_export, signals
from .actions import form_status, submit
from .blocking import allowed_when_blocked
from .errors import NotFound
from .models import User
from .privacy_forms import AdminEraseForm, DeleteAccountForm, ExportForm, PrivacyForm
from .privacy_models import ConsentKind
from .security import limit_password_guesses

bp = Blueprint("privacy", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from . import privacy_jobs  # noqa: F401 - the worker learns the export jobs

    app.register_blueprint(bp)
    app.jinja_env.filters["author_name"] = privacy.author_name
    signals.admin_user_actions.connect(_erase_action, sender=app, weak=False)


def _erase_action(app: Flask, user: User) -> list[tuple[str, str]]:
    """「このアカウントを削除」 on another person's administration page (one's own: /account/delete)."""
    if user.id == current_user.id:
        return []
    return [(_("Delete this account and its personal data"), url_for("privacy.admin_erase", user_id=user.id))]


def _settings_page(form: PrivacyForm, status: int = 200):
    user = current_user._get_current_object()
    export = privacy_export.latest_export(user)
    ready = export is not None and privacy_export.is_available(export)
    return render_template(
        "account/privacy.html", form=form, export=export,
        export_ready=ready, export_token=privacy_export.download_token(export) if export and ready else None,
        consents=privacy.consents_of(user), public=privacy.has_public_profile(user)), status


@bp.route("/account/privacy", methods=["GET", "POST"])
@allowed_when_blocked  # withdrawing a consent writes nothing others see
@pages.open_before_acceptance
@login_required
def settings():
    user = current_user._get_current_object()
    form = PrivacyForm()
    if not form.is_submitted():
        consents = privacy.consents_of(user)
        row = privacy.demographics_of(user)
        form.consent_demographics.data = ConsentKind.DEMOGRAPHICS in consents
        form.consent_news.data = ConsentKind.NEWS in consents
        form.public_profile.data = privacy.has_public_profile(user)
        if row is not None:
            form.age_group.data = row.age_group.value
            form.area_id.data = str(row.area_id) if row.area_id else ""
            form.gender.data = "" if row.gender == privacy.PREFER_NOT_TO_SAY else row.gender
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: privacy.save_choices(
            user, demographics=form.consent_demographics.data, news=form.consent_news.data,
            data=form.demographic_data(), public_profile=form.public_profile.data),
            _("Your privacy choices have been saved."))
        if ok:
            return redirect(url_for("privacy.settings"))
    return _settings_page(form, form_status())


@bp.post("/account/privacy/export")
@allowed_when_blocked
@pages.open_before_acceptance
@login_required
def request_export():
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    ok, _result = submit(form, lambda: privacy_export.request_export(current_user._get_current_object()),
                         _("We are preparing your data. The download appears on this page when it is ready."))
    if not ok:
        flash(form.form_errors[-1], "error")
    return redirect(url_for("privacy.settings"))


@bp.route("/account/privacy/export/<token>", methods=["GET", "POST"])
@allowed_when_blocked
@pages.open_before_acceptance
@login_required
def download(token: str):
    """The signed link: a page with a button; the POST sends the zip (and audits the download)."""
    user = current_user._get_current_object()
    try:
        export = privacy_export.export_for_token(user, token)
    except NotFound:
        abort(404)
    form = ExportForm()
    if form.validate_on_submit():
        path = privacy_export.record_download(user, export)
        stamp = export.ready_at.strftime("%Y%m%d") if export.ready_at else "data"
        return send_file(path, mimetype="application/zip", as_attachment=True,
                         download_name=f"my-data-{stamp}.zip", max_age=0)
    return render_template("account/privacy_download.html", form=form, export=export, token=token), \
        form_status()


@bp.route("/account/delete", methods=["GET", "POST"])
@allowed_when_blocked  # a blocked or unconfirmed person may delete their account too
@pages.open_before_acceptance
@login_required
@limit_password_guesses
def delete_account():
    user = current_user._get_current_object()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: privacy.erase_account(user, user, password=form.password.data),
                             _("Your account and personal data have been deleted."))
        if ok:
            logout_user()
            return redirect(url_for("core.home"))
    return render_template("account/delete.html", form=form,
                           last_admin=privacy.is_last_admin(user)), form_status()


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@login_required
def admin_erase(user_id: int):
    if not permissions.can_manage_users(current_user):
        abort(403)
    person = db.session.get(User, user_id) or abort(404)
    if person.id == current_user.id:  # one's own account: with the password
        return redirect(url_for("privacy.delete_account"))
    form = AdminEraseForm()
    if form.validate_on_submit():
        ok, _result = submit(form, lambda: privacy.erase_account(current_user, person, reason=form.reason.data),
                             _("The account and its personal data have been deleted."))
        if ok:
            return redirect(url_for("privacy.admin_erase_done"))
    return render_template("account/admin_erase.html", form=form, person=person,
                           last_admin=privacy.is_last_admin(person)), form_status()


@bp.get("/admin/users/erased")
@login_required
def admin_erase_done():
    if not permissions.can_manage_users(current_user):
        abort(403)
    return render_template("account/admin_erased.html")


@bp.get("/users/<int:user_id>")
def profile(user_id: int):
    """A public profile: only for people who chose to show it; never for deleted accounts."""
    person = db.session.get(User, user_id)
    if person is None or not privacy.has_public_profile(person):
        abort(404)
    return render_template("account/profile.html", person=person, items=privacy.public_profile_items(person))
