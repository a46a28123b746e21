"""Regression tests from a hostile review: Pol.is folders that are not what they claim, what a
moderator (not a facilitator) sees, hidden and rejected text in open data, duplicate probes, and
the voting request not loading the stored analysis."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from participation.conversations import exports, polis, services
from participation.conversations.models import Conversation, Statement, StatementState
from participation.core.models import User
from participation.extensions import db

PV = b"participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,1,2\n0,,,0,2,1,1,1,-1\n1,,,0,2,1,1,-1,1\n"
CM = (b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
      b"1,x,1,0,1,1,1,hello\n1,x,2,0,1,1,1,world\n")


def _c(cid):
    return db.session.get(Conversation, cid)


def _u(user):
    return db.session.get(User, user.id)


def _folder(tmp_path: Path, name: str, votes: bytes, comments: bytes) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "participants-votes.csv").write_bytes(votes)
    (folder / "comments.csv").write_bytes(comments)
    return folder


# --- Pol.is folders ------------------------------------------------------------------------------

BROKEN = {
    "empty-votes": (b"", CM, "participants-votes.csv is empty"),
    "empty-comments": (PV, b"", "comments.csv is empty"),
    "no-comment-id": (PV, CM.replace(b"comment-id", b"cid"), "comment-id"),
    "huge-participant": (PV.replace(b"\n0,,", b"\n" + b"9" * 70 + b",,"), CM, "too large"),
    "huge-comment": (PV.replace(b",1,2\n", b",1," + b"9" * 30 + b"\n"), CM, "too large"),
    "latin-1": (PV, CM.replace(b"world", "wörld".encode("latin-1")), "UTF-8"),
    "not-a-votes-file": (CM, CM, "participant"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_malformed_polis_folders_give_a_clear_error_and_import_nothing(app, runner, tmp_path, make_process, name):
    votes, comments, message = BROKEN[name]
    process = make_process()
    folder = _folder(tmp_path, name, votes, comments)
    with app.app_context():
        before = db.session.scalar(select(func.count(Conversation.id)))
    for args in (["conversations", "import", str(folder), "--process", process.slug],
                 ["conversations", "analyze", str(folder), "--json"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (args, repr(result.exception))
        assert "Not a Pol.is export folder" in result.output and message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Conversation.id))) == before


def test_polis_folder_whose_votes_match_no_comment_imports_without_votes(app, tmp_path, make_process):
    """An empty batch of votes used to insert one row of NULLs (IntegrityError)."""
    folder = _folder(tmp_path, "no-match", PV.replace(b",1,2\n", b",7,8\n"), CM)
    process = make_process()
    with app.app_context():
        from participation.processes.models import Process

        conversation = polis.import_folder(None, db.session.get(Process, process.id), folder)
        assert conversation.votes_count == 0 and conversation.statements_count == 2


def test_polis_text_is_cleaned_of_control_characters(app, tmp_path, make_process):
    folder = _folder(tmp_path, "nul", PV, CM.replace(b"world", b"wo\x00rld"))
    assert polis.read_folder(folder).statements[2][0] == "world"


# --- moderators review statements but do not manage the conversation ----------------------------

def test_a_moderator_refused_a_rejection_does_not_see_the_facilitators_page(
        app, client, login, make_user, make_conversation, post_form):
    cid, _sids, _facilitator = make_conversation(moderation="pre")
    resident = make_user()
    with app.app_context():
        process_id = _c(cid).process_id
        pending = services.submit_statement(_c(cid), _u(resident), "ベンチを増やしてほしい")
        db.session.commit()
        pending_id = pending.id
        slug = _c(cid).process.slug
    moderator = make_user("moderator", process_id=process_id)
    login(moderator)
    url = f"/admin/conversations/{cid}/statements/{pending_id}/reject"
    page = f"/processes/{slug}/conversations/{cid}"
    refused = post_form(url, {"reason": "   "}, page=page)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "投稿者にわかるよう、理由を書いてください。" in html
    assert "export/comments.csv" not in html and 'name="topic_ja"' not in html
    done = post_form(url, {"reason": "重複しています"}, page=page)
    assert done.status_code == 302 and done.headers["Location"].endswith(page)
    with app.app_context():
        assert db.session.get(Statement, pending_id).state is StatementState.REJECTED


# --- hidden means hidden -------------------------------------------------------------------------

def test_rejected_statements_text_is_withheld_from_open_data(app, make_user, make_conversation):
    cid, _sids, facilitator = make_conversation(moderation="pre")
    resident = make_user()
    with app.app_context():
        statement = services.submit_statement(_c(cid), _u(resident), "山田太郎の電話番号は090-0000-0000")
        services.reject_statement(_u(facilitator), statement, "個人情報")
        body = exports.comments(_c(cid))
        assert "090-0000-0000" not in body and ",-1," in body


def test_refusing_a_duplicate_does_not_reveal_hidden_or_pending_statements(app, make_user, make_conversation):
    from participation.core import clock

    cid, sids, _ = make_conversation(moderation="pre")
    author, prober = make_user(), make_user()
    with app.app_context():
        pending = services.submit_statement(_c(cid), _u(author), "駅前に屋台を出したい")
        db.session.get(Statement, sids[0]).hidden_at = clock.now()
        hidden_text = db.session.get(Statement, sids[0]).text
        db.session.flush()
        # Another resident writing the same words is not told these exist...
        services.submit_statement(_c(cid), _u(prober), pending.text)
        services.submit_statement(_c(cid), _u(prober), hidden_text)
        # ...but the author is told about their own.
        from participation.core.errors import Conflict

        with pytest.raises(Conflict):
            services.submit_statement(_c(cid), _u(author), "駅前に屋台を出したい")


# --- the voting request stays cheap --------------------------------------------------------------

def test_a_vote_does_not_load_the_stored_analysis(app, client, login, make_user, make_conversation, post_form):
    """The analysis's state lists every clustered participant: reading it after every vote costs in
    proportion to the whole conversation. Deciding whether a recompute is due needs only its time."""
    from participation.conversations import analysis

    cid, sids, _ = make_conversation(statements=3)
    app.config["CONVERSATION_RECOMPUTE_VOTES"] = 100
    with app.app_context():
        analysis.recompute(_c(cid))
        db.session.commit()
        slug = _c(cid).process.slug
    login(make_user())
    page = f"/processes/{slug}/conversations/{cid}"
    token_page = page
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = post_form(page + "/vote", {"statement_id": str(sids[0]), "vote": "agree"}, page=token_page)
        assert response.status_code == 302
        seen.clear()
        response = post_form(page + "/vote", {"statement_id": str(sids[1]), "vote": "agree"}, page=token_page)
        assert response.status_code == 302
    finally:
        event.remove(engine, "before_cursor_execute", record)
    loaded = [s for s in seen if "conversation_analyses.state" in s]
    assert not loaded, loaded


# --- counters ------------------------------------------------------------------------------------

def test_seed_statements_do_not_overwrite_a_count_that_moved_meanwhile(app, make_user, make_conversation):
    """Adding seeds used to write `statements_count` from the value loaded earlier, losing a
    resident's statement counted by another transaction in the meantime."""
    from sqlalchemy import update

    cid, _sids, facilitator = make_conversation(statements=3)
    with app.app_context():
        conversation = _c(cid)
        assert conversation.statements_count == 3
        # Another request adds (and counts) a statement after this one loaded the conversation.
        db.session.add(Statement(conversation_id=cid, text="別の人の意見", state=StatementState.ACCEPTED))
        db.session.execute(update(Conversation).where(Conversation.id == cid)
                           .values(statements_count=Conversation.statements_count + 1)
                           .execution_options(synchronize_session=False))
        services.add_seed_statements(_u(facilitator), conversation, ["追加の論点"])
        db.session.flush()
        db.session.expire_all()
        assert _c(cid).statements_count == 5 == db.session.scalar(select(func.count(Statement.id)).where(
            Statement.conversation_id == cid))


