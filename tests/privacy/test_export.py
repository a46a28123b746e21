""""Download my data": every item of a resident who did one of everything appears in the zip; the link
works only for its owner and only for 7 days; request and download are audited."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from participation.core import clock, privacy_export
from participation.core.models import AuditLog
from participation.core.privacy_models import DataExport
from participation.extensions import db

from . import world

DATASETS = {  # dataset -> rows the world holds for the person
    "account": 1, "policy_acceptances": 2, "consents": 2, "demographics": 1, "profile": 1, "notifications": 1,
    "follows": 1, "notification_preferences": 1, "proposals": 1, "proposal_versions": 2, "proposal_comments": 1,
    "proposal_supports": 1, "proposal_comment_votes": 1, "issues": 1, "issue_updates": 1, "issue_metoos": 1,
    "survey_responses": 1, "survey_answers": 1, "conversation_participations": 1, "conversation_votes": 1,
    "conversation_statements": 1, "meeting_registrations": 2, "meeting_comments": 1, "budget_ballots": 1,
    "flags": 1, "alert_subscriptions": 1, "api_tokens": 1, "verifications": 1, "verification_letters": 1,
}
MARKERS = [f"X{n}" for n in range(11)]


def _request_and_download(app, client, login, ids) -> tuple[bytes, str]:
    from participation.core.models import User

    with app.app_context():
        me = db.session.get(User, ids["user"])
    login(me)
    page = client.get("/account/privacy").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/account/privacy/export", data={"csrf_token": token}).status_code == 302
    page = client.get("/account/privacy").get_data(as_text=True)
    link = re.search(r'href="(/account/privacy/export/[^"]+)"', page).group(1)
    assert client.get(link).status_code == 200
    with client.post(link, data={"csrf_token": token}) as response:
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        return response.data, link


def test_the_zip_holds_every_item_of_every_feature(app, client, login):
    ids = world.build(app)
    content, _link = _request_and_download(app, client, login, ids)
    archive = zipfile.ZipFile(io.BytesIO(content))
    data = json.loads(archive.read("data.json"))
    assert {name: len(data.get(name, [])) for name in DATASETS} == DATASETS
    text = archive.read("data.json").decode()
    assert [m for m in MARKERS if f"{m}\"" not in text and f"{m}" not in text] == []
    assert data["account"][0]["email"] == world.EMAIL
    assert data["demographics"][0] == {**data["demographics"][0], "age_group": "30-39", "gender": "自由回答"}
    assert set(data["api_tokens"][0]) == {"name", "scope", "created_at", "last_used_at", "revoked_at"}  # no hash
    for name in DATASETS:  # one CSV per dataset, UTF-8 with BOM (Excel), same rows
        raw = archive.read(f"{name}.csv")
        assert raw.startswith("\ufeff".encode())
        assert raw.decode("utf-8-sig").count("\r\n") == DATASETS[name] + 1
    with app.app_context():
        from participation.core.mail_models import OutgoingMail

        sent = db.session.scalar(select(OutgoingMail).where(OutgoingMail.recipient == world.EMAIL))
        assert "/account/privacy/export/" in sent.text_body and "ダウンロード" in sent.subject
        actions = list(db.session.scalars(select(AuditLog.action).where(AuditLog.actor_id == ids["user"])))
    assert actions.count("privacy.export_request") == 1 and actions.count("privacy.export_download") == 1


def test_the_link_is_refused_to_anyone_else_and_after_seven_days(app, client, login, make_user):
    ids = world.build(app)
    _content, link = _request_and_download(app, client, login, ids)
    login(make_user())  # someone else, with the very link
    assert client.get(link).status_code == 404
    assert client.post(link, data={}).status_code in (400, 404)
    assert app.test_client().get(link).status_code == 302  # signed out: sign in first
    with app.app_context():
        from participation.core.models import User

        me = db.session.get(User, ids["user"])
    login(me)
    assert client.get(link).status_code == 200
    assert client.get(link[:-3] + "abc").status_code == 404  # altered
    clock.freeze(clock.now() + timedelta(days=7, minutes=1))
    assert client.get(link).status_code == 404
    with app.app_context():
        export = db.session.scalar(select(DataExport).where(DataExport.user_id == ids["user"]))
        path = privacy_export.export_dir() / export.filename
        assert path.is_file()
        assert privacy_export.remove_expired() == 1
        db.session.commit()
        assert not Path(path).exists()
        assert db.session.scalar(select(DataExport).where(DataExport.user_id == ids["user"])) is None


def test_one_request_at_a_time(app, make_user):
    from participation.core.errors import Conflict
    from participation.core.privacy_models import ExportStatus

    user = make_user()
    with app.app_context():
        from participation.core.models import User

        me = db.session.get(User, user.id)
        db.session.add(DataExport(user_id=me.id, status=ExportStatus.PENDING))
        db.session.flush()
        try:
            privacy_export.request_export(me)
        except Conflict:
            pass
        else:
            raise AssertionError("a second request while one is pending was accepted")
