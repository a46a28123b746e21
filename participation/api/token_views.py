"""/account/api-tokens: a resident creates (shown once) and revokes personal access tokens."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.actions import form_status
from ..core.errors import ServiceError
from ..core.forms import attach_error
from ..extensions import db
from . import tokens
from .forms import TokenForm

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            _row, new_token = tokens.create_token(current_user, form.data)
        except ServiceError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            form = TokenForm(formdata=None)
    status = 200 if new_token else form_status()
    return render_template("api/tokens.html", form=form, tokens=tokens.list_tokens(current_user),
                           new_token=new_token), status


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    tokens.revoke_token(current_user, token_id)
    flash(_("The access token has been revoked."), "success")
    return redirect(url_for("api_tokens.index"))
