"""Security review of residents' privacy rights and officials' triage: the holes found by attacking
them, each pinned by a test (hidden or deleted content through the activity page and the public
profile, internal notes through "download my data", malformed filters that answered 500)."""
from __future__ import annotations

import pytest

from participation.core import activity, clock, privacy_export
from participation.core.models import User
from participation.extensions import db
from participation.issues.models import Issue, IssueNote
from participation.proposals.models import Comment, Proposal

from ..privacy import world


def _hide(item) -> None:
    item.hidden_at, item.hidden_reason = clock.now(), "spam"


def test_activity_never_shows_the_title_of_someone_elses_hidden_item(app, client, login):
    """Supports, comments and "me too" on another person's proposal or report that moderators hid:
    the line stays (it is my activity) but the hidden title is not shown."""
    ids = world.build(app)
    with app.app_context():
        _hide(db.session.get(Proposal, ids["theirs"]))
        _hide(db.session.get(Issue, ids["their_issue"]))
        db.session.commit()
    with app.test_request_context("/"):
        items = activity.page_of(db.session.get(User, ids["user"])).items
        titles = " ".join(item["title"] for item in items)
        assert "わたしの提案X1" in titles  # my own proposal keeps its title
        assert "ほかの提案" not in titles and "ほかの報告" not in titles
        assert len(items) >= 5  # proposal, support, comment, report, me too: the lines stay
    login(ids["user"])  # by id
    html = client.get("/account/activity").get_data(as_text=True)
    assert "ほかの提案" not in html and "ほかの報告" not in html


def test_public_profile_does_not_list_a_comment_its_author_deleted(app, client):
    ids = world.build(app)
    with app.app_context():
        db.session.get(Comment, ids["comment"]).deleted_at = clock.now()
        db.session.commit()
    html = client.get(f"/users/{ids['user']}").get_data(as_text=True)
    assert "わたしの提案X1" in html
    assert "ほかの提案" not in html  # the deleted comment (on that proposal) is no longer listed


def test_download_my_data_never_carries_internal_notes(app):
    """An official's zip says which issues they wrote notes on, never the notes: the notes are the
    city's, readable only while one is an official (a blocked or former official may still export)."""
    ids = world.build(app)
    with app.app_context():
        db.session.add(IssueNote(issue_id=ids["their_issue"], author_id=ids["user"],
                                 text="内部メモ：通報者の電話 090-0000-0000"))
        db.session.commit()
    with app.test_request_context("/"):
        data = privacy_export.collect(db.session.get(User, ids["user"]))
        assert data["issue_notes_written"] and "090-0000-0000" not in repr(data)


@pytest.mark.parametrize("query", ["target_id=%C2%B2", "before=%C2%B2", "person=%C2%B2", "since=0001-01-01",
                                   "until=9999-12-31", "target_id=%EF%BC%91%EF%BC%92"])
def test_audit_log_filters_never_answer_500(app, client, login, make_user, query):
    login(make_user("admin"))
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("query", ["page=%C2%B2", "category=%C2%B2", "area=%E2%91%A0", "department=%C2%B2"])
def test_triage_filters_never_answer_500(app, client, login, make_user, query):
    login(make_user("official", department="roads"))
    assert client.get(f"/admin/triage?{query}").status_code == 400


def test_activity_page_number_never_answers_500(app, client, login, make_user):
    login(make_user())
    assert client.get("/account/activity?page=%C2%B2").status_code == 400


def test_download_my_data_does_not_carry_the_text_of_content_hidden_since(app):
    """A notification stored the title of a proposal that moderators hid later (say, it named a
    neighbour): the notifications page shows a placeholder, and so does the zip."""
    ids = world.build(app)
    with app.app_context():
        _hide(db.session.get(Proposal, ids["theirs"]))
        db.session.commit()
    with app.test_request_context("/"):
        data = privacy_export.collect(db.session.get(User, ids["user"]))
        assert data["notifications"] and "ほかの提案" not in repr(data["notifications"])


def test_deleting_my_account_leaves_no_ip_address_of_mine_in_the_audit_log(app, client, login, post_form):
    """The person's own audited actions (asking for their data, deleting the account) lose the actor
    and the IP address: the address with the time is what still points at the person."""
    from sqlalchemy import select

    from participation.core.models import AuditLog

    ids = world.build(app)
    login(ids["user"])
    mine = {"REMOTE_ADDR": "203.0.113.7"}
    assert post_form("/account/privacy/export", {}, page="/account/privacy", environ_base=mine).status_code == 302
    response = post_form("/account/delete", {"password": world.PASSWORD, "understood": "y"}, environ_base=mine)
    assert response.status_code == 302
    with app.app_context():
        actions = {e.action: e.ip_address for e in db.session.scalars(select(AuditLog))}
        assert {"privacy.export_request", "account.erase"} <= set(actions)
        assert "203.0.113.7" not in actions.values()


