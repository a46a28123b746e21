"""Words a resident reads: notifications say what changed; your own content offers no "report"."""
from __future__ import annotations

from participation.core import notifications
from participation.core.models import Notification


def test_notifications_say_the_new_status_the_note_and_the_answer(app):
    status = Notification(kind="issue.status", target_type="issues", target_id=1,
                          data={"title": "道路に穴", "status": "in_progress", "note": "来週埋めます。"})
    answer = Notification(kind="proposal.answered", target_type="proposals", target_id=1,
                          data={"title": "ベンチを", "state": "accepted"})
    with app.test_request_context("/?lang=ja"):
        assert notifications.render(status, hidden=False)[0] == \
            "「道路に穴」の状態が「対応中」になりました。市からのメモ：来週埋めます。"
        assert notifications.render(answer, hidden=False)[0] == "提案「ベンチを」に市が回答しました：採用。"
    with app.test_request_context("/?lang=en"):
        assert notifications.render(answer, hidden=False)[0] == \
            "The city answered the proposal “ベンチを”: Accepted."
        # Hidden since: the note is replaced like the title, the status still says what changed.
        text = notifications.render(status, hidden=True)[0]
        assert "来週埋めます" not in text and "is now In progress" in text


def test_the_report_control_is_not_offered_on_your_own_proposal(client, login, make_user, make_process,
                                                                   make_proposal):
    process = make_process()
    author, other = make_user(), make_user()
    proposal = make_proposal(process, author)
    login(author)
    own = client.get(f"/proposals/{proposal.id}?lang=ja").get_data(as_text=True)
    assert 'value="proposals"' not in own  # no flag form for the proposal itself
    login(other)
    theirs = client.get(f"/proposals/{proposal.id}?lang=ja").get_data(as_text=True)
    assert 'value="proposals"' in theirs and "通報する" in theirs
