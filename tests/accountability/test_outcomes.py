"""The proposal outcome report: every proposal exactly once, with its fate; counts; filters; CSV."""
from __future__ import annotations

from collections import Counter

from participation.accountability import reports, services

from .conftest import actor_of, process_of


def test_every_proposal_appears_exactly_once_with_its_outcome(app, proposals_world):
    process, facilitator, ids, _author = proposals_world
    with app.test_request_context("/"):
        services.create_result(actor_of(facilitator), process_of(process),
                               {"title": {"ja": "実施中"}, "proposal_ids": str(ids["accepted"])})
        rows = reports.outcome_rows(process_of(process))
        assert Counter(r.id for r in rows) == Counter(ids.values())
        outcome = {r.id: r.outcome for r in rows}
        assert outcome == {ids["waiting"]: "not_answered", ids["evaluating"]: "evaluating",
                           ids["accepted"]: "result", ids["rejected"]: "rejected",
                           ids["withdrawn"]: "withdrawn", ids["hidden"]: "hidden"}
        hidden = next(r for r in rows if r.id == ids["hidden"])
        assert hidden.title == "" and hidden.became == []
        rejected = next(r for r in rows if r.id == ids["rejected"])
        assert rejected.answer == "予算が足りません"
        assert sum(n for _k, _l, n in reports.counts(rows)) == len(ids)


def test_outcome_page_filters_and_csv(app, client, proposals_world):
    process, _facilitator, ids, _author = proposals_world
    page = client.get("/processes/square/outcomes?lang=ja").get_data(as_text=True)
    assert "提案 waiting" in page and "提案 hidden" not in page and "予算が足りません" in page
    only = client.get("/processes/square/outcomes?outcome=rejected").get_data(as_text=True)
    assert "提案 rejected" in only and "提案 waiting" not in only
    assert client.get("/processes/square/outcomes?outcome=nonsense").status_code == 200
    assert client.get("/processes/square/outcomes?outcome=%00").status_code in (200, 400)
    csv = client.get("/processes/square/outcomes.csv")
    text = csv.data.decode("utf-8")
    assert text.startswith("\ufeff") and text.count("\n") == len(ids) + 1


def test_csv_neutralises_formulas(app):
    from datetime import UTC, datetime

    row = reports.Row(1, "=HYPERLINK(\"http://x\")", "Accepted", "+1", "/p/1", datetime.now(UTC), "accepted")
    with app.test_request_context("/"):
        text = reports.outcomes_csv([row])
    assert "'=HYPERLINK" in text and ",'+1," in text
