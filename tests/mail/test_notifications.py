"""Notifications by e-mail: immediately in the follower's language, daily and weekly digests at 07:00
city time (frozen clock), per-topic preferences, one-click unsubscribe without signing in."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from participation.core import clock, mail_notifications
from participation.core.mail_models import Frequency, NotificationPreference
from participation.core.models import User
from participation.extensions import db
from participation.issues import services as issue_services

from .conftest import links

# 07:00 in Tokyo is 22:00 UTC the day before. 2026-11-23 is a Monday.
MONDAY_0700_JST = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
TUESDAY_0700_JST = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


def change_status(app, official, issue, note="穴を埋める工事を来週行います。", status="in_progress"):
    with app.test_request_context("/"):
        issue_services.change_status(db.session.get(User, official.id),
                                     issue_services.get_issue(issue.id), status, note)
        db.session.commit()


def test_follower_gets_the_officials_note_by_email_in_japanese(app, make_user, make_issue, outbox):
    reporter = make_user(email="reporter@example.jp", language="ja")
    issue = make_issue(reporter)
    outbox.clear()
    change_status(app, make_user("official", department="roads"), issue)
    [message] = outbox
    assert message.to == ["reporter@example.jp"]
    assert "「道路に穴があります」の状態が「対応中」になりました。市からのメモ：" in message.subject  # what changed
    assert "穴を埋める工事を来週行います。" in message.body
    assert any(f"/issues/{issue.id}" in u for u in links(message.body))
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")


def test_english_speakers_get_english(app, make_user, make_issue, outbox):
    issue = make_issue(make_user(email="en@example.jp", language="en"))
    outbox.clear()
    change_status(app, make_user("official", department="roads"), issue)
    assert "is now In progress. Note from the city:" in outbox[0].subject


def test_never_means_no_mail_and_daily_waits_for_the_digest(app, make_user, make_issue, outbox):
    reporter = make_user(email="daily@example.jp")
    with app.app_context():
        mail_notifications.set_preferences(db.session.get(User, reporter.id), {"issues": "daily"})
        db.session.commit()
    issue = make_issue(reporter)
    outbox.clear()
    clock.freeze(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))  # Monday 12:00 in Tokyo
    change_status(app, make_user("official", department="roads"), issue)
    assert outbox == []
    with app.test_request_context("/"):
        assert mail_notifications.send_digests(datetime(2026, 11, 23, 21, 0, tzinfo=UTC)) == 0  # 06:00 JST
        assert mail_notifications.send_digests(TUESDAY_0700_JST) == 1
        db.session.commit()
    [digest] = outbox
    assert digest.to == ["daily@example.jp"] and "今日のまとめ" in digest.subject
    assert "の状態が「対応中」になりました" in digest.body
    with app.test_request_context("/"):  # idempotent: the same digest is never sent twice
        assert mail_notifications.send_digests(TUESDAY_0700_JST) == 0
        db.session.commit()
    assert len(outbox) == 1


def test_weekly_digest_goes_out_on_monday_morning_only(app, make_user, make_issue, outbox):
    reporter = make_user(email="weekly@example.jp")
    with app.app_context():
        mail_notifications.set_preferences(db.session.get(User, reporter.id), {"issues": "weekly"})
        db.session.commit()
    issue = make_issue(reporter)
    clock.freeze(datetime(2026, 11, 19, 3, 0, tzinfo=UTC))  # the Thursday before
    change_status(app, make_user("official", department="roads"), issue)
    outbox.clear()
    with app.test_request_context("/"):
        assert mail_notifications.send_digests(TUESDAY_0700_JST) == 0
        assert mail_notifications.send_digests(MONDAY_0700_JST) == 1
        db.session.commit()
    assert "今週のまとめ" in outbox[0].subject


def test_unsubscribe_works_without_signing_in_and_by_one_click_post(app, client, make_user, make_issue, outbox):
    reporter = make_user(email="stop@example.jp")
    issue = make_issue(reporter)
    outbox.clear()
    change_status(app, make_user("official", department="roads"), issue)
    url = outbox[0].extra_headers["List-Unsubscribe"].strip("<>").replace("http://localhost", "")
    assert client.get(url).status_code == 200  # a page with a button; nothing changes on GET
    with app.app_context():
        assert db.session.scalar(select(NotificationPreference)) is None
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})  # RFC 8058, no CSRF token
    assert response.status_code == 200
    with app.app_context():
        pref = db.session.scalar(select(NotificationPreference))
        assert (pref.user_id, pref.topic, pref.frequency) == (reporter.id, "issues", Frequency.NEVER)
    outbox.clear()
    change_status(app, make_user("official", department="roads"), issue, note="完了しました。", status="fixed")
    assert outbox == []


@pytest.mark.parametrize("token", ["x", "not.a.token", "a" * 500])
def test_unsubscribe_with_a_bad_token_is_refused(client, token):
    assert client.post(f"/unsubscribe/{token}").status_code == 400


def test_settings_page_saves_per_topic_choices(app, client, login, post_form, make_user):
    user = login(make_user())
    assert client.get("/account/notifications").status_code == 200
    data = {topic: "immediately" for topic in mail_notifications.TOPICS}
    data["proposals"] = "weekly"
    assert post_form("/account/notifications", data).status_code == 302
    with app.app_context():
        prefs = mail_notifications.preferences(db.session.get(User, user.id))
    assert prefs["proposals"] is Frequency.WEEKLY and prefs["issues"] is Frequency.IMMEDIATELY
    bad = post_form("/account/notifications", {**data, "proposals": "hourly"})
    assert bad.status_code == 400


def test_department_gets_new_and_reopened_reports(app, make_user, make_issue, outbox):
    from participation.core.models import Department

    with app.app_context():
        db.session.scalar(select(Department).where(Department.code == "roads")).contact_email = "roads@city.example.jp"
        db.session.commit()
    reporter = make_user()
    issue = make_issue(reporter, title="歩道に大きな穴")
    [new] = [m for m in outbox if m.to == ["roads@city.example.jp"]]
    assert "新しい通報" in new.subject and "歩道に大きな穴" in new.body
    outbox.clear()
    with app.test_request_context("/"):
        official = db.session.get(User, make_user("official", department="roads").id)
        issue_services.change_status(official, issue_services.get_issue(issue.id), "fixed", "直しました。")
        db.session.commit()
        issue_services.reopen(db.session.get(User, reporter.id), issue_services.get_issue(issue.id),
                              "まだ穴があります。")
        db.session.commit()
    assert any("再開" in m.subject for m in outbox if m.to == ["roads@city.example.jp"])


def test_opted_in_officials_get_new_reports_of_their_department(app, client, login, post_form, make_user,
                                                                 make_issue, outbox):
    official = make_user("official", department="roads", email="kacho@example.jp", language="en")
    login(official)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "New and reopened street issues of my department" in page
    data = {topic: "immediately" for topic in [*mail_notifications.TOPICS, "department"]}
    assert post_form("/account/notifications", data).status_code == 302
    make_issue(title="橋の手すりが壊れている")
    [message] = [m for m in outbox if m.to == ["kacho@example.jp"]]
    assert "New street issue" in message.subject  # in the official's own language
    assert "List-Unsubscribe" in message.extra_headers


def test_residents_cannot_choose_the_officials_topic(app, login, post_form, make_user):
    login(make_user())
    data = {topic: "immediately" for topic in mail_notifications.TOPICS}
    assert post_form("/account/notifications", {**data, "department": "immediately"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(NotificationPreference).where(
            NotificationPreference.topic == "department")) is None


def test_overdue_digest_lists_old_open_reports_at_seven(app, make_user, make_issue, outbox):
    from participation.alerts.departments import send_overdue_digests
    from participation.core.models import Department

    with app.app_context():
        db.session.scalar(select(Department).where(Department.code == "roads")).contact_email = "roads@city.example.jp"
        db.session.commit()
    clock.freeze(datetime(2026, 11, 10, 3, 0, tzinfo=UTC))
    make_issue(title="ずっと放置された穴")
    clock.freeze(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    make_issue(title="昨日の穴")
    outbox.clear()
    with app.test_request_context("/"):
        assert send_overdue_digests(datetime(2026, 11, 23, 23, 0, tzinfo=UTC)) == 0  # 08:00 JST
        assert send_overdue_digests(TUESDAY_0700_JST) == 1
        assert send_overdue_digests(TUESDAY_0700_JST) == 0  # idempotent
        db.session.commit()
    [digest] = outbox
    assert "ずっと放置された穴" in digest.body and "昨日の穴" not in digest.body
    assert "5日を過ぎても未対応" in digest.subject


def test_an_unsubscribe_link_of_a_deleted_account_never_changes_another_account(app, client, make_user, make_issue,
                                                                               outbox):
    """On SQLite a deleted account's id is given to the next one: the link names the account, not the id."""
    from participation.core import privacy

    from ..conftest import PASSWORD

    official = make_user("official", department="roads")
    reporter = make_user(email="gone@example.jp")  # the newest account: its id comes back on SQLite
    issue = make_issue(reporter)
    outbox.clear()
    change_status(app, official, issue)
    url = outbox[0].extra_headers["List-Unsubscribe"].strip("<>").replace("http://localhost", "")
    with app.test_request_context("/"):
        person = db.session.get(User, reporter.id)
        privacy.erase_account(person, person, password=PASSWORD)
        db.session.commit()
    newcomer = make_user(email="new@example.jp")
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(NotificationPreference).where(
            NotificationPreference.user_id == newcomer.id)) is None
