"""Alerts by distance, ward, category and process; by e-mail with confirmation; Atom feeds that parse
and never show hidden items; one-click stop."""
from __future__ import annotations

import math
import re

import feedparser
import pytest
from sqlalchemy import func, select

from participation.alerts import services
from participation.alerts.models import AlertEvent, AlertSubscription
from participation.core.models import User
from participation.extensions import db

from ..issues.conftest import CENTER
from ..mail.conftest import links

METERS_PER_DEG_LAT = 111_195.0  # on the haversine sphere used by core.geo


def north_of(meters: float) -> tuple[float, float]:
    return CENTER[0] + meters / METERS_PER_DEG_LAT, CENTER[1]


def subscribe_near(app, user, radius=500, center=CENTER):
    with app.test_request_context("/"):
        sub = services.subscribe(db.session.get(User, user.id), "near",
                                 {"latitude": center[0], "longitude": center[1], "radius_m": radius})
        db.session.commit()
        return sub.id


def alert_mails(outbox, address):
    return [m for m in outbox if m.to == [address] and "新しい通報" in m.subject]


def test_a_report_at_490_m_triggers_the_500_m_alert_and_510_m_does_not(app, make_user, make_issue, outbox):
    from participation.core.geo import distance_m

    home = make_user(email="home@example.jp")
    subscribe_near(app, home, 500)
    assert math.isclose(distance_m(*CENTER, *north_of(490)), 490, abs_tol=1)
    make_issue(lat=north_of(510)[0], lon=CENTER[1], title="遠くの穴")
    assert alert_mails(outbox, "home@example.jp") == []
    make_issue(lat=north_of(490)[0], lon=CENTER[1], title="近くの穴")
    [message] = alert_mails(outbox, "home@example.jp")
    assert "近くの穴" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize(("radius", "inside", "outside"), [(1000, 990, 1010), (2000, 1990, 2010)])
def test_larger_radii(app, make_user, make_issue, outbox, radius, inside, outside):
    home = north_of(-radius / 2)  # the reports stay inside the city
    subscribe_near(app, make_user(email="r@example.jp"), radius, center=home)
    make_issue(lat=north_of(outside - radius / 2)[0], lon=CENTER[1])
    assert alert_mails(outbox, "r@example.jp") == []
    make_issue(lat=north_of(inside - radius / 2)[0], lon=CENTER[1])
    assert len(alert_mails(outbox, "r@example.jp")) == 1


def test_ward_and_category_alerts(app, make_user, make_issue, city, outbox):
    user = make_user(email="ward@example.jp")
    with app.test_request_context("/"):
        area_id = db.session.scalar(select(func.min(db.metadata.tables["areas"].c.id)))
        services.subscribe(db.session.get(User, user.id), "category", {"category_id": city["graffiti"]})
        db.session.commit()
    make_issue(category="pothole")
    assert [m for m in outbox if m.to == ["ward@example.jp"]] == []
    make_issue(category="graffiti")
    assert len([m for m in outbox if m.to == ["ward@example.jp"]]) == 1
    assert area_id is not None


def test_alert_by_email_starts_only_once_confirmed_and_stops_in_one_click(app, client, post_form, make_issue,
                                                                          outbox):
    response = post_form("/alerts/", {"kind": "near", "near-latitude": str(CENTER[0]),
                                      "near-longitude": str(CENTER[1]), "near-radius_m": "500",
                                      "near-email": "anon@example.jp"})
    assert response.status_code == 302
    [confirm] = outbox
    [link] = [u for u in links(confirm.body) if "/alerts/confirm/" in u]
    make_issue(title="確認前の穴")
    assert alert_mails(outbox, "anon@example.jp") == []
    path = link.replace("http://localhost", "")
    assert client.get(path).status_code == 200
    assert post_form(path, {}, page=path).status_code == 302
    make_issue(title="確認後の穴")
    [alert] = alert_mails(outbox, "anon@example.jp")
    stop = alert.extra_headers["List-Unsubscribe"].strip("<>").replace("http://localhost", "")
    assert client.post(stop, data={"List-Unsubscribe": "One-Click"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(AlertSubscription.id))) == 0


@pytest.mark.parametrize("data", [
    {"kind": "near", "near-latitude": "nan", "near-longitude": "1", "near-radius_m": "500", "near-email": "a@b.jp"},
    {"kind": "near", "near-latitude": "35", "near-longitude": "139", "near-radius_m": "750", "near-email": "a@b.jp"},
    {"kind": "area", "area-area_id": "99999999999", "area-email": "a@b.jp"},
    {"kind": "category", "category-category_id": "abc", "category-email": "a@b.jp"},
    {"kind": "process", "process-process_id": "-1", "process-email": "a@b.jp"},
    {"kind": "near", "near-latitude": "35", "near-longitude": "139", "near-radius_m": "500", "near-email": ""},
])
def test_bad_alerts_are_refused_with_a_message_and_nothing_written(app, post_form, data):
    response = post_form("/alerts/", data)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(AlertSubscription.id))) == 0


