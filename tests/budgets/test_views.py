"""Budget pages: the ballot without JavaScript, checkout, results, CSV, facilitators' forms."""
from __future__ import annotations

from participation.budgets.models import Budget, Project
from participation.extensions import db


def _url(process, budget_id, tail=""):
    return f"/processes/{process.slug}/budgets/{budget_id}/{tail}"


def test_ballot_without_javascript(app, client, login, post_form, voting_process, make_budget, make_user):
    process = voting_process()
    budget_id, ids, _f = make_budget(process, total=1000, rule="minimum", min_percent=50)
    login(make_user())
    page = client.get(_url(process, budget_id)).get_data(as_text=True)
    assert "Your ballot" in page or "あなたの投票" in page
    response = post_form(_url(process, budget_id, "ballot"), {"project_id": ids[1], "action": "add"},
                         page=_url(process, budget_id))
    assert response.status_code == 302
    page = client.get(_url(process, budget_id)).get_data(as_text=True)
    assert "300" in page and "700" in page  # chosen, remaining (server-rendered)
    assert f'name="project_id" value="{ids[1]}"' in page
    assert "checkout" not in page.split('id="ballot"')[1].split("</section>")[0]  # under the 50% minimum
    post_form(_url(process, budget_id, "ballot"), {"project_id": ids[0], "action": "add"},
              page=_url(process, budget_id))
    response = post_form(_url(process, budget_id, "checkout"), {}, page=_url(process, budget_id))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Budget, budget_id).ballots_count == 1
        assert db.session.get(Project, ids[0]).votes_count == 1


def test_forged_checkout_is_refused_with_a_message(app, client, login, post_form, voting_process, make_budget,
                                                   make_user):
    process = voting_process()
    budget_id, ids, _f = make_budget(process, total=1000)
    login(make_user())
    response = post_form(_url(process, budget_id, "checkout"), {}, page=_url(process, budget_id))
    assert response.status_code == 400 and 'role="alert"' in response.get_data(as_text=True)
    # a project of another budget, a huge id, a missing id
    other_id, other_ids, _f = make_budget(process, title={"ja": "西区"})
    for bad in (other_ids[0], "99999999999", "", "abc"):
        response = post_form(_url(process, budget_id, "ballot"), {"project_id": bad}, page=_url(process, budget_id))
        assert response.status_code == 400


def test_results_hidden_while_open_then_public(app, client, voting_process, make_budget):
    open_process = voting_process()
    budget_id, _ids, _f = make_budget(open_process)
    assert client.get(_url(open_process, budget_id, "results")).status_code == 403
    closed = voting_process("past", closed=True)
    closed_id, _ids, _f = make_budget(closed)
    page = client.get(_url(closed, closed_id, "results"))
    assert page.status_code == 200 and b"<svg" in page.data
    csv = client.get(_url(closed, closed_id, "results.csv"))
    assert csv.status_code == 200 and csv.data.startswith("\ufeff".encode())


def test_facilitator_creates_a_budget_and_a_project(app, client, login, post_form, voting_process, make_user):
    process = voting_process()
    login(make_user("facilitator", process_id=process.id))
    new = f"/admin/processes/{process.id}/budgets/new"
    response = post_form(new, {"title_ja": "東区", "total": "5000000", "rule": "total"})
    assert response.status_code == 302
    with app.app_context():
        budget = db.session.scalar(db.select(Budget))
        budget_id = budget.id
    response = post_form(f"/admin/budgets/{budget_id}/projects/new",
                         {"title_ja": "公園のベンチ", "cost": "900000", "area": "東区"})
    assert response.status_code == 302
    page = client.get(_url(process, budget_id)).get_data(as_text=True)
    assert "公園のベンチ" in page and "900,000" in page
    response = post_form(new, {"title_ja": "西区", "total": "-5", "rule": "total"})
    assert response.status_code == 400 and 'role="alert"' in response.get_data(as_text=True)


def test_projects_from_accepted_proposals_keep_links_and_notify(app, voting_process, make_budget, make_user):
    from participation.budgets import services
    from participation.core.models import Notification, User
    from participation.processes.models import Process
    from participation.proposals import services as proposal_services

    process = voting_process()
    budget_id, _ids, facilitator = make_budget(process, costs=())
    author = make_user()
    with app.test_request_context("/"):
        proc = db.session.get(Process, process.id)
        accepted = proposal_services.submit_proposal(proc, db.session.get(User, author.id),
                                                     {"title": "公園に日陰を", "body": "夏は暑いです。"})
        rejected = proposal_services.submit_proposal(proc, db.session.get(User, author.id),
                                                     {"title": "噴水を作って", "body": "涼しくなります。"})
        no_cost = proposal_services.submit_proposal(proc, db.session.get(User, author.id),
                                                    {"title": "花壇を増やす", "body": "きれいです。"})
        actor = db.session.get(User, facilitator.id)
        proposal_services.answer_proposal(actor, accepted, {"state": "accepted", "text": "実施します", "cost": 800})
        proposal_services.answer_proposal(actor, rejected, {"state": "rejected", "text": "予算外です"})
        proposal_services.answer_proposal(actor, no_cost, {"state": "accepted", "text": "検討して実施"})
        budget = db.session.get(Budget, budget_id)
        made, skipped = services.projects_from_accepted_proposals(actor, budget)
        assert [p.proposal_ids for p in made] == [[accepted.id]] and skipped == 1
        assert made[0].cost == 800 and made[0].title["ja"] == "公園に日陰を"
        kinds = list(db.session.scalars(db.select(Notification.kind).where(Notification.user_id == author.id)))
        assert "budgets.project_created" in kinds
        again, _skipped = services.projects_from_accepted_proposals(actor, db.session.get(Budget, budget_id))
        assert again == []  # never twice


def test_project_photo_is_served_while_the_process_is_visible(app, client, login, post_form, voting_process,
                                                               make_user):
    import io

    from PIL import Image

    process = voting_process()
    login(make_user("facilitator", process_id=process.id))
    post_form(f"/admin/processes/{process.id}/budgets/new", {"title_ja": "東区", "total": "1000", "rule": "total"})
    with app.app_context():
        budget_id = db.session.scalar(db.select(Budget.id))
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 60)).save(data, format="JPEG")
    data.seek(0)
    response = post_form(f"/admin/budgets/{budget_id}/projects/new",
                         {"title_ja": "公園の木", "cost": "500", "image": (data, "tree.jpg")},
                         page=f"/admin/budgets/{budget_id}/projects/new", content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        project = db.session.scalar(db.select(Project))
        name = project.image.filename
    with client.get(f"/uploads/{name}") as photo:
        assert photo.status_code == 200
