"""The audit log reads as translated sentences, with filters by person, action, item and dates, and
pages by key (no count of the whole table)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from participation.core import audit, clock
from participation.core.models import Department, User
from participation.extensions import db
from participation.issues import services
from participation.issues.models import Category


@pytest.fixture
def logged(app, make_user):
    """佐藤 (roads) moves issue #n to "investigating" on 2026-04-01; an admin grants a role on 04-03;
    a survey export (an action nobody registered) on 04-05."""
    with app.app_context():
        roads = Department(code="roads", name={"ja": "道路課", "en": "Roads"})
        db.session.add(roads)
        db.session.flush()
        pothole = Category(code="pothole", name={"ja": "道路の穴", "en": "Pothole"}, department_id=roads.id)
        db.session.add(pothole)
        db.session.commit()
        pothole_id = pothole.id
    sato = make_user("official", department="roads", display_name="佐藤")
    admin = make_user("admin", display_name="管理者", email="admin@example.jp")
    reporter = make_user()
    with app.test_request_context("/"):
        clock.freeze(datetime(2026, 4, 1, 1, tzinfo=UTC))
        issue = services.report_issue(db.session.get(User, reporter.id), {
            "category_id": pothole_id, "latitude": 35.658, "longitude": 139.7016, "title": "道路に穴"})
        services.change_status(db.session.get(User, sato.id), issue, "investigating", "")
        db.session.flush()
        clock.freeze(datetime(2026, 4, 3, 1, tzinfo=UTC))
        audit.record(db.session.get(User, admin.id), "issue.template.create", target_type="issue_response_templates",
                     target_id=7, after={"status": "fixed", "title": {"ja": "補修完了", "en": "Repaired"}})
        db.session.flush()  # stamped now, not at the commit below
        clock.freeze(datetime(2026, 4, 5, 1, tzinfo=UTC))
        audit.record(db.session.get(User, admin.id), "survey.export", target_type="surveys", target_id=3,
                     after={"questions": 4, "anonymous": True})
        db.session.commit()
        return {"issue": issue.id, "sato": sato, "admin": admin}


def test_sentences_in_japanese_and_english(app, client, login, logged):
    login(logged["admin"])
    page = client.get("/admin/audit").get_data(as_text=True)
    n = logged["issue"]
    assert f"佐藤（道路課）が #{n} の状態を調査中に変更" in page
    assert "管理者が回答テンプレート「補修完了」を作成" in page
    # Unknown action: a readable generic sentence; JSON values as text.
    assert "管理者が" in page and "「survey.export」を実行" in page
    assert "はい" in page  # True shown as a word
    page = client.get("/admin/audit?lang=en").get_data(as_text=True)
    assert f"佐藤 (Roads) changed the status of #{n} to Investigating" in page
    assert "管理者 created the response template “Repaired”" in page


def test_filters_and_key_paging(app, client, login, logged):
    login(logged["admin"])

    def sentences(query: str) -> str:
        response = client.get("/admin/audit?" + query)
        assert response.status_code == 200, query
        return response.get_data(as_text=True)

    n = logged["issue"]
    by_sato = sentences(f"person={logged['sato'].id}")
    assert "状態を調査中に変更" in by_sato and "補修完了" not in by_sato
    assert "補修完了" in sentences("person=admin@example.jp") and "補修完了" in sentences("person=管理者")
    assert "補修完了" not in sentences("person=nobody@example.jp")
    only_status = sentences("action=issue.status")
    assert "状態を調査中に変更" in only_status and "survey.export" not in only_status.split("<ol")[1]
    item = sentences(f"target_type=issues&target_id={n}")
    assert "状態を調査中に変更" in item and "補修完了" not in item
    dated = sentences("since=2026-04-02&until=2026-04-03")
    assert "補修完了" in dated and "状態を調査中に変更" not in dated and "「survey.export」を実行" not in dated
    for bad in ("target_id=x", "since=yesterday", "before=-1"):
        assert client.get("/admin/audit?" + bad).status_code == 400
    with app.app_context():
        april = audit.AuditFilters(since=date(2026, 4, 1), until=date(2026, 4, 30))
        first, following = audit.find(april, limit=2)
        assert [e.action for e in first] == ["survey.export", "issue.template.create"]
        rest, end = audit.find(april, before_id=following, limit=2)
        assert [e.action for e in rest] == ["issue.status"] and end is None
    older = sentences(f"since=2026-04-01&before={following}")
    assert "状態を調査中に変更" in older and "補修完了" not in older and "さらに古い記録" not in older
