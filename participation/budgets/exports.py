"""Budget results as CSV (UTF-8 with BOM for Excel; formula cells neutralised).

The writer below is this feature's until core has the one shared CSV writer; switching means
replacing `csv_text` by core's."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from ..core.i18n import localized
from .models import Budget
from .queries import ranking

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: list[str], rows: Iterable[list[object]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def results_csv(budget: Budget, lang: str) -> str:
    header = [_("Rank"), _("Project"), _("Area"), _("Category"), _("Cost (yen)"), _("Votes"),
              _("Selected"), _("Reason")]
    rows = [[r.rank, localized(r.project.title, lang), r.project.area or "", r.project.category or "",
             r.project.cost, r.project.votes_count, _("Yes") if r.project.selected else _("No"),
             r.project.selection_note or ""] for r in ranking(budget)]
    return csv_text(header, rows)
