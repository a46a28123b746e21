"""Every text of a meeting (staff and resident) filled with each XSS payload: nothing executable comes out
of any meeting page, and the .ics stays a calendar."""
from __future__ import annotations

from datetime import timedelta

import icalendar
from sqlalchemy import select

from participation.core.models import Notification, User
from participation.extensions import db
from participation.meetings import comments, registrations, services
from participation.meetings.models import Meeting, MeetingComment, MeetingQuestion

from ..htmlcheck import executable_parts
from ..security.payloads import XSS_PAYLOADS


def _foreign(parts: list[str]) -> list[str]:
    """Leave out the markup templates make themselves: feed <link>s (calendar, Atom) and the QR image."""
    own = ("<link {'rel': 'alternate', 'type': 'text/calendar'", "<link {'rel': 'alternate', 'type': 'application/atom",
           "<img {'class': 'qr-code', 'src': '/meetings/")
    return [p for p in parts if not p.startswith(own)]


def test_no_payload_executes_on_meeting_pages(app, client, login, make_user, make_meeting, make_process):
    process = make_process("square")
    meeting = make_meeting(process, starts_in=timedelta(minutes=10), type="hybrid",
                           online_url="https://meet.example.jp/x")
    past = make_meeting(process, starts_in=-timedelta(days=1))
    resident, admin = make_user(), make_user("admin")
    with app.test_request_context("/"):
        m = db.session.get(Meeting, meeting.id)
        services.add_question(db.session.get(User, admin.id), m, {"kind": "single_choice", "text": {"ja": "質問"},
                                                                  "choices": [{"ja": "A"}, {"ja": "B"}]})
        registrations.register(db.session.get(User, resident.id), m, {m.questions[0].id: "1"})
        services.notify_registrants(m, "meeting.changed")
        comments.add_comment(db.session.get(User, resident.id), m, "コメント")
        db.session.commit()
    pages = ["/", "/meetings/", "/meetings/?timing=past", f"/meetings/{meeting.id}", f"/meetings/{past.id}",
             "/processes/square/", "/notifications"]
    staff = ["/admin/meetings/", f"/admin/meetings/{meeting.id}/", f"/admin/meetings/{meeting.id}/registrations",
             f"/admin/meetings/{meeting.id}/checkin", f"/admin/meetings/{past.id}/minutes",
             f"/admin/processes/{process.id}/"]
    for payload in XSS_PAYLOADS:
        with app.app_context():
            for row in db.session.scalars(select(Meeting)):
                row.title = row.description = row.venue_notes = row.organiser = row.minutes = \
                    {"ja": payload, "en": payload}
                row.address, row.cancelled_reason = payload, payload
            for q in db.session.scalars(select(MeetingQuestion)):
                q.text, q.choices = {"ja": payload}, [{"ja": payload}, {"ja": payload}]
            db.session.get(User, resident.id).display_name = payload[:80]
            for c in db.session.scalars(select(MeetingComment)):
                c.body = payload
            for n in db.session.scalars(select(Notification)):
                n.data = {**n.data, "title": payload, "title_i18n": {"ja": payload}}
            db.session.commit()
        for who, paths in ((resident, pages), (admin, staff)):
            login(who)
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, path
                assert _foreign(executable_parts(response.get_data(as_text=True))) == [], (path, payload)
        calendar = client.get(f"/meetings/{meeting.id}.ics")
        assert calendar.mimetype == "text/calendar"
        assert str(icalendar.Calendar.from_ical(calendar.data).walk("VEVENT")[0]["summary"]) == payload
