"""Proposal predicates, each on its own: every kind of user that matters, and the states that matter.

The predicates are pure functions of (user, object): the proposals and comments here are built in
memory, never stored.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from participation.core import clock
from participation.proposals import permissions as p
from participation.proposals.models import Comment, Proposal, State

EVERYONE = ("anonymous", "resident", "blocked", "author", "blocked_author", "official", "official_other",
            "facilitator_here", "facilitator_other", "facilitator_all", "moderator_here", "moderator_other",
            "moderator_all", "admin")
SIGNED_IN = set(EVERYONE) - {"anonymous"}
AUTHORS = {"author", "blocked_author"}
ANSWERERS = {"official", "official_other", "facilitator_here", "facilitator_all", "admin"}
PUBLISHERS = {"facilitator_here", "facilitator_all", "admin"}
HIDDEN_READERS = {"moderator_here", "moderator_all", "admin"}


@pytest.fixture
def processes(make_process):
    return {"here": make_process(), "other": make_process()}


@pytest.fixture
def people(make_user, processes):
    """people(who) -> that kind of user; the author (and the blocked author) wrote `proposal`."""
    here, other = processes["here"].id, processes["other"].id
    made: dict[str, object] = {}

    def blocked(user):
        user.blocked_at, user.blocked_reason = clock.now(), "test"
        return user

    makers = {
        "resident": lambda: make_user(),
        "blocked": lambda: blocked(make_user()),
        "author": lambda: make_user(),
        "blocked_author": lambda: blocked(make_user()),
        "official": lambda: make_user("official", department="roads"),
        "official_other": lambda: make_user("official", department="parks"),
        "facilitator_here": lambda: make_user("facilitator", process_id=here),
        "facilitator_other": lambda: make_user("facilitator", process_id=other),
        "facilitator_all": lambda: make_user("facilitator"),
        "moderator_here": lambda: make_user("moderator", process_id=here),
        "moderator_other": lambda: make_user("moderator", process_id=other),
        "moderator_all": lambda: make_user("moderator"),
        "admin": lambda: make_user("admin"),
    }

    def factory(who: str):
        if who == "anonymous":
            return AnonymousUserMixin()
        if who not in made:
            made[who] = makers[who]()
        return made[who]

    return factory


@pytest.fixture
def proposal(processes, people):
    """proposal(who, **fields) -> an unsaved proposal in the "here" process, written by `who` when
    `who` is an author kind, else by the plain author; fresh, published, unsupported."""

    def factory(who: str = "author", **fields) -> Proposal:
        writer = people(who if who in AUTHORS else "author")
        values = dict(id=1, process_id=processes["here"].id, author_id=writer.id, title="駅前に木陰を",
                      body="ベンチがほしい", state=State.PUBLISHED, supports_count=0, comments_count=0,
                      created_at=clock.now(), hidden_at=None)
        return Proposal(**{**values, **fields})

    return factory


@pytest.fixture
def comment(people):
    """comment(who, **fields) -> an unsaved comment written by `who` (an author kind) or the author."""

    def factory(who: str = "author", **fields) -> Comment:
        writer = people(who if who in AUTHORS else "author")
        values = dict(id=1, proposal_id=1, author_id=writer.id, depth=1, body="賛成です", alignment=1,
                      upvotes=0, downvotes=0, created_at=clock.now(), deleted_at=None, hidden_at=None)
        return Comment(**{**values, **fields})

    return factory


def test_there_is_a_case_for_every_predicate():
    predicates = {name for name in dir(p)
                  if name.startswith("can_") and getattr(p, name).__module__ == p.__name__}
    assert predicates == {
        "can_read_proposal", "can_create_proposal", "can_edit_proposal", "can_withdraw_proposal",
        "can_support_proposal", "can_answer_proposal", "can_publish_answers", "can_view_held_answers",
        "can_comment_proposal", "can_edit_comment", "can_delete_comment", "can_vote_comment"}


# --- helpers the predicates are made of ---------------------------------------------------------

@pytest.mark.parametrize("who", EVERYONE)
def test_is_author(app, people, proposal, who):
    assert p.is_author(people(who), proposal(who)) is (who in AUTHORS)


def test_an_anonymised_comment_has_no_author(app, people, comment):
    assert p.is_author(people("author"), comment(author_id=None)) is False
    assert p.is_author(AnonymousUserMixin(), comment(author_id=None)) is False
    assert p.is_author(None, comment()) is False


@pytest.mark.parametrize(("minutes", "setting", "expected"), [
    (0, None, True), (15, None, True), (16, None, False), (29, 30, True), (31, 30, False)])
def test_edit_window_follows_the_setting(app, proposal, minutes, setting, expected):
    if setting is not None:
        app.config["PROPOSAL_EDIT_MINUTES"] = setting
    now = clock.now()
    clock.freeze(now)  # the window's edge is exact
    with app.app_context():
        assert p.edit_window_open(proposal(created_at=now - timedelta(minutes=minutes))) is expected


# --- proposals ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", EVERYONE)
def test_can_read_a_visible_proposal(people, proposal, who):
    assert p.can_read_proposal(people(who), proposal()) is True


@pytest.mark.parametrize("who", EVERYONE)
def test_can_read_a_hidden_proposal(people, proposal, who):
    """Hidden means hidden everywhere, its author included; moderators of the process see it, to decide."""
    hidden = proposal(who, hidden_at=clock.now())
    assert p.can_read_proposal(people(who), hidden) is (who in HIDDEN_READERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_create_proposal(people, processes, who):
    """Any signed-in user; the phase and the block are the services' checks (Capability, ensure_can_post)."""
    assert p.can_create_proposal(people(who), processes["here"]) is (who in SIGNED_IN)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_edit_a_fresh_proposal(app, people, proposal, who):
    with app.app_context():
        assert p.can_edit_proposal(people(who), proposal(who)) is (who in AUTHORS)


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, True),
    ({"supports_count": 1}, False),
    ({"comments_count": 1}, False),
    ({"state": State.EVALUATING}, False),
    ({"state": State.ACCEPTED}, False),
    ({"state": State.WITHDRAWN}, False),
    ({"created_at_minutes_ago": 16}, False),
])
def test_author_edits_only_a_fresh_untouched_published_proposal(app, people, proposal, fields, expected):
    minutes = fields.get("created_at_minutes_ago", 0)
    fields = {k: v for k, v in fields.items() if k != "created_at_minutes_ago"}
    with app.app_context():
        target = proposal(created_at=clock.now() - timedelta(minutes=minutes), **fields)
        assert p.can_edit_proposal(people("author"), target) is expected


