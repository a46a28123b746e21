"""Deleting an account: nothing personal remains in any table (both databases), public content stays
under 「退会したユーザー」, supports and votes stay counted, consents become anonymous counts, the address
can register again; administrators delete with a reason; the last administrator cannot delete themselves."""
from __future__ import annotations

import pytest
from sqlalchemy import JSON, String, Text, func, select

from participation.budgets.models import Ballot
from participation.conversations.models import Participant, Vote
from participation.core import privacy
from participation.core.errors import Conflict, InvalidInput, PermissionDenied
from participation.core.models import AuditLog, User
from participation.core.privacy_models import ConsentTally
from participation.extensions import db
from participation.issues.models import Issue, MeToo
from participation.meetings.models import Registration
from participation.proposals.models import Comment, CommentVote, Proposal, Support
from participation.surveys.models import Response

from . import world

COUNTED = (Support, CommentVote, MeToo, Response, Participant, Vote, Ballot, Proposal, Comment, Issue)


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def personal_traces() -> list[str]:
    """Every (table.column) holding the deleted person's e-mail or name, in any text or JSON column."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                text = value if isinstance(value, str) else repr(value)
                if world.EMAIL in text or world.NAME in text:
                    found.append(f"{table.name}.{column.name}")
    return sorted(set(found))


def post_delete(client, login, app, user_id, **data):
    with app.app_context():
        login(db.session.get(User, user_id))
    return client.post("/account/delete", data={"csrf_token": _token(client, "/account/delete"), **data})


def _token(client, path):
    import re

    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_deleting_my_account_leaves_no_personal_data_and_keeps_the_counts(app, client, login):
    ids = world.build(app)
    with app.app_context():
        assert personal_traces()  # the scan finds the person before
        before = counts()
        supports_shown = db.session.get(Proposal, ids["theirs"]).supports_count
    response = post_delete(client, login, app, ids["user"], password=world.PASSWORD, understood="y")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 302  # signed out, the session is gone
    with app.app_context():
        assert personal_traces() == []
        assert db.session.get(User, ids["user"]) is None
        after = counts()
        assert after == before
        assert db.session.get(Proposal, ids["theirs"]).supports_count == supports_shown
        assert db.session.scalar(select(Support.user_id)) is None  # counted, linked to no one
        tallies = {(t.kind, t.version): t.count for t in db.session.scalars(select(ConsentTally))}
        assert tallies == {("terms", 1): 1, ("privacy", 1): 1, ("demographics", 0): 1, ("news", 0): 1}
        # the coming meeting's place is given up; the past one (attended) stays counted
        statuses = sorted(r.status.value for r in db.session.scalars(select(Registration)))
        assert statuses == ["cancelled", "registered"]
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "account.erase")).after["by"] == "self"
    page = client.get(f"/proposals/{ids['proposal']}").get_data(as_text=True)
    assert "わたしの提案X1" in page and "退会したユーザー" in page and world.NAME not in page
    page = client.get(f"/proposals/{ids['theirs']}").get_data(as_text=True)
    assert "わたしのコメントX2" in page and "退会したユーザー" in page
    assert client.get(f"/users/{ids['user']}").status_code == 404


def test_the_address_can_register_again(app, client, login):
    ids = world.build(app)
    post_delete(client, login, app, ids["user"], password=world.PASSWORD, understood="y")
    fresh = app.test_client()
    response = fresh.post("/auth/register", data={
        "csrf_token": _token(fresh, "/auth/register"), "email": world.EMAIL, "display_name": "また来た",
        "password": "another long passphrase", "confirm": "another long passphrase", "accept_terms": "y"})
    assert response.status_code == 302
    with app.app_context():
        again = db.session.scalar(select(User).where(User.email == world.EMAIL))
        assert again is not None and again.id != ids["user"] and again.display_name == "また来た"
        assert db.session.scalar(select(Proposal.author_id).where(Proposal.id == ids["proposal"])) is None


def test_a_wrong_password_deletes_nothing(app, client, login):
    ids = world.build(app)
    response = post_delete(client, login, app, ids["user"], password="not the password", understood="y")
    assert response.status_code == 400
    assert "パスワードが正しくありません" in response.get_data(as_text=True)
    assert post_delete(client, login, app, ids["user"], password=world.PASSWORD).status_code == 400  # unticked
    with app.app_context():
        assert db.session.get(User, ids["user"]) is not None


def test_a_blocked_and_unconfirmed_person_can_delete_their_account(app, client, login, make_user):
    from participation.core import clock

    person = make_user()
    with app.app_context():
        row = db.session.get(User, person.id)
        row.blocked_at, row.blocked_reason = clock.now(), "spam"
        assert row.email_confirmed_at is None
        db.session.commit()
    response = post_delete(client, login, app, person.id, password="correct horse battery", understood="y")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, person.id) is None


def test_an_administrator_deletes_an_account_with_a_reason(app, client, login):
    ids = world.build(app)
    with app.app_context():
        login(db.session.get(User, ids["admin"]))
    path = f"/admin/users/{ids['user']}/erase"
    # The person's administration page leads there (and one's own page does not: that is /account/delete).
    assert f'href="{path}"' in client.get(f"/admin/users/{ids['user']}").get_data(as_text=True)
    assert "/erase" not in client.get(f"/admin/users/{ids['admin']}").get_data(as_text=True)
    assert world.NAME in client.get(path).get_data(as_text=True)
    token = _token(client, path)
    assert client.post(path, data={"csrf_token": token, "understood": "y"}).status_code == 400  # no reason
    response = client.post(path, data={"csrf_token": token, "understood": "y", "reason": "本人から電話で依頼"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, ids["user"]) is None
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "account.erase"))
        assert (entry.actor_id, entry.target_id, entry.after) == (ids["admin"], ids["user"],
                                                                  {"by": "admin", "reason": "本人から電話で依頼"})
        assert personal_traces() == []


def test_who_may_erase_whom(app, make_user):
    admin, other_admin, resident, victim = make_user("admin"), make_user("admin"), make_user(), make_user()
    with app.app_context():
        admin, other_admin, resident, victim = (db.session.get(User, u.id)
                                                for u in (admin, other_admin, resident, victim))
        with pytest.raises(PermissionDenied):
            privacy.erase_account(resident, victim, reason="いたずら")
        with pytest.raises(InvalidInput):
            privacy.erase_account(admin, victim, reason="  ")
        privacy.erase_account(admin, other_admin, reason="退職")  # two admins: one may go
        with pytest.raises(Conflict):  # the last administrator cannot delete themselves
            privacy.erase_account(admin, admin, password="correct horse battery")
        assert db.session.get(User, admin.id) is not None


def test_a_blocked_person_who_deletes_their_account_is_blocked_again_when_they_register(app, make_user):
    """Deleting the account removed the block with it: the same address registered a free account."""
    from participation.core import services as core_services
    from participation.core.errors import ServiceError
    from participation.moderation import services as moderation
    from participation.moderation.models import BlockedAddress

    moderator, admin = make_user("moderator"), make_user("admin")
    troll, bystander = make_user(email="troll@example.jp"), make_user(email="calm@example.jp")
    with app.test_request_context("/"):
        moderation.block_user(db.session.get(User, moderator.id), db.session.get(User, troll.id),
                              "何度も他の住民を名指しで中傷し、注意にも応じなかったため")
        for person in (troll, bystander):
            privacy.erase_account(db.session.get(User, admin.id), db.session.get(User, person.id), reason="本人の依頼")
        # Only the blocked one leaves a digest, and never the address itself.
        digests = db.session.scalars(select(BlockedAddress.digest)).all()
        assert len(digests) == 1 and "troll" not in digests[0]
        again = core_services.register_user(" Troll@Example.jp ", "別名", "a long new pass phrase 42")
        assert again.is_blocked and "ブロック" in again.blocked_reason
        with pytest.raises(ServiceError):
            core_services.ensure_can_post(again)
        calm = core_services.register_user("calm@example.jp", "穏やか", "a long new pass phrase 42")
        assert not calm.is_blocked
        # A moderator lifts it: the address is forgotten, a later account starts free.
        moderation.unblock_user(db.session.get(User, moderator.id), again)
        assert db.session.scalar(select(func.count()).select_from(BlockedAddress)) == 0
        privacy.erase_account(db.session.get(User, admin.id), again, reason="本人の依頼")
        assert not core_services.register_user("troll@example.jp", "三度目", "a long new pass phrase 42").is_blocked


def test_a_blocked_person_who_changes_their_address_cannot_register_again_with_the_old_one(app, make_user):
    """A blocked account may change its own address: the address it was blocked with stays blocked."""
    from participation.core import services as core_services
    from participation.moderation import services as moderation

    moderator, troll = make_user("moderator"), make_user(email="troll@example.jp")
    with app.test_request_context("/"):
        moderation.block_user(db.session.get(User, moderator.id), db.session.get(User, troll.id),
                              "何度も他の住民を名指しで中傷し、注意にも応じなかったため")
        db.session.get(User, troll.id).email = "elsewhere@example.jp"  # confirmed through the mailed link
        db.session.flush()
        again = core_services.register_user("troll@example.jp", "別名", "a long new pass phrase 42")
        assert again.is_blocked
        # Lifting the first account's block leaves the second account's own block to the moderators.
        moderation.unblock_user(db.session.get(User, moderator.id), db.session.get(User, troll.id))
        assert again.is_blocked
