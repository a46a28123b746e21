"""Proposals: lifecycle, phase gates, supports, comments, answers, notifications, listing."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from participation.core import clock
from participation.core.errors import Conflict, InvalidInput, PermissionDenied
from participation.core.models import AuditLog, Notification, User
from participation.extensions import db
from participation.processes.models import Process
from participation.proposals import queries, search, services
from participation.proposals.models import (
    Comment,
    IllegalTransition,
    Proposal,
    State,
    Support,
)

from .conftest import reload


def in_ctx(app):
    return app.test_request_context("/")


def u(user):
    return db.session.get(User, user.id)


def p(proposal):
    return db.session.get(Proposal, proposal.id)


# --- submission ---------------------------------------------------------------------------------

def test_resident_submits_through_the_two_steps_and_follows_automatically(
        app, client, login, make_user, make_process, make_proposal, post_form):
    process = make_process("square")
    make_proposal(process, title="駅前に駐輪場を増やしてほしい")
    author = login(make_user())
    step1 = post_form("/processes/square/proposals/new",
                      {"step": "1", "title": "駐輪場を駅前に増やす", "body": "自転車があふれています。"})
    assert step1.status_code == 200
    html = step1.get_data(as_text=True)
    assert "似ている提案がすでにあります" in html and "駅前に駐輪場を増やしてほしい" in html
    step2 = post_form("/processes/square/proposals/new", {
        "step": "2", "title": "駐輪場を駅前に増やす", "body": "自転車があふれています。 https://example.jp/data",
        "address": "駅前広場", "latitude": "35.6581", "longitude": "139.7017"})
    assert step2.status_code == 302
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.title == "駐輪場を駅前に増やす"))
        assert proposal.author_id == author.id and proposal.language == "ja"
        assert (proposal.latitude, proposal.longitude) == (35.6581, 139.7017)
        assert [v.number for v in proposal.versions] == [1]
    page = client.get(step2.headers["Location"]).get_data(as_text=True)
    assert 'rel="nofollow ugc noopener"' in page
    assert "フォローをやめる" in page


@pytest.mark.parametrize(
    ("title", "body", "field_message"),
    [("短い", "本文", "タイトルは5文字以上150文字以内で入力してください。"),
     ("あ" * 151, "本文", "タイトルは5文字以上150文字以内で入力してください。"),
     ("ちょうど五文字", "", "提案の内容を入力してください。"),
     ("ちょうど五文字", "あ" * 2001, "提案の内容は2000文字以内で入力してください。")],
)
def test_title_and_body_limits_count_characters(app, login, make_user, make_process, post_form,
                                                title, body, field_message):
    make_process("square")
    login(make_user())
    response = post_form("/processes/square/proposals/new",
                         {"step": "2", "title": title, "body": body})
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_five_japanese_characters_are_a_valid_title_and_capitals_are_fine(app, make_process, make_proposal):
    process = make_process()
    assert make_proposal(process, title="公園に時計").title == "公園に時計"
    assert make_proposal(process, title="MORE BIKE PARKING NOW").title == "MORE BIKE PARKING NOW"


@pytest.mark.parametrize(("lat", "lon"), [("91", "139"), ("35", "181"), ("abc", "139"), ("nan", "139"),
                                          ("35", ""), ("inf", "1")])
def test_invalid_coordinates_are_refused(app, login, make_user, make_process, post_form, lat, lon):
    make_process("square")
    login(make_user())
    response = post_form("/processes/square/proposals/new", {
        "step": "2", "title": "木陰のベンチ", "body": "ほしい", "latitude": lat, "longitude": lon})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_submission_outside_the_phase_is_refused_with_the_reason(app, login, make_user, make_process, post_form):
    today = date.today()
    make_process("square", phases=[
        dict(start_date=today - timedelta(days=30), end_date=today + timedelta(days=3), allow_comments=True),
        dict(start_date=today + timedelta(days=4), end_date=today + timedelta(days=30), allow_proposals=True)])
    login(make_user())
    response = post_form("/processes/square/proposals/new", {"step": "2", "title": "木陰のベンチ", "body": "ほしい"},
                         page="/processes/square/")
    assert response.status_code == 403
    assert "提案の受付は" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_similar_proposals_use_character_ngrams(app, make_process, make_proposal):
    process = make_process()
    make_proposal(process, title="駅前に駐輪場を増やしてほしい", body="自転車が多い")
    make_proposal(process, title="図書館の開館時間を延ばす", body="夜も勉強したい")
    make_proposal(process, title="駐輪場の屋根を直して", body="雨漏りがひどい")
    with in_ctx(app):
        titles = [x.title for x in search.similar_proposals(reload(Process, process.id), "駐輪場を駅前に増やす", "")]
        assert titles[0] == "駅前に駐輪場を増やしてほしい"
        assert "図書館の開館時間を延ばす" not in titles
    assert search.similarity("公園", "公園") == 1.0
    assert search.similarity("公園", "図書館") == 0.0


# --- edit window, versions, withdraw ---------------------------------------------------------------

def test_edit_window_and_versions(app, make_user, make_process, make_proposal):
    process = make_process()
    author = make_user()
    proposal = make_proposal(process, author)
    with in_ctx(app):
        services.edit_proposal(u(author), p(proposal), {"title": "駅前に駐輪場を二倍に", "body": "新しい本文"})
        db.session.commit()
        assert [v.title for v in p(proposal).versions] == ["駅前に駐輪場を増やす", "駅前に駐輪場を二倍に"]
    clock.freeze(datetime.now(UTC) + timedelta(minutes=16))
    with in_ctx(app), pytest.raises(PermissionDenied):
        services.edit_proposal(u(author), p(proposal), {"title": "もう一度変える", "body": "x"})


def test_edit_closes_after_the_first_support(app, make_user, make_process, make_proposal):
    process = make_process()
    author, supporter = make_user(), make_user()
    proposal = make_proposal(process, author)
    with in_ctx(app):
        services.support(u(supporter), p(proposal))
        db.session.commit()
        with pytest.raises(PermissionDenied):
            services.edit_proposal(u(author), p(proposal), {"title": "変えたいタイトル", "body": "x"})
        with pytest.raises(IllegalTransition):
            services.withdraw_proposal(u(author), p(proposal))


def test_edit_page_refuses_others(client, login, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process())
    login(make_user())
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403


def test_withdraw_keeps_the_proposal_visible_and_marked(app, client, login, make_user, make_process,
                                                        make_proposal, post_form):
    process = make_process("square")
    author = make_user()
    proposal = make_proposal(process, author)
    login(author)
    response = post_form(f"/proposals/{proposal.id}/withdraw", {}, page=f"/proposals/{proposal.id}")
    assert response.status_code == 302
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "取り下げ" in html
    listing = client.get("/processes/square/proposals/").get_data(as_text=True)
    assert proposal.title not in listing
    assert proposal.title in client.get("/processes/square/proposals/?state=withdrawn").get_data(as_text=True)


def test_only_the_author_withdraws(app, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process())
    other = make_user()
    with in_ctx(app), pytest.raises(PermissionDenied):
        services.withdraw_proposal(u(other), p(proposal))


# --- supports ------------------------------------------------------------------------------------

def test_support_once_remove_and_state_rules(app, make_user, make_process, make_proposal):
    process = make_process()
    proposal = make_proposal(process)
    resident = make_user()
    with in_ctx(app):
        services.support(u(resident), p(proposal))
        db.session.commit()
        with pytest.raises(Conflict):
            services.support(u(resident), p(proposal))
        db.session.rollback()
        assert p(proposal).supports_count == 1
        services.unsupport(u(resident), p(proposal))
        db.session.commit()
        assert p(proposal).supports_count == 0
        with pytest.raises(Conflict):
            services.unsupport(u(resident), p(proposal))
        db.session.rollback()
        p(proposal).state = State.REJECTED.value
        db.session.commit()
        with pytest.raises(Conflict):
            services.support(u(resident), p(proposal))


def test_authors_cannot_support_their_own_proposal(app, make_user, make_process, make_proposal):
    author = make_user()
    proposal = make_proposal(make_process(), author)
    with in_ctx(app), pytest.raises(PermissionDenied):
        services.support(u(author), p(proposal))


def test_support_limit_per_process_and_threshold_progress(app, client, login, make_user, make_process,
                                                          make_proposal, post_form):
    process = make_process("square")
    with app.app_context():
        proc = db.session.get(Process, process.id)
        proc.support_limit, proc.support_threshold = 2, 4
        db.session.commit()
    proposals = [make_proposal(process, title=f"提案その{i}です") for i in range(3)]
    login(make_user())
    for proposal in proposals[:2]:
        assert post_form(f"/proposals/{proposal.id}/support", {"action": "add"},
                         page=f"/proposals/{proposal.id}").status_code == 302
    over = post_form(f"/proposals/{proposals[2].id}/support", {"action": "add"},
                     page=f"/proposals/{proposals[2].id}")
    assert over.status_code == 409
    assert "この取り組みで使える応援2件をすべて使いました" in over.get_data(as_text=True)
    html = client.get(f"/proposals/{proposals[0].id}").get_data(as_text=True)
    assert '<progress max="4" value="1"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Support.id))) == 2


def test_supports_only_while_the_phase_allows(app, make_user, make_process, make_proposal):
    today = date.today()
    process = make_process(phases=[dict(start_date=today - timedelta(days=5), end_date=today + timedelta(days=5),
                                        allow_proposals=True, allow_supports=False)])
    proposal = make_proposal(process)
    resident = make_user()
    with in_ctx(app):
        with pytest.raises(PermissionDenied) as info:
            services.support(u(resident), p(proposal))
        assert "応援" in str(info.value.message)


@pytest.mark.commits_from_threads
def test_concurrent_supports_count_exactly(app, make_user, make_process, make_proposal):
    process = make_process()
    proposal = make_proposal(process)
    supporters = [make_user() for _ in range(6)]
    barrier = threading.Barrier(len(supporters) + 2)
    errors = []

    def go(user_id):
        with app.test_request_context("/", method="POST"):  # a writing request (BEGIN IMMEDIATE on SQLite)
            try:
                barrier.wait()
                services.support(db.session.get(User, user_id), db.session.get(Proposal, proposal.id))
                db.session.commit()
            except Conflict:
                db.session.rollback()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
                db.session.rollback()
            finally:
                db.session.remove()

    # Six residents at once, and the first of them clicking twice more at the same moment.
    ids = [s.id for s in supporters] + [supporters[0].id, supporters[0].id]
    threads = [threading.Thread(target=go, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with app.app_context():
        rows = db.session.scalar(select(func.count(Support.id)).where(Support.proposal_id == proposal.id))
        assert rows == 6
        assert db.session.get(Proposal, proposal.id).supports_count == rows


# --- comments ------------------------------------------------------------------------------------

def test_comment_threads_depth_alignment_votes(app, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process())
    a, b = make_user(), make_user()
    with in_ctx(app):
        c1 = services.add_comment(u(a), p(proposal), "賛成です", 1)
        c2 = services.add_comment(u(b), p(proposal), "理由は？", 0, c1.id)
        c3 = services.add_comment(u(a), p(proposal), "夏が暑いから", -1, c2.id)
        db.session.commit()
        with pytest.raises(InvalidInput):
            services.add_comment(u(b), p(proposal), "四段目", 0, c3.id)
        db.session.rollback()
        c1, c2, c3 = (db.session.scalar(select(Comment).where(Comment.body == t))
                      for t in ("賛成です", "理由は？", "夏が暑いから"))
        assert (c1.depth, c2.depth, c3.depth) == (1, 2, 3)
        assert p(proposal).comments_count == 3
        with pytest.raises(InvalidInput):
            services.add_comment(u(b), p(proposal), "x", 5)
        with pytest.raises(PermissionDenied):
            services.vote_comment(u(a), c1, 1)
        services.vote_comment(u(b), c1, 1)
        assert (c1.upvotes, c1.downvotes) == (1, 0)
        services.vote_comment(u(b), c1, -1)
        assert (c1.upvotes, c1.downvotes) == (0, 1)
        services.vote_comment(u(b), c1, -1)  # same vote again: taken back
        assert (c1.upvotes, c1.downvotes) == (0, 0)
        db.session.commit()


def test_comment_length_and_phase(app, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process())
    writer = make_user()
    with in_ctx(app):
        with pytest.raises(InvalidInput):
            services.add_comment(u(writer), p(proposal), "あ" * 1001)
        with pytest.raises(InvalidInput):
            services.add_comment(u(writer), p(proposal), "   ")


def test_deleted_comment_shows_as_deleted_and_keeps_replies(app, client, make_user, make_process,
                                                            make_proposal):
    proposal = make_proposal(make_process())
    a, b = make_user(display_name="最初の人"), make_user()
    with in_ctx(app):
        c1 = services.add_comment(u(a), p(proposal), "消される予定の意見", 0)
        services.add_comment(u(b), p(proposal), "残る返信", 0, c1.id)
        services.delete_comment(u(a), c1, p(proposal))
        db.session.commit()
        assert p(proposal).comments_count == 1
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "消される予定の意見" not in html and "最初の人" not in html
    assert "このコメントは投稿者によって削除されました。" in html
    assert "残る返信" in html


def test_comment_edit_window(app, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process())
    author = make_user()
    with in_ctx(app):
        comment = services.add_comment(u(author), p(proposal), "最初", 0)
        services.edit_comment(u(author), comment, "直した")
        db.session.commit()
        cid = comment.id
    clock.freeze(datetime.now(UTC) + timedelta(minutes=16))
    with in_ctx(app), pytest.raises(PermissionDenied):
        services.edit_comment(u(author), db.session.get(Comment, cid), "もう一度")


def test_comment_sorting(app, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process())
    a, b, c = make_user(), make_user(), make_user()
    base = datetime(2026, 11, 1, tzinfo=UTC)
    with in_ctx(app):
        for i, text in enumerate(["古い", "中間", "新しい"]):
            clock.freeze(base + timedelta(minutes=i))
            services.add_comment(u(a), p(proposal), text, 0)
        middle = db.session.scalar(select(Comment).where(Comment.body == "中間"))
        services.vote_comment(u(b), middle, 1)
        services.vote_comment(u(c), middle, 1)
        db.session.commit()
        order = lambda o: [c.body for c, _d in queries.comment_tree(p(proposal), o)]  # noqa: E731
        assert order("oldest") == ["古い", "中間", "新しい"]
        assert order("newest") == ["新しい", "中間", "古い"]
        assert order("best")[0] == "中間"


# --- answers and notifications ---------------------------------------------------------------------

def test_immediate_answer_is_public_and_notifies_followers(app, client, make_user, make_process,
                                                           make_proposal):
    process = make_process()
    author, follower = make_user(), make_user()
    official = make_user("official", department="roads")
    proposal = make_proposal(process, author)
    with in_ctx(app):
        services.follow(u(follower), p(proposal))
        with pytest.raises(InvalidInput):
            services.answer_proposal(u(official), p(proposal), {"state": "rejected", "text": ""})
        services.answer_proposal(u(official), p(proposal), {"state": "accepted", "text": "実施します。",
                                                            "cost": 500000})
        db.session.commit()
        assert p(proposal).state == "accepted"
        recipients = set(db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "proposal.answered")))
        assert recipients == {author.id, follower.id}
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "proposal.answer")) is not None
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "実施します。" in html and "roads" in html  # the answering department is shown


def test_held_answers_stay_private_until_a_facilitator_publishes(app, client, login, make_user,
                                                                 make_process, make_proposal, post_form):
    today = date.today()
    process = make_process("square", phases=[dict(
        start_date=today - timedelta(days=5), end_date=today + timedelta(days=5), allow_proposals=True,
        allow_supports=True, allow_comments=True, publish_answers_immediately=False)])
    author = make_user()
    proposal = make_proposal(process, author)
    official = make_user("official", department="roads")
    login(official)
    response = post_form(f"/proposals/{proposal.id}/answer",
                         {"state": "rejected", "text": "予算の都合で見送ります。"}, page=f"/proposals/{proposal.id}")
    assert response.status_code == 302
    public = app.test_client()
    html = public.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "予算の都合で見送ります。" not in html
    assert "市はまだ回答していません" in html
    with app.app_context():
        assert db.session.get(Proposal, proposal.id).state == "published"
        assert db.session.scalar(select(func.count(Notification.id))) == 0
    # The official cannot publish; a facilitator of the process can, all at once.
    assert post_form("/processes/square/proposals/publish-answers", {},
                     page="/processes/square/proposals/").status_code == 403
    login(make_user("facilitator", process_id=process.id))
    assert post_form("/processes/square/proposals/publish-answers", {},
                     page="/processes/square/proposals/").status_code == 302
    html = public.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "予算の都合で見送ります。" in html
    with app.app_context():
        assert db.session.get(Proposal, proposal.id).state == "rejected"
        assert db.session.scalar(select(Notification.user_id)) == author.id


def test_answering_needs_the_role(app, make_user, make_process, make_proposal):
    process = make_process()
    proposal = make_proposal(process)
    refused = (make_user(), make_user("moderator"), make_user("facilitator", process_id=make_process().id))
    allowed = (make_user("facilitator", process_id=process.id), make_user("admin"))
    with in_ctx(app):
        for who in refused:
            with pytest.raises(PermissionDenied):
                services.answer_proposal(u(who), p(proposal), {"state": "evaluating"})
        for who in allowed:
            services.answer_proposal(u(who), p(proposal), {"state": "evaluating"})


def test_withdrawn_cannot_be_answered_and_state_machine(app, make_user, make_process, make_proposal):
    author, admin = make_user(), make_user("admin")
    proposal = make_proposal(make_process(), author)
    with in_ctx(app):
        services.withdraw_proposal(u(author), p(proposal))
        with pytest.raises(Conflict):
            services.answer_proposal(u(admin), p(proposal), {"state": "accepted", "text": "x"})
        with pytest.raises(IllegalTransition):
            p(proposal).withdraw()
        with pytest.raises(IllegalTransition):
            p(proposal).apply_answer(State.ACCEPTED)


def test_comment_notifies_followers_and_unread_count_in_header(app, client, login, make_user,
                                                               make_process, make_proposal, post_form):
    author = make_user()
    proposal = make_proposal(make_process(), author)
    login(make_user())
    response = post_form(f"/proposals/{proposal.id}/comments", {"body": "いい案ですね", "alignment": "1"},
                         page=f"/proposals/{proposal.id}")
    assert response.status_code == 302
    login(author)
    html = client.get("/").get_data(as_text=True)
    assert '<span class="count">1<span class="visually-hidden"> 件の未読</span></span>' in html
    page = client.get("/notifications").get_data(as_text=True)
    assert f"提案「{proposal.title}」に新しいコメントがあります。" in page
    post_form("/notifications/read", {}, page="/notifications")
    assert 'class="count"' not in client.get("/").get_data(as_text=True)


def test_bad_ids_and_reply_depth_in_views(app, client, login, make_user, make_process, make_proposal, post_form):
    proposal = make_proposal(make_process())
    login(make_user())
    assert client.get("/proposals/999999").status_code == 404
    page = f"/proposals/{proposal.id}"
    assert post_form(f"/proposals/{proposal.id}/comments", {"body": "x", "alignment": "0", "parent_id": "abc"},
                     page=page).status_code == 400
    assert post_form(f"/proposals/{proposal.id}/comments", {"body": "x", "alignment": "0", "parent_id": "99999"},
                     page=page).status_code == 404
    assert post_form(f"/proposals/{proposal.id}/comments", {"body": "x", "alignment": "7"},
                     page=page).status_code == 400
    assert post_form(f"/proposals/{proposal.id}/comments/99999/vote", {"value": "up"}, page=page).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0


# --- listing, search, random order, queries --------------------------------------------------------

def test_random_order_is_stable_and_complete_across_pages(app, make_process, make_proposal, make_user):
    process = make_process()
    author = make_user()
    for i in range(45):
        make_proposal(process, author, title=f"提案番号{i:02d}です")
    with in_ctx(app):
        proc = reload(Process, process.id)
        seen = []
        for page in (1, 2, 3):
            listing = queries.list_proposals(proc, None, sort="random", seed=12345, page=page)
            seen += [x.id for x in listing.items]
        assert len(seen) == 45 and len(set(seen)) == 45
        again = [x.id for x in queries.list_proposals(proc, None, sort="random", seed=12345).items]
        assert again == seen[:20]
        other = [x.id for x in queries.list_proposals(proc, None, sort="random", seed=777).items]
        assert other != again
        newest = [x.id for x in queries.list_proposals(proc, None, sort="newest").items]
        assert newest != again


@pytest.mark.parametrize("term", ["駐輪", "駐輪場", "自転車置き場", "BIKE", "bike"])
def test_search_finds_japanese_substrings(app, make_process, make_proposal, term):
    process = make_process()
    make_proposal(process, title="駅前の駐輪場を広く", body="自転車置き場が足りません。")
    make_proposal(process, title="Bike lanes please", body="Safer for children.")
    make_proposal(process, title="図書館の開館時間", body="夜も開けてほしい。")
    with in_ctx(app):
        listing = queries.list_proposals(reload(Process, process.id), None, q=term)
        titles = {x.title for x in listing.items}
        assert titles and "図書館の開館時間" not in titles


def test_search_after_edit_and_with_special_characters(app, make_user, make_process, make_proposal):
    process = make_process()
    author = make_user()
    proposal = make_proposal(process, author, title="最初のタイトル", body="本文")
    with in_ctx(app):
        services.edit_proposal(u(author), p(proposal), {"title": "変更後のタイトル", "body": "本文"})
        db.session.commit()
        proc = reload(Process, process.id)
        assert queries.list_proposals(proc, None, q="変更後").total == 1
        assert queries.list_proposals(proc, None, q="最初の").total == 0
        for weird in ['"', "%", "_", "a\"b", "OR", "NEAR(", "*"]:
            assert queries.list_proposals(proc, None, q=weird).total == 0


def test_filters(app, client, login, make_user, make_process, make_proposal):
    process = make_process("square")
    me = make_user()
    make_proposal(process, me, title="わたしの提案です", latitude="35.6", longitude="139.7")
    other = make_proposal(process, title="ほかの人の提案")
    admin = make_user("admin")
    with in_ctx(app):
        services.answer_proposal(u(admin), p(other), {"state": "accepted", "text": "はい"})
        db.session.commit()
    login(me)
    get = lambda qs: client.get(f"/processes/square/proposals/?{qs}").get_data(as_text=True)  # noqa: E731
    assert "わたしの提案です" in get("mine=1") and "ほかの人の提案" not in get("mine=1")
    assert "わたしの提案です" in get("with_location=1") and "ほかの人の提案" not in get("with_location=1")
    assert "ほかの人の提案" in get("state=accepted") and "わたしの提案です" not in get("state=accepted")
    assert "わたしの提案です" in get("state=not_answered")
    assert "わたしの提案です" in get("followed=1")


def test_list_page_runs_a_fixed_number_of_queries(app, client, login, make_user, make_process, make_proposal):
    process = make_process("square")
    author = make_user()
    viewer = login(make_user())

    def count_queries(path):
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    make_proposal(process, author, title="ひとつめの提案")
    few = count_queries("/processes/square/proposals/?sort=newest")
    for i in range(25):
        make_proposal(process, author, title=f"たくさんの提案{i}")
    many = count_queries("/processes/square/proposals/?sort=newest")
    assert many == few
    assert viewer.id


def test_geojson_endpoint(app, client, make_process, make_proposal):
    process = make_process("square")
    make_proposal(process, title="位置のある提案", latitude="35.65", longitude="139.70")
    make_proposal(process, title="遠くの提案です", latitude="34.0", longitude="135.0")
    make_proposal(process, title="位置のない提案")
    data = client.get("/processes/square/proposals.geojson?bbox=139.6,35.6,139.8,35.7").json
    assert [f["properties"]["title"] for f in data["features"]] == ["位置のある提案"]
    assert data["features"][0]["geometry"]["coordinates"] == [139.70, 35.65]
    assert data["truncated"] is False
    assert len(client.get("/processes/square/proposals.geojson").json["features"]) == 2
    for bad in ["1,2,3", "a,b,c,d", "200,0,201,1", "10,10,5,5", "nan,0,1,1"]:
        response = client.get(f"/processes/square/proposals.geojson?bbox={bad}")
        assert response.status_code == 400 and "error" in response.json


def test_process_page_shows_proposal_figures_and_call_to_action(client, make_process, make_proposal):
    process = make_process("square")
    make_proposal(process)
    html = client.get("/processes/square/").get_data(as_text=True)
    assert "提案する" in html and "提案数" in html and 'href="/processes/square/proposals/new"' in html


def test_up_to_three_photos_and_no_orphans_when_refused(app, client, login, make_user, make_process, post_form):
    import io

    from PIL import Image

    from participation.core import uploads

    def photo(color):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), color).save(out, format="JPEG")
        return io.BytesIO(out.getvalue())

    make_process("square")
    login(make_user())
    data = {"step": "2", "title": "写真つきの提案", "body": "写真を見てください。"}
    four = post_form("/processes/square/proposals/new",
                     {**data, "images": [(photo(c), f"{c}.jpg") for c in ("red", "green", "blue", "white")]},
                     content_type="multipart/form-data")
    assert four.status_code == 400
    assert "添付できる写真は3枚までです。" in four.get_data(as_text=True)
    bad = post_form("/processes/square/proposals/new",
                    {**data, "images": [(photo("red"), "a.jpg"), (io.BytesIO(b"MZ not an image"), "b.jpg")]},
                    content_type="multipart/form-data")
    assert bad.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == 0
        assert list(uploads.upload_dir().glob("*.jpg")) == []  # the valid first photo was removed too
    ok = post_form("/processes/square/proposals/new",
                   {**data, "images": [(photo("red"), "a.jpg"), (photo("blue"), "b.jpg")]},
                   content_type="multipart/form-data")
    assert ok.status_code == 302
    html = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert html.count('alt="提案の写真') == 2


def test_map_is_an_enhancement(client, make_process):
    make_process("square")
    html = client.get("/processes/square/proposals/").get_data(as_text=True)
    assert 'data-geojson="/processes/square/proposals.geojson"' in html
    assert "地図を表示するにはJavaScriptが必要です。" in html
    with client.get("/static/leaflet/leaflet.js") as response:
        assert response.status_code == 200
