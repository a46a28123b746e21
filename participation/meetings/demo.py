"""Demo meetings in every state: an upcoming 説明会 with a waiting list, an online seminar, an open house
with accessibility labels, a past workshop with minutes and the proposals raised there, a cancelled one.
Idempotent: nothing is added when the demo meetings exist."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..core import site
from ..core.models import User
from ..extensions import db
from ..processes.models import Process, city_today
from .models import Meeting, MeetingComment, MeetingProposal, MeetingState, Registration, RegistrationStatus

ADDRESS = "みどり川市役所 本庁舎3階 大会議室(みどり川市中央1-1-1)"
LOCATION = (35.6590, 139.7005)


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    tz = ZoneInfo(site.get("CITY_TIMEZONE"))
    day = city_today() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def seed() -> str | None:
    if db.session.scalar(select(func.count(Meeting.id))):
        return "Meetings: already there."
    process = db.session.scalar(select(Process).where(Process.slug == "station-square"))
    users = {u.email: u for u in db.session.scalars(select(User))}
    organiser = users.get("facilitator@example.jp")
    common = {"created_by_id": organiser.id if organiser else None, "registered_count": 0, "waiting_count": 0}
    session = Meeting(
        process_id=process.id if process else None,
        phase_id=process.phases[0].id if process and process.phases else None,
        title={"ja": "駅前広場の再整備計画 説明会", "en": "Station square redesign: information session"},
        description={"ja": "再整備計画の案を説明し、皆さんのご意見をうかがいます。質疑応答の時間があります。",
                     "en": "We present the draft plan and listen to your views. There is time for questions."},
        type="in_person", kind="info_session", starts_at=_at(9, 19), ends_at=_at(9, 20, 30), address=ADDRESS,
        latitude=LOCATION[0], longitude=LOCATION[1], venue_notes={"ja": "正面玄関からお入りください。"},
        organiser={"ja": "都市計画課", "en": "Urban Planning Division"},
        accessibility=["wheelchair", "sign_language", "captions"], registration_enabled=True, capacity=2, **common)
    seminar = Meeting(
        title={"ja": "オンラインセミナー:まちづくりと市民参加", "en": "Online seminar: participation in city planning"},
        description={"ja": "自宅から参加できるオンラインセミナーです。", "en": "Join from home."},
        type="online", kind="online_seminar", starts_at=_at(14, 20), ends_at=_at(14, 21),
        online_url="https://meet.example.jp/midorikawa-seminar", organiser={"ja": "市民協働課"},
        accessibility=["captions", "multilingual"], registration_enabled=True, **common)
    open_house = Meeting(
        process_id=process.id if process else None,
        title={"ja": "駅前広場オープンハウス", "en": "Station square open house"},
        description={"ja": "パネル展示の前で職員が一人ひとりのご質問にお答えします。予約は不要です。",
                     "en": "Staff answer your questions one to one at the panels. No booking needed."},
        type="in_person", kind="open_house", starts_at=_at(20, 10), ends_at=_at(20, 16), address="駅前広場 特設テント",
        latitude=35.6583, longitude=139.7012, organiser={"ja": "都市計画課"},
        accessibility=["wheelchair", "childcare", "parking", "multilingual"], **common)
    workshop = Meeting(
        process_id=process.id if process else None,
        title={"ja": "広場の使い方ワークショップ", "en": "Workshop: how should we use the square?"},
        description={"ja": "模型と地図を使って、広場の使い方を考えました。"},
        type="in_person", kind="workshop", starts_at=_at(-12, 14), ends_at=_at(-12, 16), address="中央公民館 第1会議室",
        latitude=35.6572, longitude=139.7030, accessibility=["wheelchair"], registration_enabled=True, capacity=30,
        minutes={"ja": "## 議事録\n\n- 参加者:23名\n- 木陰とベンチを求める声が最も多くありました。\n"
                       "- 自転車と歩行者の通路を分ける案について議論しました。",
                 "en": "## Minutes\n\n- 23 participants\n- Shade and benches were asked for most often.\n"
                       "- We discussed separating cyclists from pedestrians."},
        attendance_count=23, minutes_published_at=_at(-11, 12), **common)
    cancelled = Meeting(
        title={"ja": "北地区 説明会(中止)", "en": "North district session (cancelled)"},
        type="in_person", kind="info_session", starts_at=_at(5, 18), ends_at=_at(5, 19), address="北地区センター",
        state=MeetingState.CANCELLED, cancelled_reason="会場の設備点検のため中止します。日程は改めてお知らせします。",
        registration_enabled=True, **common)
    db.session.add_all([session, seminar, open_house, workshop, cancelled])
    db.session.flush()
    _registrations(session, users, ["resident@example.jp", "resident2@example.jp"], ["resident3@example.jp"])
    _registrations(seminar, users, ["resident@example.jp"], [])
    _registrations(workshop, users, ["resident2@example.jp", "resident3@example.jp"], [])
    if "resident3@example.jp" in users:
        db.session.add(MeetingComment(meeting_id=workshop.id, author_id=users["resident3@example.jp"].id,
                                      language="en", body="Thank you! The model of the square made it easy to join."))
        workshop.comments_count = 1
    if process is not None:
        proposals = db.metadata.tables["proposals"]
        raised = list(db.session.scalars(select(proposals.c.id).where(proposals.c.process_id == process.id)
                                         .order_by(proposals.c.id).limit(2)))
        db.session.add_all([MeetingProposal(meeting_id=workshop.id, proposal_id=pid) for pid in raised])
    db.session.flush()
    return "Meetings: 5 demo meetings (one with a waiting list, one online, one past with minutes)."


def _registrations(meeting: Meeting, users: dict[str, User], registered: list[str], waiting: list[str]) -> None:
    for status, emails in ((RegistrationStatus.REGISTERED, registered), (RegistrationStatus.WAITING, waiting)):
        for email in emails:
            if email in users:
                db.session.add(Registration(meeting_id=meeting.id, user_id=users[email].id, status=status))
    meeting.registered_count = sum(e in users for e in registered)
    meeting.waiting_count = sum(e in users for e in waiting)
