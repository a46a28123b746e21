"""Registering, the waiting list, promotion on cancel, check-in by code: the services directly."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.core import clock
from participation.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from participation.core.models import Notification, User
from participation.extensions import db
from participation.meetings import registrations
from participation.meetings.models import CODE_ALPHABET, CODE_LENGTH, Meeting, Registration


def _get(model, id_):
    return db.session.get(model, id_)


@pytest.fixture
def organiser(make_user):
    return make_user("facilitator")


def test_register_until_full_then_waiting_list(app, make_user, make_meeting):
    meeting = make_meeting(capacity=2)
    people = [make_user() for _ in range(4)]
    with app.app_context():
        m = _get(Meeting, meeting.id)
        statuses = [registrations.register(_get(User, p.id), m).status for p in people]
        assert statuses == ["registered", "registered", "waiting", "waiting"]
        assert (m.registered_count, m.waiting_count) == (2, 2)
        last = db.session.scalar(select(Registration).where(Registration.user_id == people[3].id))
        assert registrations.waiting_position(last) == 2


def test_no_capacity_means_everyone_registers(app, make_user, make_meeting):
    meeting = make_meeting(capacity=None)
    with app.app_context():
        m = _get(Meeting, meeting.id)
        for _ in range(3):
            assert registrations.register(_get(User, make_user().id), m).status == "registered"
        assert m.registered_count == 3


def test_double_registration_is_a_conflict(app, make_user, make_meeting):
    meeting, user = make_meeting(), make_user()
    with app.app_context():
        registrations.register(_get(User, user.id), _get(Meeting, meeting.id))
        with pytest.raises(Conflict):
            registrations.register(_get(User, user.id), _get(Meeting, meeting.id))
        assert _get(Meeting, meeting.id).registered_count == 1


def test_cancel_promotes_the_first_waiting_and_notifies_them(app, make_user, make_meeting):
    meeting = make_meeting(capacity=1)
    first, second, third = make_user(), make_user(), make_user()
    with app.app_context():
        m = _get(Meeting, meeting.id)
        own = registrations.register(_get(User, first.id), m)
        registrations.register(_get(User, second.id), m)
        registrations.register(_get(User, third.id), m)
        registrations.cancel(_get(User, first.id), own)
        rows = {r.user_id: r.status for r in db.session.scalars(select(Registration))}
        assert rows == {first.id: "cancelled", second.id: "registered", third.id: "waiting"}
        assert (m.registered_count, m.waiting_count) == (1, 1)
        notes = db.session.scalars(select(Notification).where(Notification.kind == "meeting.promoted")).all()
        assert [n.user_id for n in notes] == [second.id]


def test_cancelling_a_waiting_place_promotes_nobody(app, make_user, make_meeting):
    meeting = make_meeting(capacity=1)
    a, b = make_user(), make_user()
    with app.app_context():
        m = _get(Meeting, meeting.id)
        registrations.register(_get(User, a.id), m)
        waiting = registrations.register(_get(User, b.id), m)
        registrations.cancel(_get(User, b.id), waiting)
        assert (m.registered_count, m.waiting_count) == (1, 0)


def test_cancel_twice_and_other_peoples_registrations_are_refused(app, make_user, make_meeting):
    meeting, owner, other = make_meeting(), make_user(), make_user()
    with app.app_context():
        registration = registrations.register(_get(User, owner.id), _get(Meeting, meeting.id))
        with pytest.raises(Conflict):
            registrations.cancel(_get(User, other.id), registration)
        registrations.cancel(_get(User, owner.id), registration)
        with pytest.raises(Conflict):
            registrations.cancel(_get(User, owner.id), registration)


def test_register_again_after_cancelling_queues_anew_with_a_new_code(app, make_user, make_meeting):
    meeting, user = make_meeting(capacity=5), make_user()
    with app.app_context():
        m = _get(Meeting, meeting.id)
        registration = registrations.register(_get(User, user.id), m)
        old_code = registration.code
        registrations.cancel(_get(User, user.id), registration)
        again = registrations.register(_get(User, user.id), m)
        assert again.id == registration.id and again.status == "registered" and again.code != old_code


@pytest.mark.parametrize("fields", [
    {"registration_enabled": False},
    {"state": "cancelled", "cancelled_reason": "雨天"},
    {"registration_closes_at": clock.now() - timedelta(hours=1)},
    {"registration_opens_at": clock.now() + timedelta(days=1)},
])
def test_closed_registration_is_refused(app, make_user, make_meeting, fields):
    meeting, user = make_meeting(**fields), make_user()
    with app.app_context(), pytest.raises(PermissionDenied):
        registrations.register(_get(User, user.id), _get(Meeting, meeting.id))


def test_past_meetings_take_no_registration(app, make_user, make_meeting):
    meeting, user = make_meeting(starts_in=-timedelta(hours=3)), make_user()
    with app.app_context(), pytest.raises(PermissionDenied):
        registrations.register(_get(User, user.id), _get(Meeting, meeting.id))


def test_blocked_residents_cannot_register(app, make_user, make_meeting):
    meeting, user = make_meeting(), make_user()
    with app.app_context():
        blocked = _get(User, user.id)
        blocked.blocked_at, blocked.blocked_reason = clock.now(), "spam"
        with pytest.raises(PermissionDenied):
            registrations.register(blocked, _get(Meeting, meeting.id))


def test_codes_are_long_random_and_unique(app, make_user, make_meeting):
    meeting = make_meeting()
    with app.app_context():
        m = _get(Meeting, meeting.id)
        codes = [registrations.register(_get(User, make_user().id), m).code for _ in range(20)]
    assert len(set(codes)) == 20
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)


def test_check_in_by_code_works_once(app, make_user, make_meeting, organiser):
    meeting, user = make_meeting(), make_user()
    with app.app_context():
        m = _get(Meeting, meeting.id)
        registration = registrations.register(_get(User, user.id), m)
        typed = registration.display_code.lower().replace("-", " ")  # as someone types it
        registrations.check_in(_get(User, organiser.id), m, typed)
        assert registration.checked_in_at is not None
        with pytest.raises(Conflict):
            registrations.check_in(_get(User, organiser.id), m, registration.code)


def test_check_in_refuses_unknown_codes_other_meetings_and_residents(app, make_user, make_meeting, organiser):
    meeting, other_meeting, user = make_meeting(), make_meeting(), make_user()
    with app.app_context():
        registration = registrations.register(_get(User, user.id), _get(Meeting, meeting.id))
        with pytest.raises(NotFound):
            registrations.check_in(_get(User, organiser.id), _get(Meeting, meeting.id), "AAAA-BBBB-CCCC")
        with pytest.raises(NotFound):  # a code is valid for its own meeting only
            registrations.check_in(_get(User, organiser.id), _get(Meeting, other_meeting.id), registration.code)
        with pytest.raises(PermissionDenied):
            registrations.check_in(_get(User, user.id), _get(Meeting, meeting.id), registration.code)


def test_waiting_people_cannot_check_in(app, make_user, make_meeting, organiser):
    meeting = make_meeting(capacity=1)
    a, b = make_user(), make_user()
    with app.app_context():
        m = _get(Meeting, meeting.id)
        registrations.register(_get(User, a.id), m)
        waiting = registrations.register(_get(User, b.id), m)
        with pytest.raises(Conflict):
            registrations.check_in(_get(User, organiser.id), m, waiting.code)


# --- registration questions (the survey question types and rules) -------------------------------

@pytest.fixture
def asking(app, make_user, make_meeting):
    """A meeting asking how many come (required, short text) and what support they need (choices)."""
    from participation.meetings import services

    meeting, admin = make_meeting(capacity=10), make_user("admin")
    with app.app_context():
        m, actor = db.session.get(Meeting, meeting.id), db.session.get(User, admin.id)
        people = services.add_question(actor, m, {"kind": "short_text", "text": {"ja": "参加人数"}, "required": True})
        needs = services.add_question(actor, m, {"kind": "multiple_choice", "text": {"ja": "必要な配慮"},
                                                 "choices": [{"ja": "手話通訳"}, {"ja": "託児"}, {"ja": "車いす席"}],
                                                 "max_choices": 2})
        db.session.commit()
        return meeting, people.id, needs.id


def test_answers_are_checked_by_the_survey_rules_and_stored(app, make_user, asking):
    from participation.surveys.answering import AnswerErrors

    meeting, people, needs = asking
    user = make_user()
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        with pytest.raises(AnswerErrors) as refused:
            registrations.register(db.session.get(User, user.id), m, {people: "", needs: ["1", "2", "3"]})
        assert set(refused.value.errors) == {people, needs}
        with pytest.raises(InvalidInput):  # answers to another meeting's (or survey's) questions
            registrations.register(db.session.get(User, user.id), m, {people: "2", 999999: "x"})
        assert m.registered_count == 0
        registration = registrations.register(db.session.get(User, user.id), m, {people: " 2人 ", needs: ["2"]})
        assert registration.answers == {str(people): {"text": "2人"}, str(needs): {"choices": [2]}}


def test_question_builder_refuses_bad_questions(app, make_user, make_meeting):
    from participation.meetings import services

    meeting, admin, resident = make_meeting(), make_user("admin"), make_user()
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        for data, field in [({"kind": "ranking", "text": {"ja": "順位"}}, "kind"),
                            ({"kind": "short_text", "text": {"ja": ""}}, "text_ja"),
                            ({"kind": "single_choice", "text": {"ja": "一つ"}, "choices": [{"ja": "A"}]}, "choices")]:
            with pytest.raises(InvalidInput) as refused:
                services.add_question(db.session.get(User, admin.id), m, data)
            assert refused.value.field == field
        with pytest.raises(PermissionDenied):
            services.add_question(db.session.get(User, resident.id), m, {"kind": "short_text", "text": {"ja": "x"}})
        with pytest.raises(NotFound):
            services.delete_question(db.session.get(User, admin.id), m, 424242)
