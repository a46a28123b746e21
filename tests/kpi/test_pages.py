"""/kpi/ as residents, staff and administrators see it; the ≥ 10 people rule; the population table."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core.privacy_models import AgeGroup, Demographics
from participation.extensions import db
from participation.kpi.models import KpiPopulation
from participation.kpi.queries import suppress
from participation.kpi.rollup import rollup
from participation.proposals.models import Proposal, Support

from ..conftest import csrf_token
from .test_rollup import dataset  # noqa: F401 - fixture


def test_small_groups_are_suppressed_and_a_lone_one_does_not_leak():
    assert suppress({"a": 10, "b": 25}) == {"a": 10, "b": 25}
    # One group under 10 would be computable from the total: the next smallest is hidden too.
    assert suppress({"a": 9, "b": 10, "c": 30}) == {"a": None, "b": None, "c": 30}
    assert suppress({"a": 3, "b": 4, "c": 30}) == {"a": None, "b": None, "c": 30}
    assert suppress({"a": 0, "b": 12}) == {"a": None, "b": None}


@pytest.fixture
def demographics(app, make_user, make_process, frozen):
    """12 participants in their thirties, 10 in their forties and 4 in their fifties (consented),
    plus 5 who did nothing."""
    process = make_process()
    bands = [AgeGroup.THIRTIES] * 12 + [AgeGroup.FORTIES] * 10 + [AgeGroup.FIFTIES] * 4
    users = [make_user() for _ in range(len(bands) + 5)]
    with app.app_context():
        proposal = Proposal(process_id=process.id, author_id=users[0].id, title="公園に水飲み場を", body="本文")
        db.session.add(proposal)
        db.session.flush()
        for user, band in zip(users, bands + [AgeGroup.SIXTIES] * 5, strict=True):
            db.session.add(Demographics(user_id=user.id, age_group=band))
        for user in users[1:len(bands)]:
            db.session.add(Support(proposal_id=proposal.id, process_id=process.id, user_id=user.id))
        db.session.add(KpiPopulation(dimension="age_group", key="30-39", people=300))
        db.session.add(KpiPopulation(dimension="age_group", key="40-49", people=700))
        db.session.commit()
        rollup(None)
        db.session.commit()


def test_inclusiveness_shows_only_groups_of_ten_or_more(app, client, demographics):
    page = client.get("/kpi/?lang=en").get_data(as_text=True)
    section = page[page.index('id="inclusiveness"'):]
    assert "30 to 39" in section and "40 to 49" in section
    # 12 of 26 consented participants in their thirties; 30% of the population.
    assert '<span class="num">12</span>' in section and "46.2%" in section and "30%" in section
    assert '<span class="num">10</span>' in section
    # Four people in their fifties are not shown; the sixties did nothing (0), hidden too.
    fifties = section[section.index("50 to 59"):section.index("60 to 69")]
    assert "fewer than 10" in fifties and "num" not in fifties.split("</tr>")[0].split("50 to 59")[1][:80]


def test_public_page_shows_participation_and_responsiveness_by_department(app, client, dataset):  # noqa: F811
    with app.app_context():
        rollup(None)
        db.session.commit()
    page = client.get("/kpi/?lang=en").get_data(as_text=True)
    assert "Participants" in page and "Proposals answered" in page
    assert "Roads" in page  # by department
    assert "By category" not in page  # categories are for staff
    ja = client.get("/kpi/?lang=ja").get_data(as_text=True)
    assert "回答済みの提案" in ja and "道路課" in ja


def test_staff_see_categories(app, client, login, make_user, dataset):  # noqa: F811
    with app.app_context():
        rollup(None)
        db.session.commit()
    login(make_user("official", department="kpi-roads"))
    page = client.get("/kpi/?lang=en").get_data(as_text=True)
    assert "By category (staff only)" in page and "Pothole" in page


def test_process_figures_and_unknown_or_draft_processes(app, client, make_process, dataset):  # noqa: F811
    with app.app_context():
        rollup(None)
        db.session.commit()
    page = client.get(f"/kpi/?process={dataset['process']}&lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Street reports" not in text and "New accounts" not in text  # city-wide only
    assert "Proposals" in text
    draft = make_process(status="draft")
    for value in (str(draft.id), "999999", "abc", "-1", "99999999999999999999"):
        assert client.get(f"/kpi/?process={value}").status_code == 404, value


def test_csv_download(app, client, dataset):  # noqa: F811
    with app.app_context():
        rollup(None)
        db.session.commit()
    response = client.get("/kpi/kpi.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffmetric,month,scope")
    assert "proposals,2026-10,all,,,2," in text
    assert "category" not in text.split("\n", 1)[1]  # staff-only rows are not in the public file


def test_population_table_is_for_admins_and_validated(app, client, login, make_user):
    login(make_user("admin"))
    page = client.get("/kpi/population")
    assert page.status_code == 200
    token = csrf_token(client, "/kpi/population")
    bad = client.post("/kpi/population", data={"csrf_token": token, "dimension": "age_group",
                                               "g_30-39": "たくさん", "g_40-49": "700"})
    assert bad.status_code == 400
    assert "whole number" in bad.get_data(as_text=True) or "整数" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(KpiPopulation.id)) is None  # nothing half-saved
    ok = client.post("/kpi/population", data={"csrf_token": token, "dimension": "age_group",
                                              "g_30-39": "１２，３４５", "g_40-49": ""})
    assert ok.status_code == 302
    with app.app_context():
        rows = {r.key: r.people for r in db.session.scalars(select(KpiPopulation))}
    assert rows == {"30-39": 12345}


def test_refresh_recomputes_in_the_background(app, client, login, make_user, dataset):  # noqa: F811
    login(make_user("admin"))
    token = csrf_token(client, "/kpi/")
    response = client.post("/kpi/refresh", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get("/kpi/?lang=en").get_data(as_text=True)
    assert "Figures computed on" in page


def test_a_group_with_nothing_decided_yet_shows_a_dash(app, client, login, make_user, dataset):  # noqa: F811
    """A category whose only report is still within its targets has no share yet (was a 500)."""
    from datetime import UTC, datetime

    from participation.issues.models import Category, Issue

    with app.app_context():
        fresh = Category(code="kpi-fresh", name={"ja": "新しい種類", "en": "Brand new"},
                         department_id=dataset["roads"])
        db.session.add(fresh)
        db.session.flush()
        db.session.add(Issue(category_id=fresh.id, department_id=dataset["roads"], title="街灯が消えています",
                             latitude=35.658, longitude=139.7016,
                             created_at=datetime(2026, 11, 25, 1, tzinfo=UTC)))
        db.session.commit()
        rollup(None)
        db.session.commit()
    login(make_user("admin"))
    response = client.get("/kpi/?lang=en")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    row = text[text.index("Brand new"):]
    assert row.split("</tr>")[0].count("—") >= 1
