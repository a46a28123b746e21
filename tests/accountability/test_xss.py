"""Staff and resident text on the budget, results and outcome pages, filled with every XSS payload:
nothing executable comes out."""
from __future__ import annotations

from datetime import date

from participation.accountability import queries as result_queries
from participation.accountability import services as results
from participation.budgets.models import Budget, Project
from participation.extensions import db
from participation.proposals.models import Proposal

from ..htmlcheck import executable_parts
from ..security.payloads import XSS_PAYLOADS
from .conftest import actor_of, process_of


def test_no_payload_executes_on_budget_and_result_pages(app, client, login, proposals_world):
    process, facilitator, ids, _author = proposals_world
    with app.test_request_context("/"):
        actor, proc = actor_of(facilitator), process_of(process)
        budget = Budget(process_id=proc.id, title={"ja": "x"}, total=1000, results_live=True)
        budget.projects = [Project(title={"ja": "x"}, cost=100, selected=True)]
        db.session.add(budget)
        result = results.create_result(actor, proc, {"title": {"ja": "x"}, "proposal_ids": str(ids["accepted"])})
        results.add_entry(actor, result, {"date": date(2026, 5, 1), "text": {"ja": "x"}})
        db.session.commit()
        budget_id, project_id, result_id = budget.id, budget.projects[0].id, result.id
    login(facilitator)
    pages = ["/processes/square/budgets/", f"/processes/square/budgets/{budget_id}/",
             f"/processes/square/budgets/{budget_id}/projects/{project_id}",
             f"/processes/square/budgets/{budget_id}/results", f"/admin/budgets/{budget_id}/",
             "/processes/square/results/", f"/processes/square/results/{result_id}", "/processes/square/outcomes",
             f"/admin/results/{result_id}/", f"/proposals/{ids['accepted']}"]
    for payload in XSS_PAYLOADS:
        both = {"ja": payload, "en": payload}
        with app.app_context():
            b = db.session.get(Budget, budget_id)
            b.title = b.description = both
            p = db.session.get(Project, project_id)
            p.title, p.description, p.area, p.category, p.selection_note = both, both, payload[:100], \
                payload[:100], payload
            r = result_queries.get_result(result_id)
            r.title, r.description, r.area, r.category = both, both, payload[:100], payload[:100]
            r.entries[0].text = both
            db.session.get(Proposal, ids["accepted"]).title = payload[:150]
            db.session.commit()
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert executable_parts(response.get_data(as_text=True)) == [], (page, payload)
        csv = client.get("/processes/square/outcomes.csv").get_data(as_text=True)
        assert "\n=" not in csv and ",=" not in csv
