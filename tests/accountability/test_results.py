"""Results: statuses, roll-up of progress, links, notifications, imports; the public pages."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from participation.accountability import services
from participation.accountability.models import Result
from participation.core.errors import InvalidInput, PermissionDenied
from participation.core.models import AuditLog, Notification
from participation.extensions import db

from .conftest import actor_of, process_of


def test_default_statuses_and_editing_them(app, make_process, make_user):
    process = make_process()
    facilitator = make_user("facilitator", process_id=process.id)
    with app.test_request_context("/"):
        names = [(s.name["ja"], s.progress) for s in services.statuses(process_of(process))]
        assert names == [("未着手", 0), ("設計中", 30), ("工事中", 60), ("完了", 100)]
        rows = services.set_statuses(actor_of(facilitator), process_of(process),
                                     "未着手 | Not started | 0\n完了 | Done | 100")
        assert [(s.name["en"], s.progress) for s in rows] == [("Not started", 0), ("Done", 100)]
        for bad in ("", "名前だけ", "名前 | name | 101", "名前 | name | x"):
            with pytest.raises(InvalidInput):
                services.set_statuses(actor_of(facilitator), process_of(process), bad)


@pytest.mark.parametrize(("children", "expected"), [([0], 0), ([0, 100], 50), ([30, 60, 100], 63), ([33, 34], 34)])
def test_parent_progress_is_the_mean_of_its_children(app, make_process, make_user, children, expected):
    process = make_process()
    facilitator = make_user("facilitator", process_id=process.id)
    with app.test_request_context("/"):
        actor, proc = actor_of(facilitator), process_of(process)
        parent = services.create_result(actor, proc, {"title": {"ja": "親"}, "progress": 0})
        made = [services.create_result(actor, proc, {"title": {"ja": f"子{i}"}, "progress": value,
                                                     "parent_id": parent.id})
                for i, value in enumerate(children)]
        assert db.session.get(Result, parent.id).progress == expected
        services.update_result(actor, made[0], {"title": {"ja": "子0"}, "progress": 100, "parent_id": parent.id})
        values = [100] + children[1:]
        assert db.session.get(Result, parent.id).progress == round(sum(values) / len(values))
        services.delete_result(actor, made[0])
        rest = children[1:]
        assert db.session.get(Result, parent.id).progress == (round(sum(rest) / len(rest)) if rest else values[0])


def test_only_one_level_of_children(app, make_process, make_user):
    process = make_process()
    facilitator = make_user("facilitator", process_id=process.id)
    with app.test_request_context("/"):
        actor, proc = actor_of(facilitator), process_of(process)
        parent = services.create_result(actor, proc, {"title": {"ja": "親"}})
        child = services.create_result(actor, proc, {"title": {"ja": "子"}, "parent_id": parent.id})
        with pytest.raises(InvalidInput):
            services.create_result(actor, proc, {"title": {"ja": "孫"}, "parent_id": child.id})
        with pytest.raises(InvalidInput):
            services.create_result(actor, proc, {"title": {"ja": "範囲"}, "progress": 101})
        with pytest.raises(InvalidInput):
            services.create_result(actor, proc, {"title": {"ja": "日付"}, "start_date": date(2027, 1, 2),
                                                 "end_date": date(2027, 1, 1)})


def test_status_change_notifies_followers_of_linked_proposals(app, proposals_world):
    process, facilitator, ids, author = proposals_world
    with app.test_request_context("/"):
        actor, proc = actor_of(facilitator), process_of(process)
        states = services.statuses(proc)
        result = services.create_result(actor, proc, {"title": {"ja": "日陰づくり"}, "status_id": states[0].id,
                                                      "proposal_ids": f"{ids['accepted']}"})
        with pytest.raises(InvalidInput):  # not a proposal of this process
            services.update_result(actor, result, {"title": {"ja": "日陰づくり"}, "proposal_ids": "999999"})
        services.update_result(actor, result, {"title": {"ja": "日陰づくり"}, "status_id": states[2].id,
                                               "proposal_ids": f"{ids['accepted']}"})
        assert result.progress == 60
        notes = list(db.session.scalars(select(Notification).where(
            Notification.user_id == author.id, Notification.kind == "accountability.result_status")))
        assert len(notes) == 1
        from participation.core.notifications import render

        message, url = render(notes[0])
        assert "工事中" in message and "60" in message and url.endswith(f"/results/{result.id}")
        assert {"result.create", "result.update"} <= set(db.session.scalars(select(AuditLog.action)))


def test_residents_cannot_manage(app, make_process, make_user):
    process = make_process()
    resident = make_user()
    with app.test_request_context("/"), pytest.raises(PermissionDenied):
        services.create_result(actor_of(resident), process_of(process), {"title": {"ja": "勝手に"}})


def test_csv_import_all_or_nothing(app, proposals_world):
    process, facilitator, ids, _author = proposals_world
    good = ("\ufefftitle_ja,title_en,description_ja,description_en,area,category,start_date,end_date,progress,"
            f"proposal_ids\n木陰のベンチ,Benches,,,東区,公園,2026-04-01,2027-03-31,30,{ids['accepted']}\n"
            "歩道の改良,,,,西区,道路,,,0,\n").encode()
    bad = good + "壊れた行,,,,,,2026-13-01,,0,\n".encode()
    with app.test_request_context("/"):
        actor, proc = actor_of(facilitator), process_of(process)
        with pytest.raises(InvalidInput, match="4"):
            services.import_csv(actor, proc, bad)
        db.session.rollback()
        made = services.import_csv(actor_of(facilitator), process_of(process), good)
        assert [r.title["ja"] for r in made] == ["木陰のベンチ", "歩道の改良"]
        assert made[0].links[0].target_id == ids["accepted"] and made[0].area == "東区"
        with pytest.raises(InvalidInput):
            services.import_csv(actor, proc, b"\xff\xfe")


def test_import_from_selected_projects(app, make_process, make_user):
    from datetime import timedelta

    from participation.budgets.models import Budget, Project
    from participation.processes.models import city_today

    with app.app_context():
        today = city_today()
    process = make_process(phases=[dict(start_date=today - timedelta(days=30), end_date=today - timedelta(days=1),
                                        allow_budget_votes=True),
                                   dict(start_date=today, end_date=today + timedelta(days=30))])
    facilitator = make_user("facilitator", process_id=process.id)
    with app.test_request_context("/"):
        budget = Budget(process_id=process.id, title={"ja": "東区"}, total=1000)
        budget.projects = [Project(title={"ja": "選ばれた事業"}, cost=500, selected=True, area="東区"),
                           Project(title={"ja": "落選した事業"}, cost=600)]
        db.session.add(budget)
        db.session.flush()
        made = services.import_from_projects(actor_of(facilitator), process_of(process))
        assert [r.title["ja"] for r in made] == ["選ばれた事業"]
        assert made[0].links[0].target_type == "budget_projects"
        assert services.import_from_projects(actor_of(facilitator), process_of(process)) == []  # once only


def test_public_pages_show_progress_and_timeline(app, client, proposals_world):
    process, facilitator, ids, _author = proposals_world
    with app.test_request_context("/"):
        actor, proc = actor_of(facilitator), process_of(process)
        states = services.statuses(proc)
        result = services.create_result(actor, proc, {"title": {"ja": "日陰づくり"}, "status_id": states[2].id,
                                                      "area": "東区", "category": "公園",
                                                      "proposal_ids": str(ids["accepted"])})
        services.add_entry(actor, result, {"date": date(2026, 5, 1), "text": {"ja": "工事が始まりました。"}})
        db.session.commit()
        result_id = result.id
    page = client.get("/processes/square/results/?lang=ja").get_data(as_text=True)
    assert "日陰づくり" in page and "東区" in page and 'value="60"' in page
    assert client.get("/processes/square/results/?area=西区").get_data(as_text=True).count("日陰づくり") == 0
    detail = client.get(f"/processes/square/results/{result_id}").get_data(as_text=True)
    assert "工事が始まりました。" in detail and "提案 accepted" in detail
    proposal_page = client.get(f"/proposals/{ids['accepted']}").get_data(as_text=True)
    assert "日陰づくり" in proposal_page and "60%" in proposal_page  # "this became result X (60%)"
