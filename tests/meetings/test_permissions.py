"""Meeting predicates on their own, above all: who sees the online link, and when."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from participation.core import clock
from participation.core.models import User
from participation.extensions import db
from participation.meetings import permissions as p
from participation.meetings import registrations
from participation.meetings.models import Meeting, Registration
from participation.processes.models import Process

LINK = "https://meet.example.jp/secret-room"


@pytest.fixture
def online(make_meeting, make_process):
    process = make_process()
    return process, make_meeting(process, type="online", address=None, latitude=None, longitude=None,
                                 online_url=LINK, kind="online_seminar", starts_in=timedelta(minutes=20), capacity=1)


def _people(make_user, make_process, process):
    other = make_process()
    return {"anonymous": None, "resident": make_user(), "registered": make_user(), "waiting": make_user(),
            "facilitator_here": make_user("facilitator", process_id=process.id),
            "facilitator_other": make_user("facilitator", process_id=other.id),
            "official": make_user("official", department="roads"), "admin": make_user("admin")}


def test_who_sees_the_link_twenty_minutes_before(app, make_user, make_process, online):
    process, meeting = online
    people = _people(make_user, make_process, process)
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        registrations.register(db.session.get(User, people["registered"].id), m)
        registrations.register(db.session.get(User, people["waiting"].id), m)
        seen = {}
        for who, person in people.items():
            user = AnonymousUserMixin() if person is None else db.session.get(User, person.id)
            seen[who] = p.can_see_online_link(user, m, registrations.own_registration(user, m))
    assert seen == {"anonymous": False, "resident": False, "registered": True, "waiting": False,
                    "facilitator_here": True, "facilitator_other": False, "official": False, "admin": True}


@pytest.mark.parametrize(("minutes_before", "setting", "shown"), [
    (31, 30, False), (30, 30, True), (0, 30, True), (-119, 30, True), (-120, 30, False), (59, 60, True)])
def test_link_window(app, make_user, online, minutes_before, setting, shown):
    _process, meeting = online
    user = make_user()
    app.config["MEETING_LINK_MINUTES"] = setting
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        registration = registrations.register(db.session.get(User, user.id), m)
        clock.freeze(m.starts_at - timedelta(minutes=minutes_before))
        assert p.can_see_online_link(db.session.get(User, user.id), m, registration) is shown


def test_cancelled_or_cancelled_registration_sees_no_link(app, make_user, online):
    _process, meeting = online
    user = make_user()
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        registration = registrations.register(db.session.get(User, user.id), m)
        registrations.cancel(db.session.get(User, user.id), registration)
        assert not p.can_see_online_link(db.session.get(User, user.id), m, registration)


def test_someone_elses_registration_shows_nothing(app, make_user, online):
    _process, meeting = online
    owner, other = make_user(), make_user()
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        registration = registrations.register(db.session.get(User, owner.id), m)
        assert not p.can_see_online_link(db.session.get(User, other.id), m, registration)
        assert not p.can_view_registration(db.session.get(User, other.id), registration)


def test_meetings_of_draft_processes_are_staff_only(app, make_user, make_process, make_meeting):
    process = make_process(status="draft")
    meeting = make_meeting(process)
    facilitator, resident = make_user("facilitator", process_id=process.id), make_user()
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        assert not p.can_view_meeting(AnonymousUserMixin(), m)
        assert not p.can_view_meeting(db.session.get(User, resident.id), m)
        assert p.can_view_meeting(db.session.get(User, facilitator.id), m)


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", False), ("resident", False), ("official", False), ("facilitator_here", True),
    ("facilitator_other", False), ("facilitator_all", True), ("admin", True)])
def test_manage(app, make_user, make_process, make_meeting, who, expected):
    process, other = make_process(), make_process()
    meeting = make_meeting(process)
    person = {"anonymous": lambda: None, "resident": lambda: make_user(),
              "official": lambda: make_user("official", department="roads"),
              "facilitator_here": lambda: make_user("facilitator", process_id=process.id),
              "facilitator_other": lambda: make_user("facilitator", process_id=other.id),
              "facilitator_all": lambda: make_user("facilitator"), "admin": lambda: make_user("admin")}[who]()
    with app.app_context():
        user = AnonymousUserMixin() if person is None else db.session.get(User, person.id)
        assert p.can_manage_meeting(user, db.session.get(Meeting, meeting.id)) is expected
        assert p.can_create_meeting(user, db.session.get(Process, process.id)) is expected


def test_cannot_cancel_after_check_in(app, make_user, make_meeting):
    meeting, user = make_meeting(), make_user()
    with app.app_context():
        registration = registrations.register(db.session.get(User, user.id), db.session.get(Meeting, meeting.id))
        registration.checked_in_at = clock.now()
        assert not p.can_cancel_registration(db.session.get(User, user.id), registration)
        assert isinstance(registration, Registration)
