"""Comments on meetings: post, delete one's own, moderators hide them like any content."""
from __future__ import annotations

from sqlalchemy import select

from participation.core import clock
from participation.core.models import User
from participation.extensions import db
from participation.meetings.models import Meeting, MeetingComment


def test_comment_delete_and_counts(app, client, login, post_form, make_user, make_meeting):
    meeting = make_meeting()
    path = f"/meetings/{meeting.id}"
    author = login(make_user(display_name="質問した人"))
    assert post_form(path + "/comments", {"body": ""}, page=path).status_code == 400
    assert post_form(path + "/comments", {"body": "長" * 1001}, page=path).status_code == 400
    assert post_form(path + "/comments", {"body": "駐車場はありますか？"}, page=path).status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert "駐車場はありますか？" in page and "質問した人" in page
    with app.app_context():
        comment = db.session.scalar(select(MeetingComment))
        assert db.session.get(Meeting, meeting.id).comments_count == 1
    login(make_user())
    assert post_form(f"{path}/comments/{comment.id}/delete", {}, page=path).status_code == 403
    login(author)
    assert post_form(f"{path}/comments/{comment.id}/delete", {}, page=path).status_code == 302
    assert "駐車場はありますか？" not in client.get(path).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting.id).comments_count == 0


def test_blocked_residents_cannot_comment(app, login, post_form, make_user, make_meeting):
    meeting, user = make_meeting(), make_user()
    with app.app_context():
        db.session.get(User, user.id).blocked_at = clock.now()
        db.session.commit()
    login(user)
    path = f"/meetings/{meeting.id}"
    assert post_form(path + "/comments", {"body": "こんにちは"}, page=path).status_code == 403


def test_moderators_hide_comments_everywhere(app, client, login, post_form, make_user, make_meeting):
    from participation.moderation import services as moderation

    meeting = make_meeting()
    path = f"/meetings/{meeting.id}"
    login(make_user())
    post_form(path + "/comments", {"body": "宣伝です、ここをクリック"}, page=path)
    moderator = make_user("moderator")
    with app.test_request_context("/"):
        comment = db.session.scalar(select(MeetingComment))
        moderation.hide_content(db.session.get(User, moderator.id), "meeting_comments", comment.id, "spam")
        db.session.commit()
    assert "宣伝です" not in app.test_client().get(path).get_data(as_text=True)
    login(moderator)
    assert "宣伝です" in client.get(path).get_data(as_text=True)