@pytest.mark.parametrize("who", EVERYONE)
def test_can_withdraw_proposal(people, proposal, who):
    assert p.can_withdraw_proposal(people(who), proposal(who)) is (who in AUTHORS)


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, True),
    ({"comments_count": 3, "created_at": clock.now() - timedelta(days=30)}, True),  # comments and age: fine
    ({"supports_count": 1}, False),
    ({"state": State.EVALUATING}, False),
    ({"state": State.REJECTED}, False),
    ({"state": State.WITHDRAWN}, False),
])
def test_author_withdraws_only_an_unanswered_unsupported_proposal(people, proposal, fields, expected):
    assert p.can_withdraw_proposal(people("author"), proposal(**fields)) is expected


@pytest.mark.parametrize("who", EVERYONE)
def test_can_support_proposal(people, proposal, who):
    """Anyone signed in but the author (blocked users too: supporting is not posting)."""
    assert p.can_support_proposal(people(who), proposal(who)) is (who in SIGNED_IN - AUTHORS)


@pytest.mark.parametrize(("state", "expected"), [
    (State.PUBLISHED, True), (State.EVALUATING, True), (State.ACCEPTED, True),
    (State.REJECTED, False), (State.WITHDRAWN, False)])
def test_supports_by_state(people, proposal, state, expected):
    assert p.can_support_proposal(people("resident"), proposal(state=state)) is expected


@pytest.mark.parametrize("who", EVERYONE)
def test_can_answer_proposal(people, proposal, who):
    """Officials of any department, facilitators of this process (or of all) and admins."""
    assert p.can_answer_proposal(people(who), proposal()) is (who in ANSWERERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_view_held_answers(people, proposal, who):
    """Whoever may answer sees the answers held for a facilitator; nobody else."""
    assert p.can_view_held_answers(people(who), proposal()) is (who in ANSWERERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_publish_answers(people, processes, who):
    """Facilitators of this process (or of all) and admins; not officials."""
    assert p.can_publish_answers(people(who), processes["here"]) is (who in PUBLISHERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_comment_proposal(people, proposal, who):
    """Anyone signed in (the block and the phase are the services' checks)."""
    assert p.can_comment_proposal(people(who), proposal()) is (who in SIGNED_IN)


@pytest.mark.parametrize("who", EVERYONE)
def test_nobody_comments_a_withdrawn_proposal(people, proposal, who):
    assert p.can_comment_proposal(people(who), proposal(state=State.WITHDRAWN)) is False


# --- comments -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", EVERYONE)
def test_can_edit_comment(people, comment, who):
    assert p.can_edit_comment(people(who), comment(who)) is (who in AUTHORS)


@pytest.mark.parametrize(("fields", "expected"), [
    ({}, True),
    ({"created_at": clock.now() - timedelta(minutes=p.COMMENT_EDIT_MINUTES + 1)}, False),
    ({"deleted_at": clock.now()}, False),
])
def test_author_edits_a_comment_only_for_a_while(people, comment, fields, expected):
    fields = {"created_at": clock.now(), **fields}
    assert p.can_edit_comment(people("author"), comment(**fields)) is expected


@pytest.mark.parametrize("who", EVERYONE)
def test_can_delete_comment(people, comment, who):
    """Only the author, at any time (moderators hide, they never delete)."""
    assert p.can_delete_comment(people(who), comment(who, created_at=clock.now() - timedelta(days=30))) \
        is (who in AUTHORS)


@pytest.mark.parametrize("who", EVERYONE)
def test_a_deleted_comment_cannot_be_deleted_again(people, comment, who):
    assert p.can_delete_comment(people(who), comment(who, deleted_at=clock.now())) is False


@pytest.mark.parametrize("who", EVERYONE)
def test_can_vote_comment(people, comment, who):
    """Anyone signed in but its author."""
    assert p.can_vote_comment(people(who), comment(who)) is (who in SIGNED_IN - AUTHORS)


@pytest.mark.parametrize("who", EVERYONE)
def test_nobody_votes_on_a_deleted_comment(people, comment, who):
    assert p.can_vote_comment(people(who), comment(deleted_at=clock.now(), author_id=None)) is False
