"""Public profiles: opt-in; public proposals, comments and reports shown with the name; never hidden
content; 404 for people who did not opt in or deleted their account."""
from __future__ import annotations

from participation.core import clock, privacy
from participation.core.models import User
from participation.extensions import db
from participation.issues.models import Issue
from participation.proposals.models import Comment

from . import world


def test_profile_lists_public_items_only(app, client):
    ids = world.build(app)
    with app.app_context():
        hidden = db.session.get(Comment, ids["comment"])
        hidden.hidden_at, hidden.hidden_reason = clock.now(), "spam"
        secret = db.session.get(Issue, ids["issue"])
        db.session.add(Issue(category_id=secret.category_id, department_id=secret.department_id,
                             reporter_id=ids["user"], show_name=False, title="名前を出さない報告",
                             latitude=35.66, longitude=139.70))
        db.session.commit()
    page = client.get(f"/users/{ids['user']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert world.NAME in html and "わたしの提案X1" in html and "わたしの報告X3" in html
    assert "名前を出さない報告" not in html  # reported without the name
    assert "ほかの提案" not in html  # the hidden comment (on that proposal) is not listed


def test_profile_is_404_unless_the_person_opted_in(app, client, make_user):
    ids = world.build(app)
    with app.app_context():
        privacy.set_public_profile(db.session.get(User, ids["user"]), False)
        db.session.commit()
    assert client.get(f"/users/{ids['user']}").status_code == 404
    assert client.get(f"/users/{make_user().id}").status_code == 404  # never opted in
    assert client.get("/users/999999").status_code == 404


def test_a_blocked_account_cannot_start_showing_a_profile(app, make_user):
    import pytest

    from participation.core.errors import PermissionDenied

    user = make_user()
    with app.app_context():
        row = db.session.get(User, user.id)
        row.blocked_at = clock.now()
        with pytest.raises(PermissionDenied):
            privacy.save_choices(row, demographics=False, news=False, public_profile=True)
        privacy.save_choices(row, demographics=False, news=True, public_profile=False)  # consents still work
        assert not privacy.has_public_profile(row)
