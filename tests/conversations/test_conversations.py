"""Conversations as residents and facilitators use them: voting, statements, the map, the report,
Pol.is import/export, the CLI, and what attackers and careless users try."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from participation.conversations import analysis, polis, queries, services
from participation.conversations.models import Conversation, Participant, Statement, StatementState, Vote
from participation.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from participation.core.models import User
from participation.extensions import db

DATA = Path(__file__).parent.parent / "data" / "polis"


def _c(conversation_id):
    return db.session.get(Conversation, conversation_id)


def _u(user):
    return db.session.get(User, user.id)


def _page(slug_id):
    return f"/processes/{slug_id[0]}/conversations/{slug_id[1]}"


# --- voting --------------------------------------------------------------------------------------

def test_latest_vote_counts_and_counters_stay_exact(app, make_user, make_conversation):
    cid, sids, _ = make_conversation()
    alice, bob = make_user(), make_user()
    with app.app_context():
        services.cast_vote(_c(cid), _u(alice), sids[0], "agree")
        services.cast_vote(_c(cid), _u(bob), sids[0], "disagree")
        services.cast_vote(_c(cid), _u(alice), sids[0], "pass")  # alice changes her mind
        db.session.commit()
        statement = db.session.get(Statement, sids[0])
        assert (statement.agree_count, statement.disagree_count, statement.pass_count) == (0, 1, 1)
        conversation = _c(cid)
        assert conversation.votes_count == 2 and conversation.participants_count == 2
        assert db.session.scalar(select(func.count(Vote.id)).where(Vote.statement_id == sids[0])) == 2


@pytest.mark.parametrize(("value", "error"), [("maybe", InvalidInput), ("2", InvalidInput), ("", InvalidInput)])
def test_a_vote_other_than_agree_disagree_pass_is_refused(app, make_user, make_conversation, value, error):
    cid, sids, _ = make_conversation()
    resident = make_user()
    with app.app_context(), pytest.raises(error):
        services.cast_vote(_c(cid), _u(resident), sids[0], value)


def test_votes_on_hidden_unknown_pending_or_other_statements_are_refused(app, make_user, make_conversation):
    cid, sids, _ = make_conversation()
    other_cid, other_sids, _ = make_conversation()
    resident = make_user()
    with app.app_context():
        from participation.core import clock

        db.session.get(Statement, sids[1]).hidden_at = clock.now()
        db.session.get(Statement, sids[2]).state = StatementState.PENDING
        db.session.commit()
        with pytest.raises(Conflict):
            services.cast_vote(_c(cid), _u(resident), sids[1], "agree")
        with pytest.raises(Conflict):
            services.cast_vote(_c(cid), _u(resident), sids[2], "agree")
        with pytest.raises(NotFound):
            services.cast_vote(_c(cid), _u(resident), other_sids[0], "agree")
        with pytest.raises(NotFound):
            services.cast_vote(_c(cid), _u(resident), 999999, "agree")
        db.session.rollback()
        assert db.session.scalar(select(func.count(Vote.id))) == 0


def test_closed_conversation_and_blocked_resident_cannot_vote(app, make_user, make_conversation):
    cid, sids, facilitator = make_conversation()
    resident, blocked = make_user(), make_user()
    with app.app_context():
        from participation.core import clock

        _u(blocked).blocked_at = clock.now()
        db.session.commit()
        with pytest.raises(PermissionDenied):
            services.cast_vote(_c(cid), _u(blocked), sids[0], "agree")
        services.set_closed(_u(facilitator), _c(cid), True)
        with pytest.raises(PermissionDenied, match="終了"):
            services.cast_vote(_c(cid), _u(resident), sids[0], "agree")


def test_anonymous_votes_only_when_allowed_one_participant_per_browser(app, make_conversation):
    from flask_login import AnonymousUserMixin

    cid, sids, _ = make_conversation()
    open_cid, open_sids, _ = make_conversation(allow_anonymous=True)
    with app.app_context():
        with pytest.raises(PermissionDenied):
            services.cast_vote(_c(cid), AnonymousUserMixin(), sids[0], "agree", browser_token="b1")
        services.cast_vote(_c(open_cid), AnonymousUserMixin(), open_sids[0], "agree", browser_token="b1")
        services.cast_vote(_c(open_cid), AnonymousUserMixin(), open_sids[1], "agree", browser_token="b1")
        services.cast_vote(_c(open_cid), AnonymousUserMixin(), open_sids[0], "agree", browser_token="b2")
        db.session.commit()
        assert _c(open_cid).participants_count == 2
        assert db.session.scalar(select(func.count(Participant.id))
                                 .where(Participant.conversation_id == open_cid)) == 2


def test_seed_statements_come_first_then_every_statement_once(app, make_user, make_conversation):
    cid, sids, _ = make_conversation(statements=5, seeds=2)
    resident = make_user()
    shown = []
    with app.app_context():
        for _ in range(5):
            conversation = _c(cid)
            participant = queries.find_participant(conversation, _u(resident), None)
            statement = queries.next_statement(conversation, participant)
            shown.append(statement.id)
            services.cast_vote(conversation, _u(resident), statement.id, "pass")
        assert shown[:2] == sids[:2]
        assert sorted(shown) == sorted(sids)
        assert queries.next_statement(_c(cid), queries.find_participant(_c(cid), _u(resident), None)) is None
        assert queries.progress(_c(cid), queries.find_participant(_c(cid), _u(resident), None)).voted == 5


@pytest.mark.commits_from_threads
def test_two_hundred_participants_voting_at_once_are_counted_exactly(app, make_conversation):
    from flask_login import AnonymousUserMixin

    cid, sids, _ = make_conversation(statements=1, allow_anonymous=True)
    n = 200
    barrier = threading.Barrier(n)
    errors: list[str] = []

    def go(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                conversation = db.session.get(Conversation, cid)
                services.cast_vote(conversation, AnonymousUserMixin(), sids[0], ("agree", "disagree")[i % 2],
                                   browser_token=f"browser-{i}")
                if i % 10 == 0:  # a double click lands as a change of vote, never a second vote
                    services.cast_vote(conversation, AnonymousUserMixin(), sids[0], "pass",
                                       browser_token=f"browser-{i}")
                db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with app.app_context():
        statement = db.session.get(Statement, sids[0])
        passes = len(range(0, n, 10))
        agrees = sum(1 for i in range(n) if i % 2 == 0 and i % 10)
        assert (statement.agree_count, statement.pass_count) == (agrees, passes)
        assert statement.votes_total == n
        conversation = db.session.get(Conversation, cid)
        assert conversation.votes_count == n and conversation.participants_count == n
        assert db.session.scalar(select(func.count(Vote.id)).where(Vote.statement_id == sids[0])) == n


# --- statements ----------------------------------------------------------------------------------

def test_statement_length_counts_japanese_characters(app, make_user, make_conversation):
    cid, _sids, _ = make_conversation()
    resident = make_user()
    with app.app_context():
        statement = services.submit_statement(_c(cid), _u(resident), "あ" * 140)
        assert statement.state is StatementState.ACCEPTED and len(statement.text) == 140
        for text in ("い" * 141, "", "   \n "):
            with pytest.raises(InvalidInput):
                services.submit_statement(_c(cid), _u(resident), text)
        with pytest.raises(Conflict):
            services.submit_statement(_c(cid), _u(resident), "あ" * 140)


def test_pre_moderated_statements_wait_and_rejection_needs_a_reason(app, make_user, make_conversation):
    cid, _sids, facilitator = make_conversation(moderation="pre")
    resident = make_user()
    with app.app_context():
        first = services.submit_statement(_c(cid), _u(resident), "駐輪場を増やしてほしい")
        second = services.submit_statement(_c(cid), _u(resident), "夜も明るくしてほしい")
        assert first.state is StatementState.PENDING and _c(cid).statements_count == 3
        participant = queries.find_participant(_c(cid), _u(resident), None)
        with pytest.raises(Conflict):  # not open for votes while pending
            services.cast_vote(_c(cid), _u(resident), first.id, "agree")
        with pytest.raises(PermissionDenied):
            services.accept_statement(_u(resident), first)
        services.accept_statement(_u(facilitator), first)
        assert _c(cid).statements_count == 4
        with pytest.raises(InvalidInput):
            services.reject_statement(_u(facilitator), second, "  ")
        services.reject_statement(_u(facilitator), second, "同じ内容の意見がすでにあります。")
        with pytest.raises(Conflict):
            services.accept_statement(_u(facilitator), second)
        assert participant is not None
        db.session.commit()
    with app.test_request_context("/"):
        from participation.core import notifications

        told = [notifications.render(n)[0] for n in notifications.recent(_u(resident))]
        assert any("掲載されませんでした。理由：同じ内容の意見がすでにあります。" in t for t in told)
        assert any("参加者に表示されるようになりました" in t for t in told)


def test_similar_statements_are_shown_before_adding(app, client, login, make_user, make_conversation, post_form):
    from participation.processes.models import Process

    cid, _sids, _ = make_conversation()
    with app.app_context():
        slug = db.session.get(Process, _c(cid).process_id).slug
    login(make_user())
    url = f"/processes/{slug}/conversations/{cid}/statements/new"
    first = post_form(url, {"text": "意見その1です！"})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "意見その1です。" in html and 'name="confirmed"' in html
    second = post_form(url, {"text": "意見その1です！", "confirmed": "1"})
    assert second.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Statement).where(Statement.text == "意見その1です！")) is not None


# --- pages ---------------------------------------------------------------------------------------

def test_voting_page_works_without_javascript(app, client, login, make_user, make_conversation, post_form):
    from participation.processes.models import Process

    cid, sids, _ = make_conversation(statements=2, seeds=2)
    with app.app_context():
        slug = db.session.get(Process, _c(cid).process_id).slug
    login(make_user())
    page = f"/processes/{slug}/conversations/{cid}"
    html = client.get(page).get_data(as_text=True)
    assert "意見その1です。" in html and "賛成" in html and "反対" in html and "パス／わからない" in html
    assert '<span class="num">0</span>／<span class="num">2</span> に回答' in html
    response = post_form(page + "/vote", {"statement_id": str(sids[0]), "vote": "agree"}, page=page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "意見その2です。" in html and '<span class="num">1</span>／<span class="num">2</span> に回答' in html
    bad = post_form(page + "/vote", {"statement_id": str(sids[1]), "vote": "maybe"}, page=page)
    assert bad.status_code == 400 and "「賛成」「反対」「パス／わからない」のいずれかを選んでください。" in \
        bad.get_data(as_text=True)
    mine = client.get(page + "/my-votes").get_data(as_text=True)
    assert "意見その1です。" in mine and "あなたの投票：賛成" in mine


def test_closed_conversation_refuses_votes_with_a_translated_4xx(app, client, login, make_user, make_conversation,
                                                                 post_form):
    from participation.processes.models import Process

    cid, sids, facilitator = make_conversation()
    with app.app_context():
        slug = db.session.get(Process, _c(cid).process_id).slug
        services.set_closed(_u(facilitator), _c(cid), True)
        db.session.commit()
    login(make_user())
    page = f"/processes/{slug}/conversations/{cid}"
    response = post_form(page + "/vote", {"statement_id": str(sids[0]), "vote": "agree"}, page=page)
    assert response.status_code == 403 and "この意見交換は終了しています。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Vote.id))) == 0


def _vote_camps(app, cid, sids, make_user, people=30):
    """Two camps: the first half of the statements pleases camp A, the second half camp B;
    the last statement pleases everyone."""
    users = [make_user() for _ in range(people)]
    with app.app_context():
        for n, user in enumerate(users):
            camp = n % 2
            for j, sid in enumerate(sids):
                if j == len(sids) - 1:
                    value = "agree"
                else:
                    value = "agree" if (j < (len(sids) - 1) // 2) == (camp == 0) else "disagree"
                services.cast_vote(_c(cid), _u(user), sid, value)
        analysis.recompute(_c(cid))
        db.session.commit()
    return users


def test_opinion_map_shows_groups_in_words_and_you_are_here(app, client, login, make_user, make_conversation):
    from participation.processes.models import Process

    cid, sids, _ = make_conversation(statements=9)
    users = _vote_camps(app, cid, sids, make_user)
    with app.app_context():
        slug = db.session.get(Process, _c(cid).process_id).slug
        stored = analysis.latest(_c(cid))
        assert stored.k == 2 and sorted(g["size"] for g in stored.groups) == [15, 15]
        assert sids[-1] in stored.consensus
    login(users[0])
    html = client.get(f"/processes/{slug}/conversations/{cid}/map").get_data(as_text=True)
    assert "<svg" in html and "あなたの位置" in html and "グループA" in html and "グループB" in html
    assert any(f"グループ{label}の100%が賛成、ほかのグループでは0%" in html for label in "AB")
    assert "どのグループも賛成している意見" in html and "意見その9です。" in html


def test_report_is_for_facilitators_until_published(app, client, login, make_user, make_conversation):
    from participation.processes.models import Process

    cid, sids, facilitator = make_conversation(statements=5)
    _vote_camps(app, cid, sids, make_user, people=16)
    with app.app_context():
        slug = db.session.get(Process, _c(cid).process_id).slug
    url = f"/processes/{slug}/conversations/{cid}/report"
    assert client.get(url).status_code == 404
    login(facilitator)
    assert "このレポートはまだ公開されていません" in client.get(url).get_data(as_text=True)
    with app.app_context():
        services.publish_report(_u(facilitator), _c(cid), True)
        db.session.commit()
    with client.session_transaction() as session:
        session.clear()
    html = client.get(url).get_data(as_text=True)
    assert "各グループの特徴" in html and "グループAの人たちは" in html


def test_hidden_statements_disappear_from_reports_and_counts(app, make_user, make_conversation):
    from participation.moderation import services as moderation

    cid, sids, _ = make_conversation(statements=9)
    _vote_camps(app, cid, sids, make_user, people=16)
    moderator = make_user("moderator")
    with app.app_context():
        moderation.hide_content(_u(moderator), "conversation_statements", sids[-1], "offensive")
        assert _c(cid).statements_count == 8
        stored = analysis.recompute(_c(cid))
        assert sids[-1] not in stored.consensus
        db.session.commit()


# --- Pol.is data and the CLI ---------------------------------------------------------------------

def test_analyze_cli_prints_the_specified_json(runner):
    result = runner.invoke(args=["conversations", "analyze", str(DATA / "london.youth.policing"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"k", "groups", "consensus", "representative"}
    assert data["k"] >= 2 and len(data["groups"]) == 24
    assert all(isinstance(g, int) and 0 <= g < data["k"] for g in data["groups"].values())
    assert set(data["representative"]) == {str(g) for g in range(data["k"])}


def test_import_then_export_gives_the_same_votes(app, tmp_path, make_process):
    process = make_process()
    source = DATA / "london.youth.policing"
    original = polis.read_folder(source)
    with app.app_context():
        from participation.processes.models import Process

        conversation = polis.import_folder(None, db.session.get(Process, process.id), source)
        db.session.commit()
        assert conversation.statements_count == sum(1 for _t, m in original.statements.values() if m == 1)
        polis.export_folder(conversation, tmp_path)
        texts = {s.id: s.text for s in db.session.scalars(select(Statement).where(
            Statement.conversation_id == conversation.id))}
    exported = polis.read_folder(tmp_path)
    by_text = {" ".join(t.split()): sid for sid, (t, _m) in original.statements.items()}

    original_pids = sorted({p for p, _s, _v in original.votes})
    rank = {pid: i for i, pid in enumerate(original_pids)}
    before = sorted((rank[p], s, v) for p, s, v in original.votes if s in original.statements)
    after = sorted((p, by_text[texts[s]], v) for p, s, v in exported.votes)
    assert after == before


def test_csv_exports_neutralise_formulas(app, client, login, make_user, make_conversation, post_form):
    cid, _sids, facilitator = make_conversation(statements=0)
    resident = make_user()
    with app.app_context():
        services.submit_statement(_c(cid), _u(resident), "=HYPERLINK(\"http://evil.example\")")
        db.session.commit()
    login(facilitator)
    response = post_form(f"/admin/conversations/{cid}/export/comments.csv", {}, page=f"/admin/conversations/{cid}/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.startswith("\ufeff")
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_enough_votes_recompute_the_groups_in_the_background(app, client, login, make_user, make_conversation,
                                                             post_form):
    from participation.processes.models import Process

    cid, sids, _ = make_conversation(statements=4)
    app.config["CONVERSATION_RECOMPUTE_VOTES"] = 3
    with app.app_context():
        slug = db.session.get(Process, _c(cid).process_id).slug
    login(make_user())
    page = f"/processes/{slug}/conversations/{cid}"

    def vote(sid):
        post_form(page + "/vote", {"statement_id": str(sid), "vote": "agree"}, page=page)
        with app.app_context():
            stored = analysis.latest(_c(cid))
            return (stored.votes if stored else None), _c(cid).votes_since_analysis

    assert vote(sids[0]) == (1, 0)  # the first vote gives the conversation its first analysis
    assert vote(sids[1]) == (1, 1)  # then it waits for 3 new votes (or 5 minutes)
    assert vote(sids[2]) == (1, 2)
    assert vote(sids[3]) == (4, 0)


def test_nobody_flags_a_statement_they_cannot_see(app, make_user, make_conversation):
    from participation.moderation import services as moderation

    cid, _sids, _ = make_conversation(moderation="pre")
    author, other = make_user(), make_user()
    with app.app_context():
        pending = services.submit_statement(_c(cid), _u(author), "確認待ちの意見です")
        db.session.commit()
        with pytest.raises(NotFound):
            moderation.flag(_u(other), "conversation_statements", pending.id, "spam")


def test_moderators_see_a_hidden_statement_in_context_others_get_404(app, client, login, make_user,
                                                                     make_conversation):
    from participation.core import clock
    from participation.processes.models import Process

    cid, sids, _ = make_conversation()
    with app.app_context():
        slug = db.session.get(Process, _c(cid).process_id).slug
        db.session.get(Statement, sids[0]).hidden_at = clock.now()
        db.session.commit()
    url = f"/processes/{slug}/conversations/{cid}?statement={sids[0]}"
    login(make_user())
    assert client.get(url).status_code == 404
    login(make_user("moderator"))
    html = client.get(url).get_data(as_text=True)
    assert "意見その1です。" in html and "モデレーターが非表示" in html
    assert 'name="vote"' not in html.split("review-text")[1][:400]  # seen in context, not voted on
