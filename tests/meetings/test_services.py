"""Organisers' commands: create, edit (registrants told), cancel (everyone told), minutes, proposals, reminders."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from participation.core import clock
from participation.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from participation.core.models import AuditLog, Notification, User
from participation.extensions import db
from participation.meetings import registrations, services
from participation.meetings.models import Meeting
from participation.processes.models import Process

TOKYO = ZoneInfo("Asia/Tokyo")


def data(**overrides):
    start = datetime(2030, 5, 20, 19, 0, tzinfo=TOKYO)
    values = {"title": {"ja": "バス路線の説明会", "en": "Bus network session"}, "description": {"ja": "説明"},
              "kind": "info_session", "type": "in_person", "starts_at": start, "ends_at": start + timedelta(hours=2),
              "address": "みどり川市役所 3階 大会議室", "latitude": "35.66", "longitude": "139.70",
              "accessibility": ["wheelchair", "sign_language"], "registration_enabled": True, "capacity": 30,
              "organiser": {"ja": "交通政策課"}}
    values.update(overrides)
    return values


def test_create_in_a_process_stores_utc_and_audits(app, make_user, make_process):
    process = make_process()
    facilitator = make_user("facilitator", process_id=process.id)
    with app.app_context():
        meeting = services.create_meeting(db.session.get(User, facilitator.id), db.session.get(Process, process.id),
                                          data())
        assert meeting.starts_at == datetime(2030, 5, 20, 10, 0, tzinfo=UTC)
        assert meeting.accessibility == ["wheelchair", "sign_language"]
        assert db.session.scalar(select(AuditLog.action).where(
            AuditLog.target_type == "meetings", AuditLog.target_id == meeting.id)) == "meeting.create"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": {"ja": "", "en": "x"}}, "title_ja"),
    ({"ends_at": datetime(2030, 5, 20, 18, 0, tzinfo=TOKYO)}, "ends_at"),
    ({"starts_at": None}, "starts_at"),
    ({"address": ""}, "address"),
    ({"type": "online", "online_url": ""}, "online_url"),
    ({"type": "online", "online_url": "javascript:alert(1)"}, "online_url"),
    ({"type": "teleport"}, "type"),
    ({"accessibility": ["jetpack"]}, "accessibility"),
    ({"capacity": 0}, "capacity"),
    ({"latitude": "NaN", "longitude": "1"}, "latitude"),
    ({"phase_id": 999999}, "phase_id"),
    ({"registration_opens_at": datetime(2030, 5, 2, tzinfo=UTC),
      "registration_closes_at": datetime(2030, 5, 1, tzinfo=UTC)}, "registration_closes_at"),
])
def test_create_refuses_bad_fields(app, make_user, make_process, overrides, field):
    process = make_process()
    facilitator = make_user("facilitator", process_id=process.id)
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        services.create_meeting(db.session.get(User, facilitator.id), db.session.get(Process, process.id),
                                data(**overrides))
    assert refused.value.field == field


def test_online_meeting_keeps_no_address_and_in_person_no_link(app, make_user):
    admin = make_user("admin")
    with app.app_context():
        online = services.create_meeting(db.session.get(User, admin.id), None, data(
            type="online", online_url="https://meet.example.jp/abc", kind="online_seminar"))
        assert online.address is None and online.latitude is None and online.process_id is None
        in_person = services.create_meeting(db.session.get(User, admin.id), None, data(
            online_url="https://meet.example.jp/abc"))
        assert in_person.online_url is None


@pytest.mark.parametrize("role", ["resident", "official", "facilitator_other"])
def test_only_facilitators_create(app, make_user, make_process, role):
    process, other = make_process(), make_process()
    user = {"resident": lambda: make_user(), "official": lambda: make_user("official", department="roads"),
            "facilitator_other": lambda: make_user("facilitator", process_id=other.id)}[role]()
    with app.app_context(), pytest.raises(PermissionDenied):
        services.create_meeting(db.session.get(User, user.id), db.session.get(Process, process.id), data())


def test_city_wide_meetings_need_a_facilitator_of_every_process(app, make_user, make_process):
    process = make_process()
    local = make_user("facilitator", process_id=process.id)
    with app.app_context(), pytest.raises(PermissionDenied):
        services.create_meeting(db.session.get(User, local.id), None, data())


def test_changing_time_notifies_registrants(app, make_user, make_meeting):
    meeting, admin, resident = make_meeting(), make_user("admin"), make_user()
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        registrations.register(db.session.get(User, resident.id), m)
        start = m.starts_at + timedelta(hours=1)
        services.update_meeting(db.session.get(User, admin.id), m, data(
            starts_at=start, ends_at=start + timedelta(hours=2), capacity=None))
        kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == resident.id)).all()
        assert kinds == ["meeting.changed"]


def test_capacity_cannot_go_below_the_registered(app, make_user, make_meeting):
    meeting, admin = make_meeting(capacity=5), make_user("admin")
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        for _ in range(3):
            registrations.register(db.session.get(User, make_user().id), m)
        with pytest.raises(InvalidInput):
            services.update_meeting(db.session.get(User, admin.id), m, data(capacity=2))


def test_cancel_notifies_registered_and_waiting_and_stops_registration(app, make_user, make_meeting):
    meeting, admin = make_meeting(capacity=1), make_user("admin")
    a, b = make_user(), make_user()
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        registrations.register(db.session.get(User, a.id), m)
        registrations.register(db.session.get(User, b.id), m)
        with pytest.raises(InvalidInput):
            services.cancel_meeting(db.session.get(User, admin.id), m, "  ")
        services.cancel_meeting(db.session.get(User, admin.id), m, "台風のため中止します。")
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "meeting.cancelled")))
        assert told == {a.id, b.id}
        with pytest.raises(Conflict):
            services.cancel_meeting(db.session.get(User, admin.id), m, "again")
        with pytest.raises(PermissionDenied):
            registrations.register(db.session.get(User, make_user().id), m)


def test_minutes_only_once_started(app, make_user, make_meeting):
    admin = make_user("admin")
    future, past = make_meeting(), make_meeting(starts_in=-timedelta(days=3))
    with app.app_context():
        with pytest.raises(Conflict):
            services.save_minutes(db.session.get(User, admin.id), db.session.get(Meeting, future.id),
                                  {"minutes": {"ja": "議事録"}, "attendance_count": 3})
        m = services.save_minutes(db.session.get(User, admin.id), db.session.get(Meeting, past.id),
                                  {"minutes": {"ja": "議事録", "en": "Minutes"}, "attendance_count": 42})
        assert m.minutes_published_at is not None and m.attendance_count == 42


def test_link_proposals_of_the_same_process_once(app, make_user, make_process, make_meeting):
    from participation.proposals.models import Proposal

    process, other = make_process(), make_process()
    admin, author = make_user("admin"), make_user()
    meeting = make_meeting(process)
    with app.app_context():
        here = Proposal(process_id=process.id, author_id=author.id, title="駅前に駐輪場を", body="本文")
        elsewhere = Proposal(process_id=other.id, author_id=author.id, title="別の提案です", body="本文")
        db.session.add_all([here, elsewhere])
        db.session.flush()
        m, actor = db.session.get(Meeting, meeting.id), db.session.get(User, admin.id)
        services.link_proposal(actor, m, here.id)
        with pytest.raises(Conflict):
            services.link_proposal(actor, m, here.id)
        with pytest.raises(InvalidInput):
            services.link_proposal(actor, m, elsewhere.id)
        with pytest.raises(NotFound):
            services.link_proposal(actor, m, "99999999999")
        from participation.meetings.queries import linked_proposals

        assert [p["title"] for p in linked_proposals(m)] == ["駅前に駐輪場を"]
        here.hidden_at = clock.now()
        db.session.flush()
        assert linked_proposals(m) == []


def test_reminders_two_days_and_two_hours_before_each_once(app, make_user, make_meeting):
    start = clock.now().replace(microsecond=0) + timedelta(days=5)
    meeting, resident, waiting = make_meeting(starts_at=start, capacity=1), make_user(), make_user()
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        registrations.register(db.session.get(User, resident.id), m)
        registrations.register(db.session.get(User, waiting.id), m)
        assert services.send_reminders(start - timedelta(days=3)) == 0
        assert services.send_reminders(start - timedelta(days=1, hours=23)) == 1
        assert services.send_reminders(start - timedelta(days=1)) == 0
        assert services.send_reminders(start - timedelta(hours=1)) == 1
        assert services.send_reminders(start - timedelta(minutes=30)) == 0
        rows = db.session.scalars(select(Notification.user_id).where(Notification.kind == "meeting.reminder")).all()
        assert rows == [resident.id, resident.id]
