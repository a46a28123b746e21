"""/kpi/: participation, responsiveness and inclusiveness figures (public; more detail for staff)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core import jobs
from ..core.actions import form_status, submit
from ..core.exports import csv_response, csv_text
from ..core.services import parse_id
from ..processes.permissions import can_view_process
from ..processes.queries import get_process, list_public_processes
from . import population as pop
from . import queries
from .forms import RefreshForm, population_form
from .permissions import can_edit_population, can_refresh_kpi

bp = Blueprint("kpi", __name__, template_folder="templates")


def _process():
    raw = request.args.get("process")
    if not raw:
        return None
    process_id = parse_id(raw)
    if process_id is None:
        abort(404)
    process = get_process(process_id)
    if not can_view_process(current_user, process):
        abort(404)
    return process


@bp.get("/kpi/")
def index():
    process = _process()
    process_id = process.id if process else None
    return render_template("kpi/index.html", process=process, processes=list_public_processes("all"),
                           activity=queries.activity(process_id),
                           responsiveness=queries.responsiveness(current_user, process_id),
                           inclusiveness=queries.inclusiveness() if process is None else [],
                           months=queries.months(), run=queries.last_run(), refresh_form=RefreshForm())


@bp.get("/kpi/kpi.csv")
def download():
    process = _process()
    header, rows = queries.csv_rows(current_user, process.id if process else None)
    name = f"kpi-process-{process.id}.csv" if process else "kpi.csv"
    return csv_response(csv_text(header, rows), name)


@bp.route("/kpi/population", methods=["GET", "POST"])
@login_required
def population():
    if not can_edit_population(current_user):
        abort(403)
    current = pop.population()
    forms = {dimension: population_form(pop.choices(dimension), current.get(dimension, {}),
                                        formdata=request.form if request.form.get("dimension") == dimension
                                        else None)
             for dimension in pop.DIMENSIONS}
    if request.method == "POST":
        dimension = request.form.get("dimension", "")
        form = forms.get(dimension)
        if form is None:
            abort(400)
        if form.validate_on_submit():
            values = {name[2:]: field.data for name, field in form._fields.items() if name.startswith("g_")}
            ok, _result = submit(form, lambda: pop.save_population(current_user, dimension, values),
                                 _("The population table has been saved."))
            if ok:
                return redirect(url_for("kpi.population"))
    return render_template("kpi/population.html", forms=forms, choices={d: pop.choices(d) for d in pop.DIMENSIONS}), \
        form_status()


@bp.post("/kpi/refresh")
@login_required
def refresh():
    if not can_refresh_kpi(current_user):
        abort(403)
    form = RefreshForm()
    if not form.validate_on_submit():
        abort(400)
    from .jobs import refresh_now

    jobs.after_commit(refresh_now)
    flash(_("The figures will be recomputed in the background in a minute or two."), "success")
    return redirect(url_for("kpi.index"))


def month_label(month: str, short: bool = False) -> str:
    """"2026-11" → 「2026年11月」 / "Nov 2026" (short: 「11月」 / "Nov")."""
    from datetime import date

    from babel.dates import format_skeleton
    from flask_babel import get_locale

    year, number = (int(part) for part in month.split("-"))
    return format_skeleton("MMM" if short else "yMMM", date(year, number, 1), locale=get_locale())