@pytest.mark.parametrize("statement_id", ["abc", "1.5", -3, 10**30, "9" * 30, None, True])
def test_statement_ids_that_are_not_ids_are_not_found(app, make_user, make_conversation, statement_id):
    from participation.conversations.models import Vote
    from participation.core.errors import NotFound

    cid, _sids, _ = make_conversation()
    resident = make_user()
    with app.app_context():
        with pytest.raises(NotFound):
            services.cast_vote(_c(cid), _u(resident), statement_id, "agree")
        db.session.rollback()
        assert db.session.scalar(select(func.count(Vote.id))) == 0


def test_a_vote_cast_while_the_groups_are_recomputed_still_counts_for_the_next_recompute(
        app, make_user, make_conversation, monkeypatch):
    """The recompute used to set `votes_since_analysis` to 0 at the end, forgetting votes cast while
    it ran: once the conversation went quiet, they never reached the opinion map."""
    from sqlalchemy import update

    from participation.conversations import analysis, engine

    cid, sids, _ = make_conversation(statements=2)
    resident = make_user()
    real_compute = engine.compute

    def compute_while_someone_votes(*args, **kwargs):
        result = real_compute(*args, **kwargs)
        db.session.execute(update(Conversation).where(Conversation.id == cid).values(
            votes_count=Conversation.votes_count + 1,
            votes_since_analysis=Conversation.votes_since_analysis + 1))
        return result

    with app.app_context():
        services.cast_vote(_c(cid), _u(resident), sids[0], "agree")
        services.cast_vote(_c(cid), _u(resident), sids[1], "agree")
        assert _c(cid).votes_since_analysis == 2
        monkeypatch.setattr(engine, "compute", compute_while_someone_votes)
        analysis.recompute(_c(cid))
        assert _c(cid).votes_since_analysis == 1
        monkeypatch.setattr(engine, "compute", real_compute)
        analysis.recompute(_c(cid))
        assert _c(cid).votes_since_analysis == 0


