"""The site's fixed pages (/pages/<slug>) and the acceptance of new terms or privacy policy."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField

from . import pages
from .actions import form_status, submit
from .blocking import allowed_when_blocked
from .i18n import localized
from .sanitize import staff_html
from .urls import safe_next

bp = Blueprint("pages", __name__, template_folder="templates")


class AcceptForm(FlaskForm):
    next = HiddenField()


@bp.get("/pages/<slug>")
def show(slug: str):
    if slug not in pages.PAGES:
        abort(404)
    version = pages.published(slug)
    if version is None:
        abort(404)
    title = localized(version.title) or str(pages.PAGES[slug])
    return render_template("pages/page.html", slug=slug, title=title, version=version,
                           body=staff_html(localized(version.body)))


@bp.route("/pages/accept", methods=["GET", "POST"])
@allowed_when_blocked
@login_required
def accept():
    form = AcceptForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    pending = pages.pending_acceptance(current_user)
    if not pending:
        return redirect(safe_next(form.next.data))
    if form.validate_on_submit():
        done, _rows = submit(form, lambda: pages.record_acceptance(current_user, pending),
                             _("Thank you. Your acceptance is recorded."))
        if done:
            return redirect(safe_next(form.next.data))
    items = [(slug, pages.PAGES[slug], pages.current_version(slug)) for slug in pending]
    return render_template("pages/accept.html", form=form, items=items), form_status()
