"""Rules that used to live in the views, tested on the services and queries that now hold them:
the nearby re-check before filing, the response template as the note, the triage department,
and the me-too refusals (the predicate decides, each refusal keeps its own message)."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from participation.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from participation.core.models import Department, User
from participation.extensions import db
from participation.issues import permissions, queries, services
from participation.issues.models import Issue

from .conftest import CENTER


def u(user):
    return db.session.get(User, user.id)


def i(issue):
    return db.session.get(Issue, issue.id)


def report(city, **extra):
    return {"category_id": city["pothole"], "latitude": CENTER[0], "longitude": CENTER[1],
            "title": "また穴があります", **extra}


def test_a_report_waits_until_every_nearby_open_report_was_shown(app, make_issue, make_user, city):
    existing = make_issue()
    reporter = make_user()
    with app.test_request_context("/"):
        count = select(func.count(Issue.id))
        with pytest.raises(services.NearbyReportsFirst) as refused:
            services.report_issue(u(reporter), report(city), shown_nearby=set())
        assert [n.issue.id for n in refused.value.found] == [existing.id]
        assert refused.value.values["title"] == "また穴があります"
        assert str(refused.value.message) == "近くで新しい報告がありました。先に確認してください。"  # translated
        assert db.session.scalar(count) == 1
        issue = services.report_issue(u(reporter), report(city), shown_nearby={existing.id})
        assert issue.id != existing.id and db.session.scalar(count) == 2
        # Without `shown_nearby` (imports, tests) there is no check.
        services.report_issue(u(reporter), report(city))
        assert db.session.scalar(count) == 3


def test_an_empty_note_takes_the_department_template(app, make_user, make_issue, city):
    issue = make_issue()
    official = make_user("official", department="roads")
    other = make_user("official", department="environment")
    with app.test_request_context("/"):
        mine = services.add_template(u(official), city["roads"], "investigating",
                                     {"ja": "確認します", "en": "We will check"},
                                     {"ja": "現地を確認します。", "en": ""})
        theirs = services.add_template(u(other), city["environment"], "investigating",
                                       {"ja": "確認", "en": ""}, {"ja": "別の課の文面", "en": ""})
        db.session.commit()
        for wrong in (theirs.id, "abc", 10**12):
            with pytest.raises(InvalidInput) as refused:
                services.change_status(u(official), i(issue), "investigating", "", template_id=wrong)
            assert refused.value.field == "template_id"
        entry = services.change_status(u(official), i(issue), "investigating", "  ", template_id=mine.id)
        assert entry.text == "現地を確認します。"
        typed = services.change_status(u(official), i(issue), "in_progress", "手で書いた", template_id=mine.id)
        assert typed.text == "手で書いた"


def test_bulk_change_reads_the_template_of_the_triage_department(app, make_user, make_issue, city):
    issues = [make_issue(title=f"穴{n}") for n in range(2)]
    official = make_user("official", department="roads")
    with app.test_request_context("/"):
        template = services.add_template(u(official), city["roads"], "fixed",
                                         {"ja": "補修完了", "en": ""}, {"ja": "補修しました。", "en": ""})
        with pytest.raises(InvalidInput):  # another department's queue: not its template
            services.bulk_change_status(u(official), [x.id for x in issues], "fixed", "",
                                        template_id=template.id, department_id=city["environment"])
        changed = services.bulk_change_status(u(official), [x.id for x in issues], "fixed", "",
                                              template_id=template.id, department_id=city["roads"])
        assert changed == 2
        assert [queries.timeline(i(x))[-1].text for x in issues] == ["補修しました。"] * 2


def test_triage_department(app, make_user, city):
    roads, env = city["roads"], city["environment"]
    official = make_user("official", department="environment")
    admin, resident = make_user("admin"), make_user()
    with app.app_context():
        for outsider in (AnonymousUserMixin(), u(resident)):
            with pytest.raises(PermissionDenied) as refused:
                queries.triage_department(outsider, roads)
            assert str(refused.value.message) == str(permissions.TRIAGE_FOR_OFFICIALS)
        assert queries.triage_department(u(official), None).id == env
        assert queries.triage_department(u(official), roads).id == env  # not theirs: their own instead
        assert queries.triage_department(u(admin), env).id == env
        assert queries.triage_department(u(admin), None).id == min(roads, env)  # the first department
        with pytest.raises(NotFound):
            queries.triage_department(u(admin), 10**9)


def test_triage_department_without_any_department(app, make_user):
    admin = make_user("admin")
    with app.app_context():
        assert db.session.scalar(select(func.count(Department.id))) == 0
        with pytest.raises(NotFound):
            queries.triage_department(u(admin), None)


def test_me_too_refusals_follow_the_predicate(app, make_user, make_issue):
    reporter = make_user()
    issue = make_issue(reporter)
    official, neighbour = make_user("official", department="roads"), make_user()
    with app.test_request_context("/"):
        with pytest.raises(PermissionDenied) as refused:
            services.me_too(AnonymousUserMixin(), i(issue))
        assert str(refused.value.message) == str(permissions.SIGN_IN_TO_REPORT)
        with pytest.raises(Conflict) as refused:
            services.me_too(u(reporter), i(issue))
        assert str(refused.value.message) == str(permissions.OWN_REPORT)
        services.change_status(u(official), i(issue), "fixed", "直しました")
        with pytest.raises(Conflict) as refused:
            services.me_too(u(neighbour), i(issue))
        assert str(refused.value.message) == str(permissions.NO_LONGER_OPEN)
