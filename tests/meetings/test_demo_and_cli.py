"""The demo meetings (idempotent) and `flask meetings remind`."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from participation.core.models import Notification, User
from participation.extensions import db
from participation.meetings.models import Meeting, MeetingProposal


def test_demo_has_every_state_and_is_idempotent(app, client):
    from participation.core import demo as core_demo
    from participation.meetings import demo
    from participation.processes import demo as process_demo
    from participation.proposals import demo as proposal_demo

    with app.test_request_context():  # the demo of the features it builds on, then its own, twice
        core_demo.seed()
        process_demo.seed()
        proposal_demo.seed()
        assert demo.seed().startswith("Meetings: 5")
        assert demo.seed() == "Meetings: already there."
        db.session.commit()
    with app.app_context():
        meetings = db.session.scalars(select(Meeting)).all()
        assert len(meetings) == 5
        kinds = {m.kind for m in meetings}
        assert {"info_session", "online_seminar", "open_house", "workshop"} <= kinds
        assert any(m.waiting_count for m in meetings) and any(m.is_cancelled for m in meetings)
        assert any(m.minutes_published_at for m in meetings)
        assert db.session.scalar(select(func.count(MeetingProposal.id))) == 2
    page = client.get("/meetings/?lang=ja").get_data(as_text=True)
    assert "駅前広場の再整備計画 説明会" in page and "meet.example.jp" not in page


def test_remind_command(app, runner, make_user, make_meeting):
    from participation.meetings import registrations

    meeting, user = make_meeting(starts_in=timedelta(hours=1)), make_user()
    with app.app_context():
        registrations.register(db.session.get(User, user.id), db.session.get(Meeting, meeting.id))
        db.session.commit()
    first = runner.invoke(args=["meetings", "remind"])
    assert first.exit_code == 0 and "1 reminders sent" in first.output
    assert "0 reminders sent" in runner.invoke(args=["meetings", "remind"]).output
    with app.app_context():
        count = select(func.count(Notification.id)).where(Notification.kind == "meeting.reminder")
        assert db.session.scalar(count) == 1
