"""The proposal outcome report (「検討経緯の公表」): every proposal of a process exactly once, with its
answer and what became of it; counts per outcome; CSV.

Proposals come from the proposals feature (`signals.process_proposals`); what became of them from
every feature that knows (`signals.proposal_outcomes`: budget projects, results)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import clock, signals
from ..processes.models import Process

OUTCOMES = {
    "result": _l("Being carried out"),
    "project": _l("Became a budget project"),
    "accepted": _l("Accepted, no follow-up published yet"),
    "evaluating": _l("Being evaluated"),
    "rejected": _l("Not adopted"),
    "not_answered": _l("Not answered yet"),
    "withdrawn": _l("Withdrawn by the author"),
    "hidden": _l("Hidden by moderation"),
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Row:
    id: int
    title: str
    state_label: str
    answer: str
    url: str
    created_at: datetime
    outcome: str
    became: list[dict] = field(default_factory=list)

    @property
    def age_days(self) -> int:
        return max(0, (clock.now() - self.created_at).days)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOMES[self.outcome])


def _outcome(proposal: dict, became: list[dict]) -> str:
    if proposal["hidden"]:
        return "hidden"
    if any(b["kind"] == "result" for b in became):
        return "result"
    if became:
        return "project"
    return {"published": "not_answered"}.get(proposal["state"], proposal["state"])


def outcome_rows(process: Process) -> list[Row]:
    proposals = signals.collect_lists(signals.process_proposals, process=process)
    became: dict[int, list[dict]] = {}
    for item in signals.collect_lists(signals.proposal_outcomes, process=process,
                                      proposal_ids=[p["id"] for p in proposals]):
        became.setdefault(item["proposal_id"], []).append(item)
    rows = []
    for p in proposals:
        mine = [] if p["hidden"] else became.get(p["id"], [])
        rows.append(Row(p["id"], p["title"], p["state_label"], p["answer"], p["url"], p["created_at"],
                        _outcome(p, mine), mine))
    return rows


def counts(rows: list[Row]) -> list[tuple[str, str, int]]:
    """(key, label, count) for every outcome that occurs, in the order of `OUTCOMES`."""
    found: dict[str, int] = {}
    for row in rows:
        found[row.outcome] = found.get(row.outcome, 0) + 1
    return [(key, str(label), found[key]) for key, label in OUTCOMES.items() if key in found]


def _cell(value: object) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def outcomes_csv(rows: list[Row]) -> str:
    """UTF-8 with BOM, formula cells neutralised (to switch to core's shared writer when it exists)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Proposal"), _("Title"), _("State"), _("Outcome"), _("What became of it"),
                     _("Answer"), _("Age in days")])
    for r in rows:
        writer.writerow([_cell(v) for v in (r.id, r.title, r.state_label, r.outcome_label,
                                            " / ".join(b["label"] for b in r.became), r.answer, r.age_days)])
    return out.getvalue()
