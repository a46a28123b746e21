"""Street issue predicates, each on its own: every kind of user that matters, and the issue states.

The predicates are pure: the issues here are never stored, only the users are (for their roles).
"""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from participation.core import clock
from participation.issues import permissions as p
from participation.issues.models import Issue, Status

EVERYONE = ("anonymous", "resident", "blocked", "reporter", "official_here", "official_other",
            "facilitator_process", "facilitator_all", "moderator_process", "moderator_all", "admin")
SIGNED_IN = set(EVERYONE) - {"anonymous"}
HANDLERS = {"official_here", "admin"}  # officials of the responsible department, and admins


@pytest.fixture
def departments(app):
    """Two departments: the one an issue is routed to ("here") and another one."""
    from participation.core.models import Department
    from participation.extensions import db

    with app.app_context():
        here = Department(code="roads", name={"ja": "道路課", "en": "Roads"})
        other = Department(code="parks", name={"ja": "公園課", "en": "Parks"})
        db.session.add_all([here, other])
        db.session.commit()
        return {"here": here.id, "other": other.id}


@pytest.fixture
def person(make_user, make_process, departments):
    """person(who) -> that kind of user (only the one a case needs is created)."""

    def factory(who: str):
        if who == "anonymous":
            return AnonymousUserMixin()
        if who == "blocked":
            user = make_user()
            user.blocked_at, user.blocked_reason = clock.now(), "test"
            return user
        return {
            "resident": lambda: make_user(),
            "reporter": lambda: make_user(),
            "official_here": lambda: make_user("official", department="roads"),
            "official_other": lambda: make_user("official", department="parks"),
            "facilitator_process": lambda: make_user("facilitator", process_id=make_process().id),
            "facilitator_all": lambda: make_user("facilitator"),
            "moderator_process": lambda: make_user("moderator", process_id=make_process().id),
            "moderator_all": lambda: make_user("moderator"),
            "admin": lambda: make_user("admin"),
        }[who]()

    return factory


@pytest.fixture
def issue_for(departments):
    """issue_for(user, who, status=OPEN, hidden=False, show_name=False) -> an unsaved Issue of the
    department "here", reported by `user` when `who` is "reporter", else by somebody else."""

    def factory(user, who: str, *, status: Status = Status.OPEN, hidden: bool = False,
                show_name: bool = False, reporter_known: bool = True) -> Issue:
        reporter_id = user.id if who == "reporter" else 999_999
        return Issue(id=1, category_id=1, department_id=departments["here"], title="道路に穴",
                     latitude=35.658, longitude=139.7016, status=status, show_name=show_name,
                     reporter_id=reporter_id if reporter_known else None,
                     hidden_at=clock.now() if hidden else None)

    return factory


def test_there_is_a_case_for_every_predicate():
    predicates = {name for name in dir(p)
                  if name.startswith("can_") and getattr(p, name).__module__ == p.__name__}
    assert predicates == {"can_report_issue", "can_manage_issue", "can_read_issue", "can_me_too",
                          "can_update_issue", "can_mark_fixed", "can_suggest_fixed", "can_reopen_issue",
                          "can_see_reporter", "can_see_reporter_contact", "can_be_assigned",
                          "can_assign_issue", "can_read_issue_notes", "can_add_issue_note",
                          "can_triage", "can_triage_department", "can_manage_templates", "can_administer_issues"}


