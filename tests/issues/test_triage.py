"""Triage: filters, overdue against the category's target (Japanese working days), assigning to a
colleague of the department, internal notes that never leak, the reporter's contact details."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from participation.core import clock, workdays
from participation.core.errors import InvalidInput, PermissionDenied
from participation.core.models import AuditLog, User
from participation.extensions import db
from participation.issues import queries, services, triage_queries, triage_services
from participation.issues.models import Category, Issue, IssueNote
from participation.issues.triage_queries import TriageFilters

from ..conftest import session_token_of

SECRET = "内部メモ：業者に電話済み、見積り待ち"


def ctx(app):
    return app.test_request_context("/")


def u(user):
    return db.session.get(User, user.id)


def i(issue):
    return db.session.get(Issue, issue.id)


@pytest.fixture
def staff(make_user, city):
    return {"sato": make_user("official", department="roads", display_name="佐藤"),
            "suzuki": make_user("official", department="roads", display_name="鈴木"),
            "parks": make_user("official", department="environment", display_name="田中"),
            "admin": make_user("admin", display_name="管理者")}


def _titles(app, staff, **filters):
    with ctx(app):
        queue = triage_queries.triage_queue(u(staff["sato"]), queries.triage_department(
            u(staff["sato"]), None).id, TriageFilters(**filters))
        return [x.title for x in queue.items]


def test_filters_combine_and_bad_values_are_refused(app, client, login, staff, make_issue, make_user, city):
    base = datetime(2026, 11, 2, 1, tzinfo=UTC)  # a Monday
    clock.freeze(base - timedelta(days=40))
    old = make_issue(title="古い穴")
    clock.freeze(base)
    fresh = make_issue(title="新しい穴")
    crowded = make_issue(title="みんなの穴")
    reopened = make_issue(title="再開した穴")
    make_issue(category="graffiti", title="壁の落書きの報告")  # another department: never in this queue
    with ctx(app):
        i(crowded).metoo_count = 3
        i(reopened).reopened_at = clock.now()
        services.assign_to_me(u(staff["sato"]), i(fresh))
        db.session.commit()
    clock.freeze(base + timedelta(days=1))
    assert _titles(app, staff) == ["再開した穴", "古い穴", "新しい穴", "みんなの穴"]
    assert _titles(app, staff, older_than=30) == ["古い穴"]
    assert _titles(app, staff, reopened=True) == ["再開した穴"]
    assert _titles(app, staff, metoo_min=3) == ["みんなの穴"]
    assert _titles(app, staff, assignee="me") == ["新しい穴"]
    assert "新しい穴" not in _titles(app, staff, assignee="none")
    assert _titles(app, staff, status="investigating") == []
    with ctx(app):
        assert triage_queries.parse_filters({"age": "7", "reopened": "1"}).args() == {"age": 7, "reopened": "1"}
        for bad in ({"age": "5"}, {"status": "fixed"}, {"metoo": "-1"}, {"assignee": "x"}, {"category": "abc"}):
            with pytest.raises(InvalidInput):
                triage_queries.parse_filters(bad)
    login(staff["sato"])
    page = client.get("/admin/triage?age=30").get_data(as_text=True)
    assert "古い穴" in page and "みんなの穴" not in page and "壁の落書きの報告" not in page, page
    # The map of the queue asks the public GeoJSON endpoint with the same filters.
    assert "issues.geojson?department=" in page and "age=30" in page
    geo = client.get(f"/issues.geojson?department={city['roads']}&group=open&age=30").json
    assert [f["properties"]["title"] for f in geo["features"]] == ["古い穴"]
    assert client.get("/admin/triage?age=5").status_code == 400
    assert client.get("/issues.geojson?metoo=abc").status_code == 400
    assert old.id


def test_overdue_counts_japanese_working_days(app, client, login, staff, make_issue, city):
    with app.app_context():
        db.session.get(Category, city["pothole"]).target_days = 2
        db.session.commit()
    # Reported Friday 2026-05-01 (city time); 5/3–5/6 are holidays (Constitution Day … substitute holiday).
    clock.freeze(datetime(2026, 5, 1, 3, tzinfo=UTC))
    issue = make_issue(title="連休前の穴")
    assert not workdays.is_working_day(date(2026, 5, 6))
    with ctx(app):
        clock.freeze(datetime(2026, 5, 7, 3, tzinfo=UTC))  # Thursday: 1 working day (5/7) has passed
        assert not triage_queries.is_overdue(i(issue))
        clock.freeze(datetime(2026, 5, 8, 3, tzinfo=UTC))  # Friday: 2 working days, on target
        assert not triage_queries.is_overdue(i(issue))
        assert triage_queries.overdue_condition() is not None
        assert db.session.scalar(select(Issue.id).where(triage_queries.overdue_condition())) is None
        clock.freeze(datetime(2026, 5, 11, 0, tzinfo=UTC))  # Monday 9:00 JST: 3 working days, overdue
        assert triage_queries.is_overdue(i(issue))
        assert db.session.scalar(select(Issue.id).where(triage_queries.overdue_condition())) == issue.id
        # A closed report is never overdue.
        services.change_status(u(staff["sato"]), i(issue), "fixed", "補修しました")
        assert not triage_queries.is_overdue(i(issue))
        db.session.rollback()
    login(staff["sato"])
    page = client.get("/admin/triage?overdue=1").get_data(as_text=True)
    assert "連休前の穴" in page and 'class="overdue"' in page
    # The SQL cutoff agrees with working_days_between on every day of a month with holidays.
    with ctx(app):
        now = datetime(2026, 5, 20, 5, tzinfo=UTC)
        for days_back in range(0, 30):
            created = now - timedelta(days=days_back, hours=7)
            for target in (0, 1, 3, 5):
                cutoff = triage_queries.overdue_cutoff(target, now)
                assert (created < cutoff) is (workdays.working_days_between(created, now) > target), (days_back, target)


def test_assign_to_a_colleague_only_within_the_department(app, client, login, post_form, staff, make_issue):
    issue = make_issue()
    other = make_issue(category="graffiti")
    with ctx(app):
        triage_services.assign(u(staff["sato"]), i(issue), staff["suzuki"].id)
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "issue.assign")).one()
        assert entry.actor_id == staff["sato"].id and entry.after == {"assignee_id": staff["suzuki"].id}
        # Not a member of the department (another department's official, an admin, a resident): refused.
        for outsider in ("parks", "admin"):
            with pytest.raises(InvalidInput):
                triage_services.assign(u(staff["sato"]), i(issue), staff[outsider].id)
        # Another department's official cannot assign this department's issue at all.
        with pytest.raises(PermissionDenied):
            triage_services.assign(u(staff["parks"]), i(issue), staff["parks"].id)
        # An admin may hand it to a member.
        triage_services.assign(u(staff["admin"]), i(issue), staff["sato"].id)
        db.session.commit()
        assert i(issue).assignee_id == staff["sato"].id
    login(staff["sato"])
    page = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert "鈴木" in page and "田中" not in page  # only colleagues are offered
    ok = post_form(f"/admin/triage/{issue.id}/assign", {"assignee_id": str(staff["suzuki"].id)},
                   page=f"/issues/{issue.id}")
    assert ok.status_code == 302
    refused = post_form(f"/admin/triage/{issue.id}/assign", {"assignee_id": str(staff["parks"].id)},
                        page=f"/issues/{issue.id}")
    assert refused.status_code == 400 and "担当" in refused.get_data(as_text=True)
    # Bulk: a forged id of another department's issue refuses the whole change.
    forged = post_form("/admin/triage", {"issue_ids": [str(issue.id), str(other.id)], "action": "assign",
                                         "assignee_id": str(staff["sato"].id)})
    assert forged.status_code == 403
    forged_status = post_form("/admin/triage", {"issue_ids": [str(issue.id), str(other.id)], "action": "status",
                                                "status": "in_progress", "note": "まとめて"})
    assert forged_status.status_code == 403
    with app.app_context():
        assert db.session.get(Issue, issue.id).assignee_id == staff["suzuki"].id
        assert db.session.get(Issue, other.id).assignee_id is None
        assert {db.session.get(Issue, x.id).status for x in (issue, other)} == {"open"}  # nothing half-written
    # "Every issue on this page" without JavaScript.
    whole = post_form("/admin/triage", {"page_ids": [str(issue.id)], "whole_page": "y", "action": "assign",
                                        "assignee_id": str(staff["sato"].id)})
    assert whole.status_code == 302
    with app.app_context():
        assert db.session.get(Issue, issue.id).assignee_id == staff["sato"].id


def test_internal_notes_never_leak(app, client, login, post_form, staff, make_issue, make_user, city, tmp_path):
    app.config["OPENDATA_DIR"] = str(tmp_path / "opendata")  # built now, with this issue
    reporter = make_user(display_name="山田 花子")
    issue = make_issue(reporter, title="公開タイトル")
    login(staff["sato"])
    saved = post_form(f"/issues/{issue.id}/notes", {"text": SECRET}, page=f"/issues/{issue.id}")
    assert saved.status_code == 302
    assert SECRET in client.get(f"/issues/{issue.id}").get_data(as_text=True)
    login(staff["parks"])  # city staff of another department read it (the issue may come to them)
    assert SECRET in client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert post_form(f"/issues/{issue.id}/notes", {"text": "x"}, page=f"/issues/{issue.id}").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(IssueNote.text)) == SECRET
    paths = [f"/issues/{issue.id}", "/issues/", f"/issues.geojson?department={city['roads']}",
             "/api/v1/issues", f"/api/v1/issues/{issue.id}", "/open311/v2/requests.json",
             f"/open311/v2/requests/{issue.id}.json", f"/open311/v2/requests/{issue.id}.xml",
             "/opendata/issues.csv", "/opendata/issue_updates.csv", "/feeds/issues.atom",
             f"/feeds/issues/areas/{issue.area_id}.atom", f"/feeds/issues/categories/{city['pothole']}.atom"]
    for who in (None, make_user(), reporter):
        fresh = app.test_client()
        if who is not None:
            with fresh.session_transaction() as session:
                session["_user_id"], session["_fresh"] = session_token_of(app, who), True
        for path in paths:
            with fresh.get(path) as response:
                body = response.get_data(as_text=True)
                if response.is_json:  # read the text, not its \u escapes
                    body = json.dumps(response.json, ensure_ascii=False)
            assert response.status_code == 200, path
            assert "公開タイトル" in body or path in ("/opendata/issue_updates.csv",), path
            assert SECRET not in body and "見積り待ち" not in body, (who, path)


def test_reporter_contact_only_for_the_responsible_department(app, client, login, staff, make_user, make_issue):
    reporter = make_user(display_name="山田 花子", email="hanako@example.jp")
    issue = make_issue(reporter)
    for who, sees in (("sato", True), ("admin", True), ("parks", False)):
        login(staff[who])
        page = client.get(f"/issues/{issue.id}").get_data(as_text=True)
        assert ("hanako@example.jp" in page) is sees, who
        assert ("山田 花子" in page) is sees, who
    login(make_user())
    page = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert "hanako@example.jp" not in page and "山田 花子" not in page
