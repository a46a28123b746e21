"""/admin/api-keys: admins issue keys (shown once) and revoke them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.actions import form_status
from ..core.errors import ServiceError
from ..core.forms import attach_error
from ..extensions import db
from . import permissions, services
from .forms import ApiKeyForm

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-keys", template_folder="templates")


def _check() -> None:
    if not permissions.can_manage_api_keys(current_user):
        abort(403, description=permissions.ONLY_ADMINS)


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    _check()
    form = ApiKeyForm()
    new_key = None
    if form.validate_on_submit():
        try:
            _row, new_key = services.create_key(current_user, form.data)
        except ServiceError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            form = ApiKeyForm(formdata=None)
    status = 200 if new_key else form_status()
    return render_template("api/admin_keys.html", form=form, keys=services.list_keys(), new_key=new_key), status


@bp.post("/<int:key_id>/revoke")
@login_required
def revoke(key_id: int):
    _check()
    services.revoke_key(current_user, key_id)
    flash(_("The API key has been revoked."), "success")
    return redirect(url_for("api_admin.index"))
