"""Proposals at city scale: counters (incremental = rebuilt, exact under concurrency), pages in a
fixed number of queries, comments a page at a time, and bigram search for 1–2 character terms."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import event, select

from participation.core.models import User
from participation.extensions import db
from participation.moderation import services as moderation
from participation.processes.models import Process
from participation.proposals import counters, queries, search, services
from participation.proposals.models import Comment, Proposal, ProposalCounter, State

from .conftest import reload


def ctx(app):
    return app.test_request_context("/", method="POST")


def snapshot(process_id):
    return {state: figures for state, figures in counters.totals(process_id).items() if any(figures)}


def from_rows(process_id):
    """The counters computed independently, straight from the rows."""
    found: dict[str, list[int]] = {}
    for p in db.session.scalars(select(Proposal).where(Proposal.process_id == process_id,
                                                       Proposal.hidden_at.is_(None))):
        comments = sum(1 for c in db.session.scalars(select(Comment).where(Comment.proposal_id == p.id))
                       if c.deleted_at is None and c.hidden_at is None)
        figures = found.setdefault(str(p.state), [0, 0, 0])
        figures[0] += 1
        figures[1] += db.session.scalar(select(db.func.count()).select_from(
            db.metadata.tables["proposal_supports"]).where(
            db.metadata.tables["proposal_supports"].c.proposal_id == p.id))
        figures[2] += comments
    return {state: tuple(f) for state, f in found.items() if any(f)}


# --- counters -----------------------------------------------------------------------------------

def test_counters_follow_every_change_and_rebuild_gives_the_same(app, make_user, make_process, make_proposal):
    process = make_process()
    authors = [make_user() for _ in range(3)]
    residents = [make_user() for _ in range(4)]
    moderator, official = make_user("moderator"), make_user("official", department="roads")
    proposals = [make_proposal(process, authors[i % 3], title=f"駅前の公園の提案{i}") for i in range(5)]
    with ctx(app):
        get = lambda model, obj: db.session.get(model, obj.id)  # noqa: E731
        for resident in residents:
            services.support(get(User, resident), get(Proposal, proposals[0]))
        services.support(get(User, residents[0]), get(Proposal, proposals[1]))
        services.unsupport(get(User, residents[1]), get(Proposal, proposals[0]))
        first = services.add_comment(get(User, residents[0]), get(Proposal, proposals[0]), "賛成です。")
        services.add_comment(get(User, residents[1]), get(Proposal, proposals[0]), "返信です。", parent_id=first.id)
        gone = services.add_comment(get(User, residents[2]), get(Proposal, proposals[1]), "消します。")
        services.delete_comment(get(User, residents[2]), gone, get(Proposal, proposals[1]))
        rude = services.add_comment(get(User, residents[3]), get(Proposal, proposals[1]), "ひどい。")
        moderation.hide_content(get(User, moderator), "proposal_comments", rude.id, "offensive")
        case = moderation.hide_content(get(User, moderator), "proposals", proposals[2].id, "spam")
        moderation.restore(get(User, moderator), case)
        moderation.hide_content(get(User, moderator), "proposals", proposals[3].id, "spam")
        services.answer_proposal(get(User, official), get(Proposal, proposals[1]),
                                 {"state": "accepted", "text": "実施します。"})
        services.withdraw_proposal(get(User, authors[1]), get(Proposal, proposals[4]))
        db.session.commit()

        incremental = snapshot(process.id)
        assert incremental == from_rows(process.id)
        assert incremental[State.PUBLISHED] == (2, 3, 2)  # proposals 0 and 2: 3 supports, comment + reply
        assert incremental[State.ACCEPTED] == (1, 1, 0)  # the hidden and the deleted comment do not count
        assert incremental[State.WITHDRAWN] == (1, 0, 0)  # proposal 3 is hidden: not counted at all
        counters.rebuild()
        db.session.commit()
        assert snapshot(process.id) == incremental
        figures = dict((label, n) for label, n in __import__(
            "participation.processes.queries", fromlist=["process_figures"]).process_figures(
            db.session.get(Process, process.id)))
        assert figures["提案数"] == 3 and figures["応援数"] == 4 and figures["コメント数"] == 2


def test_rebuild_command_prints_and_repairs(app, runner, make_process, make_proposal):
    process = make_process()
    make_proposal(process, title="壊れた数字を直す")
    with app.app_context():
        db.session.execute(ProposalCounter.__table__.update().values(proposals=99))
        db.session.commit()
    result = runner.invoke(args=["counters", "rebuild"])
    assert result.exit_code == 0 and "search index" in result.output
    with app.app_context():
        assert snapshot(process.id) == {"published": (1, 0, 0)}


@pytest.mark.commits_from_threads
def test_concurrent_supports_comments_and_hides_keep_counters_exact(app, make_user, make_process,
                                                                    make_proposal):
    process = make_process()
    proposal = make_proposal(process)
    other = make_proposal(process, title="もうひとつの提案")
    residents = [make_user() for _ in range(5)]
    moderators = [make_user("moderator") for _ in range(2)]
    with ctx(app):
        target = services.add_comment(db.session.get(User, residents[0].id),
                                      db.session.get(Proposal, proposal.id), "通報されるコメント")
        db.session.commit()
        target_id = target.id
    barrier = threading.Barrier(len(residents) * 2 + len(moderators) + 2)
    errors = []

    def run(action):
        with ctx(app):
            try:
                barrier.wait()
                action()
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - a refusal is fine, reported below otherwise
                if "Conflict" not in type(exc).__name__ and "already" not in str(exc):
                    errors.append(repr(exc))
                db.session.rollback()
            finally:
                db.session.remove()

    def support(user_id):
        return lambda: services.support(db.session.get(User, user_id), db.session.get(Proposal, proposal.id))

    def comment(user_id):
        return lambda: services.add_comment(db.session.get(User, user_id), db.session.get(Proposal, other.id), "同時")

    def hide(moderator_id):
        return lambda: moderation.hide_content(db.session.get(User, moderator_id), "proposal_comments",
                                               target_id, "offensive")

    actions = ([support(r.id) for r in residents] + [comment(r.id) for r in residents]
               + [hide(m.id) for m in moderators] + [support(residents[0].id), hide(moderators[0].id)])
    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with app.app_context():
        incremental = snapshot(process.id)
        assert incremental == {"published": (2, 5, 5)}  # the hidden comment counted out once
        assert incremental == from_rows(process.id)
        counters.rebuild()
        assert snapshot(process.id) == incremental


# --- pages in a fixed number of queries ---------------------------------------------------------

def _count_queries(app, client, path):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
        assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return statements


def test_list_and_process_pages_do_not_grow_with_the_table(app, client, login, make_user, make_process,
                                                          make_proposal):
    process = make_process("square")
    author = make_user()
    login(make_user())
    for i in range(2):
        make_proposal(process, author, title=f"公園のはじめの提案{i}")
    paths = ["/processes/square/proposals/?sort=newest", "/processes/square/proposals/?sort=most_supported",
             "/processes/square/proposals/?sort=newest&q=公園", "/processes/square/"]
    few = [len(_count_queries(app, client, path)) for path in paths]
    random_few = len(_count_queries(app, client, "/processes/square/proposals/"))
    for i in range(29):
        make_proposal(process, author, title=f"公園の提案その{i}")
    statements = {path: _count_queries(app, client, path) for path in paths}
    assert [len(s) for s in statements.values()] == few
    # Random order: when a visitor's page wraps around the keys, one more range read and its photos'
    # eager load (at most two more statements, whatever the number of proposals).
    assert len(_count_queries(app, client, "/processes/square/proposals/")) <= random_few + 2
    # The plain list and the process page take their totals from the counters, never count(*).
    for path in ("/processes/square/proposals/?sort=newest", "/processes/square/"):
        assert not [s for s in statements[path] if re.search(r"count\(\S*proposals\.id\)", s)]
    page = client.get("/processes/square/proposals/").get_data(as_text=True)
    assert "提案31件" in page and "2ページ中1ページ目" in page


def test_detail_page_with_60_comments_and_replies_runs_fixed_queries(app, client, login, make_user,
                                                                     make_process, make_proposal):
    process = make_process()
    proposal = make_proposal(process)
    residents = [make_user() for _ in range(3)]
    login(make_user())

    def add(n):
        with ctx(app):
            for i in range(n):
                c = services.add_comment(db.session.get(User, residents[i % 3].id),
                                         db.session.get(Proposal, proposal.id), f"コメント{i}")
                if i % 20 == 0:
                    for j in range(2):
                        services.add_comment(db.session.get(User, residents[(i + j + 1) % 3].id),
                                             db.session.get(Proposal, proposal.id), f"返信{i}-{j}", parent_id=c.id)
            db.session.commit()

    add(5)
    few = len(_count_queries(app, client, f"/proposals/{proposal.id}"))
    add(55)
    many = len(_count_queries(app, client, f"/proposals/{proposal.id}"))
    assert many == few
    assert len(_count_queries(app, client, f"/proposals/{proposal.id}?comments=best&page=2")) <= few


# --- comments a page at a time ------------------------------------------------------------------

def test_comments_page_collapse_threads_and_keep_hidden_hidden(app, client, make_user, make_process,
                                                                make_proposal):
    process = make_process()
    proposal = make_proposal(process)
    residents = [make_user(display_name=f"住民{i}") for i in range(3)]
    moderator = make_user("moderator")
    with ctx(app):
        get = lambda model, id_: db.session.get(model, id_)  # noqa: E731
        ids = [services.add_comment(get(User, residents[i % 3].id), get(Proposal, proposal.id),
                                    f"意見番号{i:02d}です").id for i in range(55)]
        for j in range(5):
            services.add_comment(get(User, residents[j % 2].id), get(Proposal, proposal.id),
                                 f"返信番号{j}です", parent_id=ids[0])
        moderation.hide_content(get(User, moderator.id), "proposal_comments", ids[1], "offensive")
        services.delete_comment(get(User, residents[2].id), get(Comment, ids[2]), get(Proposal, proposal.id))
        db.session.commit()
        assert reload(Proposal, proposal.id).comments_count == 58  # 60 written, one hidden, one deleted
        assert get(Comment, ids[0]).replies_count == 5
    first = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "意見番号00です" in first and "意見番号49です" in first and "意見番号50です" not in first
    assert "意見番号01です" not in first and "意見番号02です" not in first  # hidden, deleted
    assert "このコメントは投稿者によって削除されました。" in first
    assert "返信番号2です" in first and "返信番号3です" not in first  # three replies, then a link
    assert f'href="/proposals/{proposal.id}?thread={ids[0]}#comment-{ids[0]}"' in first
    assert f'href="/proposals/{proposal.id}?page=2#comments"' in first  # works without JavaScript
    second = client.get(f"/proposals/{proposal.id}?page=2").get_data(as_text=True)
    assert "意見番号50です" in second and "意見番号54です" in second and "意見番号00です" not in second
    thread = client.get(f"/proposals/{proposal.id}?thread={ids[0]}").get_data(as_text=True)
    assert "返信番号4です" in thread and "意見番号05です" not in thread
    assert client.get(f"/proposals/{proposal.id}?page=x").status_code == 400


def test_comment_html_is_rendered_when_written_and_again_on_edit(app, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process())
    author = make_user()
    with ctx(app):
        comment = services.add_comment(db.session.get(User, author.id), db.session.get(Proposal, proposal.id),
                                       "<script>alert(1)</script> https://example.jp/")
        db.session.commit()
        assert "<script>" not in comment.body_html and "&lt;script&gt;" in comment.body_html
        assert 'href="https://example.jp/"' in comment.body_html
        services.edit_comment(db.session.get(User, author.id), comment, "直しました。")
        db.session.commit()
        assert reload(Comment, comment.id).body_html == "<p>直しました。</p>"


def test_flag_and_vote_controls_use_one_token_and_no_form_per_comment(app, client, login, make_user,
                                                                      make_process, make_proposal):
    proposal = make_proposal(make_process())
    writer = make_user()
    with ctx(app):
        for i in range(3):
            services.add_comment(db.session.get(User, writer.id), db.session.get(Proposal, proposal.id), f"意見{i}")
        db.session.commit()
    login(make_user())
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert page.count('name="target_type" value="proposal_comments"') == 3
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    assert len(tokens) == 1


def test_redirect_after_a_reply_shows_its_thread(app, client, login, make_user, make_process, make_proposal,
                                                 post_form):
    proposal = make_proposal(make_process())
    login(make_user())
    page = f"/proposals/{proposal.id}"
    response = post_form(f"/proposals/{proposal.id}/comments", {"body": "最初の意見", "alignment": "0"}, page=page)
    assert response.status_code == 302 and "comments=newest" in response.headers["Location"]
    with app.app_context():
        root = db.session.scalar(select(Comment.id))
    response = post_form(f"/proposals/{proposal.id}/comments",
                         {"body": "返信です", "alignment": "1", "parent_id": str(root)}, page=page)
    assert response.status_code == 302 and f"thread={root}" in response.headers["Location"]


# --- search -------------------------------------------------------------------------------------

@pytest.fixture
def corpus(app, make_process, make_proposal):
    process = make_process()
    texts = {
        "park": ("公園にベンチを置く", "子どもが遊ぶ場所です。"),
        "station": ("駅前の駐輪場", "朝は自転車でいっぱいです。"),
        "katakana": ("コウエンの名前", "ｺｳｴﾝと半角で書きました。"),
        "wide": ("ＷｉＦｉを図書館に", "全角の英字です。"),
        "tree": ("桜並木を守る", "春の並木道。"),
    }
    made = {key: make_proposal(process, title=title, body=body).id for key, (title, body) in texts.items()}
    return process, made


def found(app, process, q):
    with app.app_context():
        listing = queries.list_proposals(db.session.get(Process, process.id), None, q=q, per_page=50)
        return {p.id for p in listing.items}


def test_two_character_terms_use_the_index(app, corpus):
    process, made = corpus
    assert found(app, process, "公園") == {made["park"]}
    assert found(app, process, "駅前") == {made["station"]}
    assert found(app, process, "駅前 駐輪場") == {made["station"]}
    assert found(app, process, "公園 駅前") == set()
    assert found(app, process, "前駅") == set()  # order matters: a phrase of bigrams, not a bag


def test_one_character_terms(app, corpus):
    process, made = corpus
    assert found(app, process, "桜") == {made["tree"]}
    assert found(app, process, "朝") == {made["station"]}  # a character starting a run
    assert found(app, process, "所") == {made["park"]}  # the last character of a run


def test_width_and_kana_are_folded_on_both_sides(app, corpus):
    process, made = corpus
    assert found(app, process, "wifi") == {made["wide"]}  # full-width letters in the text
    assert found(app, process, "ＷＩＦＩ") == {made["wide"]}  # full-width in the query
    assert found(app, process, "こうえん") == {made["katakana"]}  # katakana and half-width kana
    assert found(app, process, "ｺｳｴﾝ") == {made["katakana"]}
    assert found(app, process, "べんち") == {made["park"]}  # hiragana finds katakana


def test_search_index_follows_edits_and_similar_proposals_are_bounded(app, corpus, make_user):
    process, made = corpus
    with app.app_context():
        proposal = db.session.get(Proposal, made["tree"])
        proposal.title = "梅の林を守る"
        db.session.commit()
        assert search.grams("駅前の公園") == ["駅前", "前の", "の公", "公園", "園"]
        similar = search.similar_proposals(db.session.get(Process, process.id), "駅前に駐輪場がほしい")
        assert [p.id for p in similar] == [made["station"]]
    assert found(app, process, "桜") == set() and found(app, process, "梅") == {made["tree"]}


def test_filtered_lists_count_at_most_the_cap_and_show_next(app, make_process, make_proposal, monkeypatch):
    process = make_process()
    for i in range(7):
        make_proposal(process, title=f"公園の提案番号{i}")
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    with app.app_context():
        current = db.session.get(Process, process.id)
        listing = queries.list_proposals(current, None, q="公園", per_page=3)
        assert listing.capped and listing.total == 5 and listing.pages is None and listing.has_next
        plain = queries.list_proposals(current, None, per_page=3)
        assert not plain.capped and plain.total == 7 and plain.pages == 3
        last = queries.list_proposals(current, None, q="公園", per_page=3, page=3)
        assert len(last.items) == 1 and not last.has_next


@pytest.mark.parametrize("sort", ["random", "most_supported", "newest"])
def test_a_common_word_lists_the_same_matches_in_the_same_order(app, make_process, make_proposal, monkeypatch,
                                                                 sort):
    """With more matches than the list counts, the matches are kept while the list's order is walked:
    the same proposals, in the same order, on the same pages, as when they are few."""
    process = make_process()
    for i in range(12):
        make_proposal(process, title=f"{'公園' if i % 3 else '駅前'}の提案番号{i}")

    def pages(cap: int) -> list[list[int]]:
        monkeypatch.setattr(queries, "COUNT_CAP", cap)
        with app.app_context():
            current = db.session.get(Process, process.id)
            return [[p.id for p in queries.list_proposals(current, None, q="公園", per_page=3, page=n,
                                                          sort=sort, seed=7).items] for n in (1, 2, 3)]

    few, many = pages(1000), pages(2)
    assert many == few
    assert sorted(i for page in many for i in page) == sorted(set(i for page in many for i in page))
    assert sum(len(page) for page in many) == 8
