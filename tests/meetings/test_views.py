"""Meeting pages: the calendar list, a meeting in the city's time, .ics and feeds, registering, organisers."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from participation.core import clock
from participation.core.models import AuditLog, User
from participation.extensions import db
from participation.meetings.models import Meeting, Registration

LINK = "https://meet.example.jp/secret-room-4711"
START = datetime(2031, 3, 10, 10, 0, tzinfo=UTC)  # 19:00 in Tokyo


@pytest.fixture
def session_meeting(make_meeting, make_process):
    process = make_process(slug="bus")
    return make_meeting(process, starts_at=START, type="hybrid", online_url=LINK, capacity=2,
                        accessibility=["wheelchair", "childcare"])


def test_list_filters(client, make_meeting, make_process):
    process = make_process(slug="park")
    make_meeting(process, title={"ja": "公園ワークショップ"}, kind="workshop")
    make_meeting(title={"ja": "オンライン説明会"}, type="online", address=None, online_url=LINK,
                 accessibility=["captions"])
    make_meeting(title={"ja": "去年の説明会"}, starts_in=-timedelta(days=30))
    page = client.get("/meetings/").get_data(as_text=True)
    assert "公園ワークショップ" in page and "オンライン説明会" in page and "去年の説明会" not in page
    assert "去年の説明会" in client.get("/meetings/?timing=past").get_data(as_text=True)
    only = client.get("/meetings/?kind=workshop").get_data(as_text=True)
    assert "公園ワークショップ" in only and "オンライン説明会" not in only
    online = client.get("/meetings/?online=online").get_data(as_text=True)
    assert "オンライン説明会" in online and "公園ワークショップ" not in online
    captions = client.get("/meetings/?accessibility=captions").get_data(as_text=True)
    assert "オンライン説明会" in captions and "公園ワークショップ" not in captions
    assert "オンライン説明会" not in client.get("/meetings/?process=park").get_data(as_text=True)
    assert LINK not in online
    assert client.get("/meetings/?kind=zzz&online=x&timing=x&process=" + "a" * 500).status_code == 200


def test_detail_shows_city_time_and_labels_but_no_link(client, session_meeting):
    page = client.get(f"/meetings/{session_meeting.id}?lang=en").get_data(as_text=True)
    assert "March 10, 2031 7:00\u202fPM" in page and "9:00\u202fPM" in page and ">10:00" not in page
    assert "Wheelchair accessible" in page and "Childcare" in page
    assert LINK not in page
    ja = client.get(f"/meetings/{session_meeting.id}?lang=ja").get_data(as_text=True)
    assert "19:00" in ja and "車いす" in ja


def test_ics_says_19_tokyo_and_never_the_link(client, session_meeting):
    response = client.get(f"/meetings/{session_meeting.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert LINK.encode() not in response.data
    cal = icalendar.Calendar.from_ical(response.data)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1 and cal.walk("VTIMEZONE")
    event = events[0]
    start = event.decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (19, "Asia/Tokyo")
    assert start.astimezone(UTC) == START
    assert event.decoded("dtend").astimezone(UTC) == START + timedelta(hours=2)
    assert str(event["uid"]) == f"meeting-{session_meeting.id}@localhost"
    assert str(event["location"]) == "みどり川市役所 3階"
    assert str(event["url"]).endswith(f"/meetings/{session_meeting.id}")
    assert b"DTSTART;TZID=Asia/Tokyo:20310310T190000" in response.data
    again = icalendar.Calendar.from_ical(client.get(f"/meetings/{session_meeting.id}.ics").data)
    assert str(again.walk("VEVENT")[0]["uid"]) == str(event["uid"])


def test_feeds_all_and_per_process_without_link_or_drafts(client, session_meeting, make_meeting, make_process):
    draft = make_process(status="draft")
    make_meeting(draft, title={"ja": "非公開の会"})
    make_meeting(title={"ja": "市全体の会"})
    everything = client.get("/meetings/calendar.ics")
    titles = {str(e["summary"]) for e in icalendar.Calendar.from_ical(everything.data).walk("VEVENT")}
    assert titles == {"説明会", "市全体の会"}
    assert LINK.encode() not in everything.data
    per_process = icalendar.Calendar.from_ical(client.get("/processes/bus/meetings.ics").data)
    assert [str(e["summary"]) for e in per_process.walk("VEVENT")] == ["説明会"]
    assert client.get(f"/processes/{draft.slug}/meetings.ics").status_code == 404


def test_geojson_has_no_link(client, session_meeting):
    clock.freeze(START - timedelta(days=1))
    data = client.get("/meetings.geojson").get_json()
    assert [f["properties"]["id"] for f in data["features"]] == [session_meeting.id]
    assert LINK not in str(data)
    assert client.get("/meetings.geojson?bbox=x").status_code == 400


def test_register_see_code_and_qr_then_link_only_near_the_start(app, client, login, post_form, make_user,
                                                               session_meeting):
    user = login(make_user())
    path = f"/meetings/{session_meeting.id}"
    clock.freeze(START - timedelta(days=2))
    response = post_form(path + "/register", {}, page=path)
    assert response.status_code == 302
    page = client.get(path).get_data(as_text=True)
    with app.app_context():
        registration = db.session.scalar(select(Registration).where(Registration.user_id == user.id))
    assert registration.display_code in page and f"{path}/qr.svg" in page and LINK not in page
    svg = client.get(path + "/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<script" not in svg.data
    assert post_form(path + "/register", {}, page=path).status_code == 409  # double submit
    clock.freeze(START - timedelta(minutes=29))
    assert LINK in client.get(path).get_data(as_text=True)
    assert LINK not in client.get(path + ".ics").get_data(as_text=True)
    assert LINK not in client.get("/meetings/calendar.ics").get_data(as_text=True)


def test_other_residents_see_counts_not_names_or_codes(app, client, login, post_form, make_user, session_meeting):
    path = f"/meetings/{session_meeting.id}"
    login(make_user(display_name="登録した人"))
    post_form(path + "/register", {}, page=path)
    login(make_user(display_name="見ている人"))
    page = client.get(path).get_data(as_text=True)
    assert "登録した人" not in page and "1 / 2" not in page
    assert "2" in page  # the count of places
    assert client.get(path + "/qr.svg").status_code == 404
    assert client.get(f"/admin/meetings/{session_meeting.id}/registrations").status_code == 403


def test_waiting_list_and_cancel_through_pages(app, client, login, post_form, make_user, session_meeting):
    path = f"/meetings/{session_meeting.id}"
    first = make_user()
    for person in (first, make_user(), make_user()):
        login(person)
        post_form(path + "/register", {}, page=path)
    assert "number 1 on the waiting list" in client.get(path + "?lang=en").get_data(as_text=True)
    login(first)
    assert post_form(path + "/cancel-registration", {}, page=path).status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, session_meeting.id).waiting_count == 0


def test_organiser_creates_a_meeting_at_19_tokyo(app, client, login, post_form, make_user, make_process):
    process = make_process()
    login(make_user("facilitator", process_id=process.id))
    url = f"/admin/processes/{process.id}/meetings/new"
    response = post_form(url, {"title_ja": "交通計画の説明会", "kind": "info_session", "type": "in_person",
                               "starts_at": "2031-04-01T19:00", "ends_at": "2031-04-01T21:00",
                               "address": "中央公民館", "latitude": "35.66", "longitude": "139.7",
                               "accessibility": ["wheelchair", "parking"], "registration_enabled": "y",
                               "capacity": "40", "phase_id": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.process_id == process.id))
        assert meeting.starts_at == datetime(2031, 4, 1, 10, 0, tzinfo=UTC)
        assert meeting.accessibility == ["wheelchair", "parking"]
    edit = client.get(f"/admin/meetings/{meeting.id}/").get_data(as_text=True)
    assert 'value="2031-04-01T19:00"' in edit
    bad = post_form(url, {"title_ja": "", "kind": "x", "type": "online", "starts_at": "soon", "ends_at": ""})
    assert bad.status_code == 400 and 'role="alert"' in bad.get_data(as_text=True)


def test_export_is_guarded_audited_and_without_the_link(app, client, login, post_form, make_user, session_meeting):
    path = f"/meetings/{session_meeting.id}"
    login(make_user(display_name="=HYPERLINK(\"http://evil\")"))
    post_form(path + "/register", {}, page=path)
    organiser = login(make_user("admin"))
    response = post_form(f"/admin/meetings/{session_meeting.id}/export.csv", {},
                         page=f"/admin/meetings/{session_meeting.id}/registrations")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.startswith("\ufeff")
    assert "'=HYPERLINK" in body and LINK not in body
    with app.app_context():
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.actor_id == organiser.id,
                                                               AuditLog.action == "meeting.export"))


def test_check_in_page_with_the_scanned_code(app, client, login, post_form, make_user, session_meeting):
    path = f"/meetings/{session_meeting.id}"
    resident = login(make_user(display_name="山田"))
    post_form(path + "/register", {}, page=path)
    with app.app_context():
        code = db.session.scalar(select(Registration.code).where(Registration.user_id == resident.id))
    login(make_user("admin"))
    checkin = f"/admin/meetings/{session_meeting.id}/checkin"
    assert "山田" in client.get(f"{checkin}?code={code}").get_data(as_text=True)
    assert post_form(checkin, {"code": code}, page=checkin).status_code == 302
    again = post_form(checkin, {"code": code}, page=checkin)
    assert again.status_code == 400 and "すでに受付に使われています" in again.get_data(as_text=True)
    unknown = post_form(checkin, {"code": "NOPE"}, page=checkin)
    assert unknown.status_code == 400 and 'role="alert"' in unknown.get_data(as_text=True)


def test_minutes_and_raised_proposals_on_the_page(app, client, login, post_form, make_user, make_process,
                                                  make_meeting):
    from participation.proposals.models import Proposal

    process = make_process()
    meeting = make_meeting(process, starts_in=-timedelta(days=2))
    author = make_user()
    with app.app_context():
        proposal = Proposal(process_id=process.id, author_id=author.id, title="ベンチを増やす提案", body="本文")
        db.session.add(proposal)
        db.session.commit()
        proposal_id = proposal.id
    login(make_user("facilitator", process_id=process.id))
    admin = f"/admin/meetings/{meeting.id}"
    assert post_form(admin + "/minutes", {"minutes_ja": "**議事録**です", "attendance_count": "25"}).status_code == 302
    assert post_form(admin + "/proposals", {"proposal_id": str(proposal_id)}, page=admin + "/").status_code == 302
    page = client.get(f"/meetings/{meeting.id}?lang=ja").get_data(as_text=True)
    assert "<strong>議事録</strong>" in page and "25" in page and "ベンチを増やす提案" in page


def test_cancel_meeting_page(app, client, login, post_form, make_user, session_meeting):
    login(make_user("admin"))
    admin = f"/admin/meetings/{session_meeting.id}/"
    assert post_form(admin + "cancel", {"reason": ""}, page=admin).status_code == 400
    assert post_form(admin + "cancel", {"reason": "台風のため"}, page=admin).status_code == 302
    page = client.get(f"/meetings/{session_meeting.id}").get_data(as_text=True)
    assert "台風のため" in page
    assert b"STATUS:CANCELLED" in client.get(f"/meetings/{session_meeting.id}.ics").data


def test_process_page_offers_the_meetings(client, session_meeting):
    page = client.get("/processes/bus/?lang=en").get_data(as_text=True)
    assert "/meetings/?process=bus" in page


def test_home_shows_the_next_meetings(client, make_meeting):
    make_meeting(title={"ja": "来週の説明会"})
    make_meeting(title={"ja": "中止した説明会"}, state="cancelled", cancelled_reason="雨")
    page = client.get("/?lang=ja").get_data(as_text=True)
    assert "来週の説明会" in page and "中止した説明会" not in page


def test_no_account_is_made_by_listing(app, client):
    client.get("/meetings/")
    with app.app_context():
        assert db.session.scalar(select(User).limit(1)) is None


def test_registration_questions_from_builder_to_csv(app, client, login, post_form, make_user, session_meeting):
    admin_page = f"/admin/meetings/{session_meeting.id}/"
    login(make_user("admin"))
    assert post_form(admin_page + "questions", {"kind": "short_text", "text_ja": "参加人数", "required": "y"},
                     page=admin_page).status_code == 302
    assert post_form(admin_page + "questions", {"kind": "single_choice", "text_ja": "来場方法",
                                                "choices": "徒歩 | On foot\nバス | By bus"},
                     page=admin_page).status_code == 302
    assert post_form(admin_page + "questions", {"kind": "single_choice", "text_ja": "選択肢が一つ",
                                                "choices": "徒歩"}, page=admin_page).status_code == 400
    with app.app_context():
        questions = db.session.get(Meeting, session_meeting.id).questions
        people, how = questions[0].id, questions[1].id
    path = f"/meetings/{session_meeting.id}"
    login(make_user(display_name="回答する人"))
    form = client.get(path).get_data(as_text=True)
    assert f'name="q{people}"' in form and f'name="q{how}"' in form and "On foot" not in form
    missing = post_form(path + "/register", {f"q{how}": "1"}, page=path)
    assert missing.status_code == 400 and 'class="field-error"' in missing.get_data(as_text=True)
    assert post_form(path + "/register", {f"q{people}": "3", f"q{how}": "7"}, page=path).status_code == 400
    assert post_form(path + "/register", {f"q{people}": "3", f"q{how}": "2"}, page=path).status_code == 302
    login(make_user("admin"))
    body = post_form(f"/admin/meetings/{session_meeting.id}/export.csv", {}, page=admin_page).get_data(as_text=True)
    assert "参加人数" in body and "来場方法" in body and ",3,バス" in body.replace("\r\n", "\n")
    assert post_form(admin_page + f"questions/{how}/delete", {}, page=admin_page).status_code == 302


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_photos_of_a_past_meeting(app, client, login, post_form, make_user, make_meeting):
    import io

    meeting = make_meeting(starts_in=-timedelta(days=1))
    future = make_meeting()
    login(make_user("admin"))
    page = f"/admin/meetings/{meeting.id}/minutes"
    response = post_form(f"/admin/meetings/{meeting.id}/photos", {"photos": (io.BytesIO(_png()), "a.png")},
                         page=page, content_type="multipart/form-data")
    assert response.status_code == 302
    assert post_form(f"/admin/meetings/{future.id}/photos", {"photos": (io.BytesIO(_png()), "a.png")},
                     page=page, content_type="multipart/form-data").status_code == 400
    with app.app_context():
        photo = db.session.get(Meeting, meeting.id).photos[0]
        thumb, photo_id = photo.upload.thumbnail_filename, photo.id
    client.post("/auth/logout", data={})
    anonymous = app.test_client()
    assert thumb in anonymous.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    with anonymous.get(f"/uploads/{thumb}") as served:
        assert served.status_code == 200
    login(make_user("admin"))
    assert post_form(f"/admin/meetings/{meeting.id}/photos/{photo_id}/delete", {}, page=page).status_code == 302
    assert app.test_client().get(f"/uploads/{thumb}").status_code == 404
