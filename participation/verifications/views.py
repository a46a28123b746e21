"""The resident's verification page and the administrators' verification page."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import verification as v
from ..core.actions import submit
from ..core.errors import ServiceError
from ..core.forms import attach_error
from ..extensions import db
from .forms import CensusForm, CensusUploadForm, CodeForm, LetterForm

bp = Blueprint("verifications", __name__, template_folder="templates")


def _page(status: int = 200, **forms):
    return render_template(
        "verifications/index.html", verifications=v.active_verifications(current_user),
        letter=v.pending_letter(current_user), labels=v.METHOD_LABELS,
        census_enabled=bool(current_app.config.get("CENSUS_HMAC_KEY")),
        letter_form=forms.get("letter_form") or LetterForm(formdata=None),
        code_form=forms.get("code_form") or CodeForm(formdata=None),
        census_form=forms.get("census_form") or CensusForm(formdata=None)), status


@bp.get("/account/verification")
@login_required
def index():
    return _page()


@bp.post("/account/verification/letter")
@login_required
def request_letter():
    form = LetterForm()
    if form.validate_on_submit():
        ok, _r = submit(form, lambda: v.request_letter(current_user, form.full_name.data, form.address.data),
                        _("Thank you. The city will mail you a letter with a code."))
        if ok:
            return redirect(url_for("verifications.index"))
    return _page(400, letter_form=form)


@bp.post("/account/verification/code")
@login_required
def enter_code():
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(400, code_form=form)
    try:
        verified = v.enter_code(current_user, form.code.data)
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _page(exc.status_code, code_form=form)
    if verified:
        flash(_("Your account is verified."), "success")
        return redirect(url_for("verifications.index"))
    # A wrong code: the attempt is kept (this request commits) and the resident is told.
    form.code.errors = [_("This code is not right. Please check the letter and try again.")]
    return _page(200, code_form=form)


@bp.post("/account/verification/census")
@login_required
def census():
    form = CensusForm()
    if form.validate_on_submit():
        ok, _r = submit(form, lambda: v.verify_census(current_user, form.document_number.data, form.birth_date.data),
                        _("Your account is verified."))
        if ok:
            return redirect(url_for("verifications.index"))
    return _page(400, census_form=form)


# --- administrators ------------------------------------------------------------------------------

def _admin_page(status: int = 200, upload_form=None):
    if not v.can_manage_verifications(current_user):
        abort(403)
    return render_template("verifications/admin.html", verifications=v.all_verifications(), labels=v.METHOD_LABELS,
                           pending=v.pending_letter_count(),
                           upload_form=upload_form or CensusUploadForm(formdata=None)), status


@bp.get("/admin/verifications")
@login_required
def admin():
    return _admin_page()


@bp.post("/admin/verifications/letters.csv")
@login_required
def admin_export():
    rows = v.export_letters(current_user)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["request_id", "full_name", "address", "code", "expires_at"])
    for request, code in rows:
        writer.writerow([request.id] + [("'" + x if x[:1] in "=+-@\t\r" else x) for x in
                                        (request.full_name, request.address)] +
                        [code, request.expires_at.date().isoformat() if request.expires_at else ""])
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="verification-letters.csv"'})


@bp.post("/admin/verifications/census")
@login_required
def admin_census():
    if not v.can_manage_verifications(current_user):
        abort(403)
    form = CensusUploadForm()
    if form.validate_on_submit():
        try:
            rows = list(csv.DictReader(io.StringIO(form.file.data.read().decode("utf-8-sig"))))
            hashes = [row.get("key_hash") or "" for row in rows]
        except (UnicodeDecodeError, csv.Error):
            hashes = []
        ok, added = submit(form, lambda: v.import_census(current_user, hashes), _("The voter list has been imported."))
        if ok:
            flash(_("%(n)s new entries.", n=added), "info")
            return redirect(url_for("verifications.admin"))
    return _admin_page(400, upload_form=form)


@bp.post("/admin/verifications/<int:verification_id>/revoke")
@login_required
def admin_revoke(verification_id: int):
    if not v.can_manage_verifications(current_user):
        abort(403)
    v.revoke(current_user, v.get_verification(verification_id))
    flash(_("The verification has been revoked."), "success")
    return redirect(url_for("verifications.admin"))