@pytest.mark.parametrize("who", EVERYONE)
def test_can_report_issue(person, who):
    # A blocked resident passes the predicate; posting is refused by core.services.ensure_can_post.
    assert p.can_report_issue(person(who)) is (who in SIGNED_IN)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_manage_issue(person, issue_for, who):
    user = person(who)
    assert p.can_manage_issue(user, issue_for(user, who)) is (who in HANDLERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_read_issue(person, issue_for, who):
    user = person(who)
    assert p.can_read_issue(user, issue_for(user, who)) is True
    # Hidden: moderators of everything (admins too) and the responsible officials, not the reporter.
    assert p.can_read_issue(user, issue_for(user, who, hidden=True)) is (
        who in {"moderator_all", "official_here", "admin"})


@pytest.mark.parametrize("who", EVERYONE)
def test_can_me_too(person, issue_for, who):
    user = person(who)
    assert p.can_me_too(user, issue_for(user, who)) is (who in SIGNED_IN - {"reporter"})
    assert p.can_me_too(user, issue_for(user, who, status=Status.IN_PROGRESS)) is (
        who in SIGNED_IN - {"reporter"})
    for closed in (Status.FIXED, Status.FIXED_BY_REPORTER, Status.UNABLE_TO_FIX, Status.DUPLICATE):
        assert p.can_me_too(user, issue_for(user, who, status=closed)) is False


@pytest.mark.parametrize("who", EVERYONE)
def test_can_update_issue(person, issue_for, who):
    user = person(who)
    for status in (Status.OPEN, Status.FIXED, Status.NOT_RESPONSIBLE):
        assert p.can_update_issue(user, issue_for(user, who, status=status)) is (who in SIGNED_IN)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_mark_fixed(person, issue_for, who):
    user = person(who)
    # Issue 11: only the reporter and the officials who handle it close a report directly.
    closes = who in {"reporter", "official_here", "admin"}
    assert p.can_mark_fixed(user, issue_for(user, who)) is closes
    assert p.can_mark_fixed(user, issue_for(user, who, status=Status.ACTION_SCHEDULED)) is closes
    assert p.can_suggest_fixed(user, issue_for(user, who)) is (who in SIGNED_IN and not closes)
    assert p.can_mark_fixed(user, issue_for(user, who, status=Status.FIXED)) is False
    assert p.can_mark_fixed(user, issue_for(user, who, status=Status.UNABLE_TO_FIX)) is False


@pytest.mark.parametrize("who", EVERYONE)
def test_can_reopen_issue(person, issue_for, who):
    user = person(who)
    for done in (Status.FIXED, Status.FIXED_BY_REPORTER, Status.NOT_RESPONSIBLE, Status.DUPLICATE):
        assert p.can_reopen_issue(user, issue_for(user, who, status=done)) is (who == "reporter")
    assert p.can_reopen_issue(user, issue_for(user, who, status=Status.OPEN)) is False
    assert p.can_reopen_issue(user, issue_for(user, who, status=Status.FIXED, reporter_known=False)) is False


@pytest.mark.parametrize("who", EVERYONE)
def test_can_see_reporter(person, issue_for, who):
    user = person(who)
    assert p.can_see_reporter(user, issue_for(user, who, show_name=True))
    assert bool(p.can_see_reporter(user, issue_for(user, who))) is (who in HANDLERS)
    # The contact details (name and e-mail) whatever the reporter chose: the responsible department only.
    assert p.can_see_reporter_contact(user, issue_for(user, who, show_name=True)) is (who in HANDLERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_assigning_and_internal_notes(person, issue_for, who):
    user = person(who)
    issue = issue_for(user, who)
    assert p.can_be_assigned(user, issue) is (who == "official_here")  # an admin is no member
    assert p.can_assign_issue(user, issue, user) is (who == "official_here")
    assert p.can_add_issue_note(user, issue) is (who in HANDLERS)
    assert p.can_read_issue_notes(user, issue) is (who in {"official_here", "official_other", "admin"})


@pytest.mark.parametrize("who", EVERYONE)
def test_can_triage(person, who):
    assert p.can_triage(person(who)) is (who in {"official_here", "official_other", "admin"})


@pytest.mark.parametrize("who", EVERYONE)
def test_can_triage_department_and_manage_templates(person, departments, who):
    user = person(who)
    assert p.can_triage_department(user, departments["here"]) is (who in HANDLERS)
    assert p.can_manage_templates(user, departments["here"]) is (who in HANDLERS)
    assert p.can_triage_department(user, departments["other"]) is (who in {"official_other", "admin"})
    assert p.can_manage_templates(user, departments["other"]) is (who in {"official_other", "admin"})


def test_reporter_and_open_helpers(person, issue_for):
    reporter, resident = person("reporter"), person("resident")
    issue = issue_for(reporter, "reporter")
    assert p.is_reporter(reporter, issue) and not p.is_reporter(resident, issue)
    assert not p.is_reporter(AnonymousUserMixin(), issue) and not p.is_reporter(None, issue)
    assert p.is_open(issue) and not p.is_open(issue_for(reporter, "reporter", status=Status.FIXED))