def test_unknown_kind_is_a_400(post_form):
    assert post_form("/alerts/", {"kind": "everything"}, page="/alerts/").status_code == 400


def test_feeds_parse_and_never_show_hidden_items(app, client, make_issue, city):
    shown = make_issue(title="見える穴")
    hidden = make_issue(title="隠された穴", lat=north_of(100)[0], lon=CENTER[1])
    with app.app_context():
        from participation.issues.models import Issue

        db.session.get(Issue, hidden.id).hidden_at = db.session.get(Issue, shown.id).created_at
        db.session.commit()
    urls = ["/feeds/issues.atom", f"/feeds/issues/near.atom?lat={CENTER[0]}&lon={CENTER[1]}&radius=500",
            f"/feeds/issues/categories/{city['pothole']}.atom"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/atom+xml"
        feed = feedparser.parse(response.get_data())
        assert not feed.bozo, (url, feed.bozo_exception)
        assert feed.version == "atom10"
        titles = [e.title for e in feed.entries]
        assert any("見える穴" in t for t in titles), url
        assert not any("隠された穴" in t for t in titles), url
        body = response.get_data(as_text=True)
        assert "@example.jp" not in body and "利用者" not in body  # no personal data


def test_issue_pages_link_their_feeds(client, make_issue):
    issue = make_issue()
    html = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]+/feeds/issues/near\.atom', html)
    assert 'href="/feeds/issues.atom"' in client.get("/issues/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/feeds/issues/near.atom?lat=x&lon=1", "/feeds/issues/near.atom?lat=95&lon=1",
                                 "/feeds/issues/near.atom?lat=35&lon=139&radius=3000"])
def test_bad_feed_parameters_are_a_400(client, url):
    assert client.get(url).status_code == 400


def test_unknown_feeds_are_a_404(client):
    assert client.get("/feeds/issues/areas/999999.atom").status_code == 404
    assert client.get("/feeds/issues/categories/999999.atom").status_code == 404
    assert client.get("/feeds/processes/no-such-process.atom").status_code == 404


def test_process_feed_and_alert_get_new_proposals(app, client, make_user, make_process, outbox):
    from participation.processes.models import Process
    from participation.proposals import services as proposal_services

    process = make_process()
    follower = make_user(email="proc@example.jp")
    with app.test_request_context("/"):
        services.subscribe(db.session.get(User, follower.id), "process", {"process_id": process.id})
        db.session.commit()
        proposal_services.submit_proposal(db.session.get(Process, process.id), db.session.get(User, make_user().id),
                                          {"title": "公園にベンチを増やしてください",
                                           "body": "夏に座る場所が足りません。" * 3})
        db.session.commit()
    assert any("新しい提案" in m.subject for m in outbox if m.to == ["proc@example.jp"])
    feed = feedparser.parse(client.get(f"/feeds/processes/{process.slug}.atom").get_data())
    assert not feed.bozo and any("公園にベンチ" in e.title for e in feed.entries)
    with app.app_context():
        assert db.session.scalar(select(func.count(AlertEvent.id))) == 1


def test_signed_in_alert_is_on_at_once_and_can_be_stopped(app, client, login, post_form, make_user):
    user = login(make_user())
    response = post_form("/alerts/", {"kind": "near", "near-latitude": "35.658", "near-longitude": "139.7016",
                                      "near-radius_m": "1000"})
    assert response.status_code == 302
    with app.app_context():
        sub = db.session.scalar(select(AlertSubscription))
        assert sub.user_id == user.id and sub.confirmed_at is not None
    other = make_user()
    login(other)
    assert post_form(f"/alerts/{sub.id}/delete", {}, page="/alerts/").status_code == 404  # not theirs
    login(user)
    assert post_form(f"/alerts/{sub.id}/delete", {}, page="/alerts/").status_code == 302


def test_published_answers_reach_process_alerts_and_feed(app, client, make_user, make_process, outbox):
    from participation.processes.models import Process
    from participation.proposals import services as proposal_services
    from participation.proposals.models import ProposalAnswer

    process = make_process()
    follower = make_user(email="answers@example.jp", language="en")
    official = make_user("official", department="parks")
    with app.test_request_context("/"):
        services.subscribe(db.session.get(User, follower.id), "process", {"process_id": process.id})
        proposal = proposal_services.submit_proposal(
            db.session.get(Process, process.id), db.session.get(User, make_user().id),
            {"title": "図書館の開館時間を延ばして", "body": "平日の夜に使えるようにしてください。" * 2})
        answer = ProposalAnswer(proposal_id=proposal.id, state="evaluating", text="検討します。",
                                answered_by_id=official.id, answered_as="official")
        db.session.add(answer)
        db.session.flush()
        proposal_services.publish(None, answer)
        db.session.commit()
    subjects = [m.subject for m in outbox if m.to == ["answers@example.jp"]]
    assert any("New proposal" in s for s in subjects) and any("The city answered" in s for s in subjects)
    feed = feedparser.parse(client.get(f"/feeds/processes/{process.slug}.atom").get_data())
    assert len(feed.entries) == 2 and not feed.bozo
