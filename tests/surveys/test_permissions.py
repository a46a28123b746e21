"""Survey predicates, each on its own: every kind of user that matters, and the survey states."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from participation.core import clock
from participation.surveys import permissions as p
from participation.surveys.models import Survey

EVERYONE = ("anonymous", "resident", "blocked", "official", "facilitator_here", "facilitator_other",
            "facilitator_all", "moderator_here", "moderator_all", "admin")
MANAGERS = {"facilitator_here", "facilitator_all", "admin"}


@pytest.fixture
def processes(make_process):
    return {"here": make_process(), "draft": make_process(status="draft")}


@pytest.fixture
def person(make_user, make_process, processes):
    """person(who) -> that kind of user (only the one a case needs is created)."""
    here = processes["here"].id

    def factory(who: str):
        if who == "anonymous":
            return AnonymousUserMixin()
        if who == "blocked":
            user = make_user()
            user.blocked_at, user.blocked_reason = clock.now(), "test"
            return user
        return {
            "resident": lambda: make_user(),
            "official": lambda: make_user("official", department="roads"),
            "facilitator_here": lambda: make_user("facilitator", process_id=here),
            "facilitator_other": lambda: make_user("facilitator", process_id=make_process().id),
            "facilitator_all": lambda: make_user("facilitator"),
            "moderator_here": lambda: make_user("moderator", process_id=here),
            "moderator_all": lambda: make_user("moderator"),
            "admin": lambda: make_user("admin"),
        }[who]()

    return factory


def survey_in(process, *, results: bool = False, free_text: bool = False) -> Survey:
    return Survey(process=process, process_id=process.id, title={"ja": "調査"},
                  results_published=results, free_text_published=free_text)


def test_there_is_a_case_for_every_predicate():
    predicates = {name for name in dir(p)
                  if name.startswith("can_") and getattr(p, name).__module__ == p.__name__}
    assert predicates == {"can_manage_survey", "can_view_survey", "can_view_results", "can_view_free_text",
                          "can_export_survey"}


@pytest.mark.parametrize("who", EVERYONE)
def test_can_manage_survey(person, processes, who):
    """Build, edit, publish: facilitators of this process (or of all) and admins."""
    assert p.can_manage_survey(person(who), processes["here"]) is (who in MANAGERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_export_survey(person, processes, who):
    assert p.can_export_survey(person(who), survey_in(processes["here"], results=True)) is (who in MANAGERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_can_view_survey_of_a_published_process(person, processes, who):
    assert p.can_view_survey(person(who), survey_in(processes["here"])) is True


@pytest.mark.parametrize("who", EVERYONE)
def test_can_view_survey_of_a_draft_process(person, processes, who):
    """A draft process is for its staff only; its surveys too."""
    expected = who in {"facilitator_all", "admin"}  # facilitator_here facilitates another process
    assert p.can_view_survey(person(who), survey_in(processes["draft"])) is expected


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("published", [False, True])
def test_can_view_results(person, processes, who, published):
    survey = survey_in(processes["here"], results=published)
    assert p.can_view_results(person(who), survey) is (published or who in MANAGERS)


@pytest.mark.parametrize("who", EVERYONE)
def test_published_results_of_a_draft_process_stay_with_its_staff(person, processes, who):
    survey = survey_in(processes["draft"], results=True)
    assert p.can_view_results(person(who), survey) is (who in {"facilitator_all", "admin"})


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize(
    ("results", "free_text", "public"),
    [(False, False, False), (True, False, False), (True, True, True),
     (False, True, False)],  # free text is never public while the results are not
)
def test_can_view_free_text(person, processes, who, results, free_text, public):
    survey = survey_in(processes["here"], results=results, free_text=free_text)
    assert p.can_view_free_text(person(who), survey) is (public or who in MANAGERS)
