"""Capacity and the waiting list under concurrency: real threads, real commits, both databases."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.core.errors import ServiceError
from participation.core.models import User
from participation.extensions import db
from participation.meetings import registrations
from participation.meetings.models import Meeting, Registration

from ..threads import run_at_once


@pytest.mark.commits_from_threads
def test_fifty_residents_for_ten_places(app, make_user, make_meeting):
    meeting = make_meeting(capacity=10)
    people = [make_user() for _ in range(50)]

    def register(user_id):
        return lambda: registrations.register(db.session.get(User, user_id), db.session.get(Meeting, meeting.id))

    errors = run_at_once(app, [register(p.id) for p in people])
    assert errors == []
    with app.app_context():
        statuses = [r.status for r in db.session.scalars(select(Registration))]
        m = db.session.get(Meeting, meeting.id)
        assert (statuses.count("registered"), statuses.count("waiting")) == (10, 40)
        assert (m.registered_count, m.waiting_count) == (10, 40)
        registered = db.session.scalars(select(Registration.user_id).where(Registration.status == "registered")
                                        .order_by(Registration.id)).all()

    # Two cancellations at once: two different people move up, in waiting-list order.
    def cancel(user_id):
        def job():
            user = db.session.get(User, user_id)
            own = registrations.own_registration(user, db.session.get(Meeting, meeting.id))
            registrations.cancel(user, own)
        return job

    assert run_at_once(app, [cancel(registered[0]), cancel(registered[1])]) == []
    with app.app_context():
        m = db.session.get(Meeting, meeting.id)
        assert (m.registered_count, m.waiting_count) == (10, 38)
        rows = db.session.scalars(select(Registration)).all()
        assert sum(r.status == "registered" for r in rows) == 10
        first_waiting = sorted((r for r in rows if r.status != "cancelled" and r.user_id not in registered),
                               key=lambda r: (r.queued_at, r.id))
        assert [r.status for r in first_waiting[:3]] == ["registered", "registered", "waiting"]


@pytest.mark.commits_from_threads
def test_double_click_registers_once(app, make_user, make_meeting):
    meeting, user = make_meeting(capacity=3), make_user()

    def job():
        registrations.register(db.session.get(User, user.id), db.session.get(Meeting, meeting.id))

    errors = run_at_once(app, [job, job, job])
    assert len(errors) == 2 and all(isinstance(e, ServiceError) for e in errors), errors
    with app.app_context():
        assert db.session.get(Meeting, meeting.id).registered_count == 1
