"""Moderation: flags, auto-hide, the queue, blocks, transparency, audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from participation.core.errors import Conflict, InvalidInput, PermissionDenied
from participation.core.models import AuditLog, Notification, User
from participation.extensions import db
from participation.moderation import queries, services
from participation.moderation.models import Case, Flag
from participation.processes.models import Process
from participation.proposals import services as proposal_services
from participation.proposals.models import Comment, Proposal


@pytest.fixture
def abusive(app, make_user, make_process):
    """A proposal with an abusive comment by a troll."""
    process = make_process("square")
    author, troll = make_user(display_name="提案者"), make_user(display_name="荒らし")
    with app.test_request_context("/"):
        proposal = proposal_services.submit_proposal(db.session.get(Process, process.id),
                                                     db.session.get(User, author.id),
                                                     {"title": "ベンチを増やす", "body": "座る場所がほしい"})
        comment = proposal_services.add_comment(db.session.get(User, troll.id), proposal, "ばかげた提案だ、消えろ", -1)
        db.session.commit()
        return {"process": process, "proposal": proposal.id, "comment": comment.id, "author": author, "troll": troll}


def test_three_flags_hide_a_comment_then_a_moderator_blocks_its_author(
        app, client, login, make_user, abusive, post_form):
    page = f"/proposals/{abusive['proposal']}"
    for _n in range(3):
        login(make_user())
        response = post_form("/moderation/flag", {"target_type": "proposal_comments",
                                                  "target_id": str(abusive["comment"]), "reason": "offensive",
                                                  "details": "暴言です", "next": page}, page=page)
        assert response.status_code == 302 and response.headers["Location"] == page
    public = app.test_client().get(page).get_data(as_text=True)
    assert "ばかげた提案だ" not in public
    # Hidden automatically by the flags, not by a moderator: the page says so.
    assert ("この内容は複数の通報を受けて自動的に非表示になり、"
            "モデレーターの確認を待っています（理由：攻撃的・侮辱的）。") in public
    with app.app_context():
        assert db.session.get(Comment, abusive["comment"]).hidden_at is not None
        assert db.session.scalar(select(Notification.kind).where(
            Notification.user_id == abusive["troll"].id)) == "moderation.auto_hidden"

    moderator = login(make_user("moderator"))
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "ばかげた提案だ" in queue and "通報3件" in queue
    too_short = post_form(f"/moderation/users/{abusive['troll'].id}", {"action": "block", "justification": "暴言"})
    assert too_short.status_code == 400
    response = post_form(f"/moderation/users/{abusive['troll'].id}",
                         {"action": "block", "justification": "ほかの利用者への暴言を繰り返したため。"})
    assert response.status_code == 302
    with app.app_context():
        troll = db.session.get(User, abusive["troll"].id)
        assert troll.is_blocked
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.block"))
        assert entry.actor_id == moderator.id and entry.target_id == troll.id
    login(make_user("admin"))
    audit = client.get("/admin/audit?action=user.block").get_data(as_text=True)
    assert "user.block" in audit and "ほかの利用者への暴言を繰り返したため。" in audit


def test_blocked_users_cannot_post_and_are_told_why(app, login, make_user, abusive, post_form):
    moderator = make_user("moderator")
    with app.test_request_context("/"):
        services.block_user(db.session.get(User, moderator.id), db.session.get(User, abusive["troll"].id),
                            "スパムを何度も繰り返し投稿したため。", hide_all=True)
        db.session.commit()
        assert db.session.get(Comment, abusive["comment"]).hidden_at is not None
    login(abusive["troll"])
    page = f"/proposals/{abusive['proposal']}"
    response = post_form(f"{page}/comments", {"body": "まだ書ける？", "alignment": "0"}, page=page)
    assert response.status_code == 403
    assert "利用停止になっているため、投稿できません" in response.get_data(as_text=True)
    assert "スパムを何度も繰り返し投稿したため。" in response.get_data(as_text=True)
    with app.test_request_context("/"):
        services.unblock_user(db.session.get(User, moderator.id), db.session.get(User, abusive["troll"].id))
        db.session.commit()
        assert db.session.get(Comment, abusive["comment"]).hidden_at is None  # the block's hiding is undone
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "user.unblock"))


def test_one_flag_per_user_and_not_on_own_content(app, make_user, abusive):
    reporter = make_user()
    with app.test_request_context("/"):
        services.flag(db.session.get(User, reporter.id), "proposal_comments", abusive["comment"], "spam")
        db.session.commit()
        with pytest.raises(Conflict):
            services.flag(db.session.get(User, reporter.id), "proposal_comments", abusive["comment"], "spam")
        db.session.rollback()
        with pytest.raises(Conflict):
            services.flag(db.session.get(User, abusive["troll"].id), "proposal_comments", abusive["comment"], "spam")
        db.session.rollback()
        with pytest.raises(InvalidInput):
            services.flag(db.session.get(User, reporter.id), "proposals", abusive["proposal"], "bogus")
        assert db.session.scalar(select(func.count(Flag.id))) == 1
        assert db.session.scalar(select(Case.flag_count)) == 1


@pytest.mark.parametrize(("target_type", "target_id"), [("nonsense", "1"), ("proposals", "999999"), ("proposals", "x")])
def test_flagging_unknown_things_is_a_404(login, make_user, post_form, target_type, target_id, app):
    login(make_user())
    response = post_form("/moderation/flag", {"target_type": target_type, "target_id": target_id,
                                              "reason": "spam", "next": "/"}, page="/account/")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Flag.id))) == 0


def test_moderator_hides_restores_and_dismisses(app, make_user, abusive):
    moderator, flagger = make_user("moderator", process_id=abusive["process"].id), make_user()
    with app.test_request_context("/"):
        case = services.flag(db.session.get(User, flagger.id), "proposals", abusive["proposal"], "off_topic")
        db.session.commit()
        services.hide(db.session.get(User, moderator.id), case, "personal_info")
        db.session.commit()
        proposal = db.session.get(Proposal, abusive["proposal"])
        assert proposal.hidden_reason == "personal_info"
        services.restore(db.session.get(User, moderator.id), case)
        db.session.commit()
        assert db.session.get(Proposal, abusive["proposal"]).hidden_at is None
        actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("moderation.%"))))
        assert actions == {"moderation.hidden", "moderation.restored"}


def test_process_moderators_only_moderate_their_process(app, make_user, make_process, abusive):
    other_process_moderator = make_user("moderator", process_id=make_process().id)
    flagger = make_user()
    with app.test_request_context("/"):
        case = services.flag(db.session.get(User, flagger.id), "proposals", abusive["proposal"], "spam")
        db.session.commit()
        with pytest.raises(PermissionDenied):
            services.hide(db.session.get(User, other_process_moderator.id), case, "spam")
        with pytest.raises(PermissionDenied):  # and no blocking for process moderators
            services.block_user(db.session.get(User, other_process_moderator.id),
                                db.session.get(User, abusive["troll"].id), "理由を十五文字以上で書きました")
        assert queries.queue(db.session.get(User, other_process_moderator.id)).cases == []


def test_hidden_proposal_leaves_lists_and_shows_a_placeholder(app, client, login, make_user, abusive):
    moderator = make_user("moderator")
    with app.test_request_context("/"):
        services.hide_content(db.session.get(User, moderator.id), "proposals", abusive["proposal"], "spam")
        db.session.commit()
    assert "ベンチを増やす" not in client.get("/processes/square/proposals/").get_data(as_text=True)
    page = client.get(f"/proposals/{abusive['proposal']}").get_data(as_text=True)
    assert "ベンチを増やす" not in page and "スパム・宣伝" in page
    login(moderator)
    assert "ベンチを増やす" in client.get(f"/proposals/{abusive['proposal']}").get_data(as_text=True)


def test_transparency_page_counts_without_personal_data(app, client, make_user, abusive):
    moderator = make_user("moderator")
    with app.test_request_context("/"):
        services.hide_content(db.session.get(User, moderator.id), "proposal_comments", abusive["comment"], "offensive")
        services.block_user(db.session.get(User, moderator.id), db.session.get(User, abusive["troll"].id),
                            "暴言を何度も繰り返し投稿したため。")
        db.session.commit()
    html = client.get("/moderation/transparency").get_data(as_text=True)
    assert "攻撃的・侮辱的" in html and "荒らし" not in html and "暴言を何度も" not in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1 and '"num">1</span></td>' in rows


def test_queue_and_audit_pages_need_the_role(client, login, make_user):
    login(make_user())
    assert client.get("/moderation/").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    login(make_user("moderator"))
    assert client.get("/moderation/").status_code == 200
    assert client.get("/admin/audit").status_code == 403
    login(make_user("admin"))
    assert client.get("/admin/audit?before=abc").status_code == 400
    assert client.get("/admin/audit?since=2026-13-01").status_code == 400
    assert client.get("/admin/audit?person=1").status_code == 200


def test_flags_are_rate_limited(app, make_user, login, post_form, abusive):
    app.config["FLAG_RATE_LIMIT"] = "2 per hour"
    login(make_user())
    data = {"target_type": "proposals", "target_id": str(abusive["proposal"]), "reason": "spam", "next": "/"}
    assert post_form("/moderation/flag", data, page="/account/").status_code == 302
    assert post_form("/moderation/flag", data, page="/account/").status_code == 409
    assert post_form("/moderation/flag", data, page="/account/").status_code == 429


def test_posting_is_rate_limited(app, make_user, login, post_form, abusive):
    app.config["POST_RATE_LIMIT"] = "2 per minute"
    login(make_user())
    page = f"/proposals/{abusive['proposal']}"
    for _n in range(2):
        assert post_form(f"{page}/comments", {"body": "意見です", "alignment": "0"}, page=page).status_code == 302
    limited = post_form(f"{page}/comments", {"body": "三つ目の意見です", "alignment": "0"}, page=page)
    assert limited.status_code == 429
    html = limited.get_data(as_text=True)
    assert "短時間にたくさん投稿されました" in html
    assert "三つ目の意見です" in html  # what the resident typed comes back (issue 11)


def test_a_user_can_be_reported_from_a_proposal_page(app, client, login, make_user, abusive, post_form):
    login(make_user())
    page = f"/proposals/{abusive['proposal']}"
    html = client.get(page).get_data(as_text=True)
    assert "この利用者を通報" in html
    response = post_form("/moderation/flag", {"target_type": "users", "target_id": str(abusive["author"].id),
                                              "reason": "spam", "next": page}, page=page)
    assert response.status_code == 302
    login(make_user("moderator"))
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "利用者 #" in queue and "提案者" in queue
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.target_type == "users"))
        assert case.state == "pending" and case.author_id == abusive["author"].id