def test_the_last_administrator_who_can_act_cannot_delete_their_account(app, make_user):
    """Two administrators, one blocked (by the other): the one who can still act is the last one."""
    from participation.core import privacy
    from participation.core.errors import Conflict

    acting, blocked = make_user("admin"), make_user("admin")
    with app.test_request_context("/"):
        db.session.get(User, blocked.id).blocked_at = clock.now()
        db.session.flush()
        with pytest.raises(Conflict):
            privacy.erase_account(None, db.session.get(User, acting.id), reason="退職")
        assert db.session.get(User, acting.id) is not None
        privacy.erase_account(None, db.session.get(User, blocked.id), reason="退職")  # a blocked one may go


@pytest.mark.postgres_only
@pytest.mark.commits_from_threads
def test_two_administrators_deleted_at_once_leave_one_who_can_act(app, make_user):
    """Two deletions at the same moment each saw two administrators and removed both (PostgreSQL reads
    committed rows; SQLite writes one transaction at a time). The second must wait and be refused."""
    import threading

    from participation.core import privacy
    from participation.core.errors import Conflict

    first, second = make_user("admin"), make_user("admin")
    outcome: dict[str, str] = {}

    def delete_second() -> None:
        with app.test_request_context("/"):
            try:
                privacy.erase_account(None, db.session.get(User, second.id), reason="退職")
                db.session.commit()
                outcome["second"] = "deleted"
            except Conflict:
                db.session.rollback()
                outcome["second"] = "refused"

    with app.test_request_context("/"):
        privacy.erase_account(None, db.session.get(User, first.id), reason="退職")  # not committed yet
        thread = threading.Thread(target=delete_second)
        thread.start()
        thread.join(timeout=1)  # without a lock the other deletion goes through meanwhile
        db.session.commit()
    thread.join()
    assert outcome == {"second": "refused"}


def test_audit_log_never_names_a_later_account_that_got_a_deleted_accounts_number(app, make_user):
    """SQLite gives the number of the newest deleted account to the next one: an entry about the
    deleted person ("blocked #7") must not read as being about the newcomer who now has #7."""
    from datetime import timedelta

    from participation.core import audit
    from participation.core.models import AuditLog

    admin, newcomer = make_user("admin"), make_user(display_name="新しい住民")
    with app.test_request_context("/"):
        entry = audit.record(db.session.get(User, admin.id), "user.block", target_type="users",
                             target_id=newcomer.id)
        entry.created_at = db.session.get(User, newcomer.id).created_at - timedelta(days=1)
        db.session.flush()
        assert "新しい住民" not in audit.sentence(db.session.get(AuditLog, entry.id))


def test_an_api_keys_service_account_cannot_be_erased_into_a_500(app, client, login, post_form, make_user):
    """The account that files an API client's reports is no person: deleting it is refused with a
    message (revoke the key instead), never a database error."""
    from participation.api import services as api_services

    admin = make_user("admin")
    with app.test_request_context("/"):
        key, _secret = api_services.create_key(None, {"name": "市の公式アプリ", "contact": "", "rate_limit": ""},
                                               check=False)
        account_id = key.user_id
        db.session.commit()
    login(admin)
    response = post_form(f"/admin/users/{account_id}/erase", {"reason": "不要", "understood": "y"})
    assert response.status_code in (400, 403, 409)
    with app.app_context():
        assert db.session.get(User, account_id) is not None


def test_password_guesses_on_the_delete_page_are_limited_like_sign_in(app, client, login, post_form, make_user):
    """With a stolen session, /account/delete answered every password guess: it is limited per
    account like the sign-in form (LOGIN_RATE_LIMIT), and the account stays."""
    person = make_user()
    login(person)
    codes = [post_form("/account/delete", {"password": f"guess {n}", "understood": "y"}).status_code
             for n in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429
    with app.app_context():
        assert db.session.get(User, person.id) is not None


@pytest.mark.parametrize(("path", "fields"), [
    ("/account/password", {"pw-current_password": "guess", "pw-new_password": "a new long passphrase 42",
                           "pw-confirm": "a new long passphrase 42"}),
    ("/account/email", {"email": "someone.else@example.jp", "password": "guess"}),
])
def test_password_guesses_on_account_forms_are_limited_like_sign_in(client, login, post_form, make_user,
                                                                    path, fields):
    """A stolen session could try current passwords without limit on the password and e-mail forms."""
    login(make_user())
    codes = [post_form(path, {**fields, **{k: v + str(n) for k, v in fields.items() if "guess" in v}},
                       page="/account/").status_code for n in range(11)]
    assert 429 not in codes[:10] and codes[10] == 429, codes


def test_a_blocked_official_gets_no_department_mail(app, make_user):
    """Blocked means blocked: no more mail about residents' reports to a blocked official."""
    from participation.core import clock
    from participation.core.mail_models import Frequency, NotificationPreference
    from participation.core.mail_notifications import OFFICIAL_TOPIC, officials_wanting_department_mail
    from participation.core.models import Department

    active, blocked = make_user("official", department="mailroads"), make_user("official", department="mailroads")
    with app.app_context():
        for person in (active, blocked):
            db.session.add(NotificationPreference(user_id=person.id, topic=OFFICIAL_TOPIC,
                                                  frequency=Frequency.IMMEDIATELY))
        db.session.get(User, blocked.id).blocked_at = clock.now()
        db.session.commit()
        department = db.session.scalar(db.select(Department).where(Department.code == "mailroads"))
        assert [u.id for u in officials_wanting_department_mail(department.id)] == [active.id]
