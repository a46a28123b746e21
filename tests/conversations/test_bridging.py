"""Broad support: comments liked across the divide first; proposals supported across opinion groups first."""
from __future__ import annotations

from participation.conversations import analysis, services
from participation.conversations.models import Conversation
from participation.core.models import User
from participation.extensions import db
from participation.processes.models import Process
from participation.proposals import queries as proposal_queries
from participation.proposals import services as proposal_services
from participation.proposals.models import Comment, Proposal


def test_comments_liked_by_both_camps_come_first(app, make_user, make_process):
    process = make_process()
    author = make_user()
    camp_a, camp_b = [make_user() for _ in range(10)], [make_user() for _ in range(4)]
    with app.test_request_context("/"):
        proposal = proposal_services.submit_proposal(db.session.get(Process, process.id),
                                                     db.session.get(User, author.id),
                                                     {"title": "駅前に木陰を増やす", "body": "夏の日差しが強いです。"})
        writer = db.session.get(User, author.id)
        one_side = proposal_services.add_comment(writer, proposal, "車線を減らして広場にすべきだ")
        other_side = proposal_services.add_comment(writer, proposal, "車線は絶対に減らすべきではない")
        bridge = proposal_services.add_comment(writer, proposal, "まず日陰のベンチを置くのはどうか")
        for camp, liked, disliked in ((camp_a, one_side, other_side), (camp_b, other_side, one_side)):
            for person in camp:
                voter = db.session.get(User, person.id)
                proposal_services.vote_comment(voter, liked, 1)
                proposal_services.vote_comment(voter, disliked, -1)
        for person in camp_a[:3] + camp_b[:2]:  # fewer likes, but from both camps
            proposal_services.vote_comment(db.session.get(User, person.id), bridge, 1)
        db.session.commit()
        current = db.session.get(Proposal, proposal.id)
        assert db.session.get(Comment, one_side.id).score > db.session.get(Comment, bridge.id).score
        best = [c.id for c, _depth in proposal_queries.comment_tree(current, "best")]
        assert best[0] == one_side.id  # the bigger camp's favourite wins on net score
        ordered = [c.id for c, _depth in proposal_queries.comment_tree(current, "bridging")]
        assert ordered[0] == bridge.id  # broad support puts the comment both camps like first
        assert set(ordered) == {one_side.id, other_side.id, bridge.id}


def test_proposals_supported_across_groups_rank_first(app, make_user, make_process, make_conversation):
    process = make_process()
    cid, sids, _ = make_conversation(process=process, statements=9)
    people = [make_user() for _ in range(20)]
    author = make_user()
    with app.test_request_context("/"):
        for n, person in enumerate(people):  # two camps on the conversation's statements
            for j, sid in enumerate(sids):
                agree = (j < 4) == (n % 2 == 0)
                services.cast_vote(db.session.get(Conversation, cid), db.session.get(User, person.id), sid,
                                   "agree" if agree else "disagree")
        analysis.recompute(db.session.get(Conversation, cid))
        proc = db.session.get(Process, process.id)
        writer = db.session.get(User, author.id)
        popular_one_side = proposal_services.submit_proposal(proc, writer, {"title": "片方だけが応援する提案",
                                                                           "body": "説明です。"})
        broad = proposal_services.submit_proposal(proc, writer, {"title": "両方が応援する提案", "body": "説明です。"})
        for n, person in enumerate(people):
            supporter = db.session.get(User, person.id)
            if n % 2 == 0:
                proposal_services.support(supporter, popular_one_side)
            if n % 4 == 0 or n % 4 == 1:
                proposal_services.support(supporter, broad)
        db.session.commit()
        assert popular_one_side.supports_count == 10 and broad.supports_count == 10
        listing = proposal_queries.list_proposals(proc, None, sort="broad")
        assert [p.id for p in listing.items][:2] == [broad.id, popular_one_side.id]


def test_broad_support_order_is_offered_only_with_opinion_groups(app, client, make_process):
    process = make_process()
    html = client.get(f"/processes/{process.slug}/proposals/").get_data(as_text=True)
    assert "幅広い支持" not in html
    listing_page = client.get(f"/processes/{process.slug}/proposals/?sort=broad")
    assert listing_page.status_code == 200  # falls back to the nearest order
