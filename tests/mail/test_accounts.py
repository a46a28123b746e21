"""Account mail through a real SMTP server: confirmation, password reset, no enumeration, e-mail
change, password-changed notice, and a mail server that is down and comes back."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.core import accounts, clock, tokens
from participation.core.mail import deliver_queued
from participation.core.mail_models import MailStatus, OutgoingMail
from participation.core.models import User
from participation.extensions import db

from ..conftest import PASSWORD
from .conftest import SMTPServer, html_of, links, text_of

NEW_PASSWORD = "a brand new passphrase 7"


def register(post_form, email="hanako@example.jp"):
    return post_form("/auth/register", {"email": email, "display_name": "山田 花子",
                                        "password": "sakura no hana saku 2", "confirm": "sakura no hana saku 2",
                                        "accept_terms": "y"})


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_registration_sends_a_confirmation_in_japanese_and_the_link_confirms(app, client, post_form, smtp):
    assert register(post_form).status_code == 302
    [message] = smtp.messages
    assert message["To"] == "hanako@example.jp"
    assert "メールアドレスの確認" in message["Subject"] and "みどり川市" in message["Subject"]
    text, html = text_of(message), html_of(message)
    [link] = [u for u in links(text) if "/auth/confirm/" in u]
    assert link.startswith("http://localhost/auth/confirm/")  # PUBLIC_URL, not the request's Host
    assert f'href="{link}"' in html  # the HTML part comes from the same text, with the link
    assert "List-Unsubscribe" not in message  # essential mail
    page = client.get(path_of(link))
    assert page.status_code == 200  # a GET shows a button; it never writes
    with app.app_context():
        assert db.session.scalar(select(User.email_confirmed_at)) is None
    assert post_form(path_of(link), {}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.email_confirmed_at)) is not None


def test_reset_end_to_end_link_works_once(app, client, post_form, make_user, smtp):
    user = make_user(email="taro@example.jp")
    response = post_form("/auth/reset", {"email": "Taro@Example.jp"})
    assert response.status_code == 200
    [message] = smtp.messages
    assert "パスワードの再設定" in message["Subject"]
    [link] = [u for u in links(text_of(message)) if "/auth/reset/" in u]
    assert client.get(path_of(link)).status_code == 200
    done = post_form(path_of(link), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).check_password(NEW_PASSWORD)
        assert db.session.get(User, user.id).email_confirmed_at is not None
    assert "パスワードが変更されました" in smtp.messages[-1]["Subject"]  # the password-changed notice
    again = client.get(path_of(link))
    assert again.status_code == 400 and "このリンクは無効" in again.get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "eyJhbGciOi.J9.x"])
def test_reset_with_a_wrong_token_is_refused(client, token):
    assert client.get(f"/auth/reset/{token}").status_code == 400


def test_reset_link_expires_after_an_hour(app, client, make_user, monkeypatch):
    from itsdangerous.timed import TimestampSigner

    user = make_user()
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3601)
    with app.app_context():
        token = tokens.make("reset", [user.id, tokens.fingerprint(db.session.get(User, user.id).password_hash)])
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    assert client.get(f"/auth/reset/{token}").status_code == 400


def test_reset_answers_the_same_whether_or_not_the_address_exists(app, client, post_form, make_user, outbox):
    make_user(email="known@example.jp")
    known = post_form("/auth/reset", {"email": "known@example.jp"})
    unknown = post_form("/auth/reset", {"email": "nobody@example.jp"})
    assert known.status_code == unknown.status_code == 200
    normalise = lambda r, e: r.get_data(as_text=True).replace(e, "ADDRESS")  # noqa: E731
    assert normalise(known, "known@example.jp") == normalise(unknown, "nobody@example.jp")
    assert [m.to for m in outbox] == [["known@example.jp"]]


def test_password_change_is_notified(app, client, login, post_form, make_user, outbox):
    login(make_user(email="pw@example.jp"))
    response = post_form("/account/password", {"pw-current_password": PASSWORD, "pw-new_password": NEW_PASSWORD,
                                                "pw-confirm": NEW_PASSWORD}, page="/account/")
    assert response.status_code == 302
    assert [m.to for m in outbox] == [["pw@example.jp"]]


def test_email_change_is_confirmed_at_the_new_address_and_told_to_the_old(app, client, login, post_form,
                                                                         make_user, outbox):
    user = login(make_user(email="old@example.jp"))
    response = post_form("/account/email", {"email": "new@example.jp", "password": PASSWORD})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in outbox) == ["new@example.jp", "old@example.jp"]
    [confirm] = [m for m in outbox if m.to == ["new@example.jp"]]
    [link] = [u for u in links(confirm.body) if "/account/email/confirm/" in u]
    with app.app_context():
        assert db.session.get(User, user.id).email == "old@example.jp"  # not before confirmation
    assert post_form(path_of(link), {}, page=path_of(link)).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).email == "new@example.jp"
    assert post_form(path_of(link), {}, page=path_of(link)).status_code == 400  # used


def test_email_change_to_a_taken_address_does_not_tell_and_tells_its_owner(app, login, post_form, make_user,
                                                                           outbox):
    make_user(email="taken@example.jp")
    login(make_user(email="me@example.jp"))
    assert post_form("/account/email", {"email": "taken@example.jp", "password": PASSWORD}).status_code == 302
    assert [m.to for m in outbox] == [["taken@example.jp"]]


def test_unconfirmed_accounts_cannot_post_after_two_days(app, make_user):
    from participation.core.errors import PermissionDenied
    from participation.core.services import ensure_can_post

    user = make_user()
    with app.app_context():
        fresh = db.session.get(User, user.id)
        ensure_can_post(fresh)  # at once: allowed
        clock.freeze(clock.now() + timedelta(days=2, hours=1))
        with pytest.raises(PermissionDenied):
            ensure_can_post(fresh)
        fresh.email_confirmed_at = clock.now()
        ensure_can_post(fresh)


def test_mail_server_down_then_up_loses_nothing(app, client, post_form, smtp):
    smtp.stop()
    assert register(post_form).status_code == 302  # the request succeeds all the same
    with app.app_context():
        row = db.session.scalar(select(OutgoingMail))
        assert row.status is MailStatus.QUEUED and row.attempts >= 1 and row.last_error
    back = SMTPServer(smtp.port).start()
    try:
        with app.app_context():
            assert deliver_queued(timedelta(0)) == 1
        with app.app_context():
            assert db.session.scalar(select(OutgoingMail.status)) is MailStatus.SENT
        assert len(back.messages) == 1 and back.messages[0]["To"] == "hanako@example.jp"
        with app.app_context():  # idempotent: nothing is sent twice
            assert deliver_queued(timedelta(0)) == 0
        assert len(back.messages) == 1
    finally:
        back.stop()


def test_nothing_is_sent_when_the_transaction_rolls_back(app, make_user, outbox):
    user = make_user()
    with app.test_request_context("/"):
        accounts.request_password_reset(db.session.get(User, user.id).email)
        db.session.rollback()
    assert outbox == []