def test_a_vote_does_not_count_the_statements_votes_again(app, make_user, make_conversation):
    """A statement's counts used to be recounted from all its votes on every vote (a cost that grows
    with the participants); they now move by one, and stay exact through changes of mind."""
    cid, sids, _ = make_conversation(statements=1)
    people = [make_user() for _ in range(4)]
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        for person, value in zip(people, ["agree", "agree", "disagree", "pass"], strict=True):
            services.cast_vote(_c(cid), _u(person), sids[0], value)
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            services.cast_vote(_c(cid), _u(people[0]), sids[0], "disagree")  # a change of mind
            services.cast_vote(_c(cid), _u(people[0]), sids[0], "disagree")  # the same again
            services.cast_vote(_c(cid), _u(people[3]), sids[0], "agree")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert not [s for s in seen if "GROUP BY conversation_votes.value" in s]
        statement = db.session.get(Statement, sids[0])
        db.session.refresh(statement)
        assert (statement.agree_count, statement.disagree_count, statement.pass_count) == (2, 2, 0)
        assert _c(cid).votes_count == 4


def test_exporting_to_a_place_that_cannot_hold_a_folder_is_a_clear_error(app, runner, tmp_path, make_conversation):
    cid, _sids, _ = make_conversation()
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    result = runner.invoke(args=["conversations", "export", str(cid), str(not_a_folder / "out")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Cannot write to" in result.output


def test_a_facilitator_refused_a_rejection_is_told_why(app, client, login, make_user, make_conversation, post_form):
    """The review queue's reject form showed no error: a 400 page with nothing said."""
    cid, _sids, facilitator = make_conversation(moderation="pre")
    resident = make_user()
    with app.app_context():
        pending_id = services.submit_statement(_c(cid), _u(resident), "ベンチを増やしてほしい").id
        db.session.commit()
    login(facilitator)
    page = f"/admin/conversations/{cid}/"
    refused = post_form(f"{page}statements/{pending_id}/reject", {"reason": "   "}, page=page)
    assert refused.status_code == 400
    assert "投稿者にわかるよう、理由を書いてください。" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Statement, pending_id).state is StatementState.PENDING
