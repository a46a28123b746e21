"""Issue 11, items 4-6 and 9: hidden means hidden (files, follows, comments, notifications), files
without a row, and the one CSV writer."""
from __future__ import annotations

import os
import time

import pytest

from participation.core import exports, notifications, uploads
from participation.core.errors import Conflict
from participation.core.models import Notification, User
from participation.extensions import db
from participation.issues.models import Issue, IssuePhoto, IssueUpdate
from participation.proposals import services as proposal_services
from participation.proposals.models import Proposal, ProposalImage

from ..conftest import session_token_of
from ..core.test_uploads import jpeg_with_exif
from ..security.test_authorization import build_world


def client_as(app, user_id=None):
    client = app.test_client()
    if user_id is not None:
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_token_of(app, user_id), True
    return client


@pytest.fixture
def photos(app):
    """A photo on a proposal and one on an issue update; both items then hidden."""
    world = build_world(app)
    with app.app_context():
        first = uploads.save_image(jpeg_with_exif(300, 200, orientation=1))
        second = uploads.save_image(jpeg_with_exif(200, 300, orientation=1))
        db.session.add(ProposalImage(proposal_id=world["proposal"], upload=first, position=0))
        update = db.session.scalar(db.select(IssueUpdate).where(IssueUpdate.issue_id == world["issue"]))
        db.session.add(IssuePhoto(issue_id=world["issue"], update_id=update.id, upload=second, position=0))
        db.session.commit()
        world.update(proposal_file=first.filename, proposal_thumb=first.thumbnail_filename,
                     update_file=second.thumbnail_filename, update_id=update.id)
    return world


def hide(app, model, row_id):
    from participation.core import clock

    with app.app_context():
        db.session.get(model, row_id).hidden_at = clock.now()
        db.session.get(model, row_id).hidden_reason = "offensive"
        db.session.commit()


def test_photos_are_served_while_their_item_is_visible(app, photos):
    public = client_as(app)
    for name in (photos["proposal_file"], photos["proposal_thumb"], photos["update_file"]):
        with public.get(f"/uploads/{name}") as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_photos_of_hidden_items_are_404_for_the_public_and_visible_to_moderators(app, photos):
    hide(app, Proposal, photos["proposal"])
    hide(app, IssueUpdate, photos["update_id"])
    for user in (None, photos["users"]["resident"], photos["users"]["author"]):
        client = client_as(app, user)
        for name in (photos["proposal_file"], photos["proposal_thumb"], photos["update_file"]):
            assert client.get(f"/uploads/{name}").status_code == 404, (user, name)
    moderator = client_as(app, photos["users"]["moderator"])
    for name in (photos["proposal_file"], photos["update_file"]):
        with moderator.get(f"/uploads/{name}") as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "private, no-store"


def test_hidden_update_page_shows_no_photo(app, photos):
    hide(app, IssueUpdate, photos["update_id"])
    html = client_as(app).get(f"/issues/{photos['issue']}").get_data(as_text=True)
    assert photos["update_file"] not in html


def test_a_file_without_a_row_is_never_served_and_is_cleaned(app, runner):
    with app.app_context():
        directory = uploads.upload_dir()
    orphan = directory / ("ab" * 32 + ".jpg")
    orphan.write_bytes(jpeg_with_exif(10, 10, orientation=1))
    fresh = directory / ("cd" * 32 + ".jpg")
    fresh.write_bytes(b"x")
    half = directory / ("ef" * 32 + ".tmp")
    half.write_bytes(b"x")
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    os.utime(half, (old, old))
    assert client_as(app).get(f"/uploads/{orphan.name}").status_code == 404
    result = runner.invoke(args=["uploads", "clean"])
    assert result.exit_code == 0, result.output
    assert orphan.name in result.output and half.name in result.output
    assert "2 file(s)" in result.output
    assert not orphan.exists() and not half.exists()
    assert fresh.exists()  # younger than an hour: may belong to a request still running


def test_files_with_rows_survive_cleaning(app, photos, runner):
    with app.app_context():
        directory = uploads.upload_dir()
    old = time.time() - 7200
    for path in directory.iterdir():
        os.utime(path, (old, old))
    result = runner.invoke(args=["uploads", "clean"])
    assert "Removed 0 file(s)" in result.output
    assert (directory / photos["proposal_file"]).exists()


def test_hidden_proposals_take_no_comments_supports_votes_or_follows(app, photos):
    hide(app, Proposal, photos["discussed"])
    with app.test_request_context("/"):
        resident = db.session.get(User, photos["users"]["resident"])
        proposal = db.session.get(Proposal, photos["discussed"])
        for action in (lambda: proposal_services.add_comment(resident, proposal, "まだ書ける？"),
                       lambda: proposal_services.support(resident, proposal),
                       lambda: proposal_services.follow(resident, proposal)):
            with pytest.raises(Conflict):
                action()


def test_hidden_issues_take_no_me_too_or_updates(app, photos):
    from participation.issues import services as issue_services

    hide(app, Issue, photos["issue"])
    with app.test_request_context("/"):
        resident = db.session.get(User, photos["users"]["resident"])
        issue = db.session.get(Issue, photos["issue"])
        for action in (lambda: issue_services.me_too(resident, issue),
                       lambda: issue_services.add_update(resident, issue, "まだ穴があります"),
                       lambda: notifications.follow(resident, issue)):
            with pytest.raises(Conflict):
                action()


def test_notifications_never_show_hidden_text(app, photos):
    with app.test_request_context("/"):
        follower = db.session.get(User, photos["users"]["resident"])
        proposal = db.session.get(Proposal, photos["discussed"])
        notifications.follow(follower, proposal)
        notifications.notify_followers(proposal, "proposal.commented",
                                       {"title": "秘密のタイトル", "proposal_id": proposal.id})
        db.session.commit()
    hide(app, Proposal, photos["discussed"])
    html = client_as(app, photos["users"]["resident"]).get("/notifications").get_data(as_text=True)
    assert "秘密のタイトル" not in html
    assert "モデレーターにより非表示" in html
    with app.test_request_context("/"):
        before = db.session.scalar(db.select(db.func.count(Notification.id)))
        rows = notifications.notify_followers(db.session.get(Proposal, photos["discussed"]), "proposal.commented",
                                              {"title": "秘密のタイトル", "proposal_id": photos["discussed"]})
        assert rows == [] and db.session.scalar(db.select(db.func.count(Notification.id))) == before


@pytest.mark.parametrize(("value", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("普通の回答", "普通の回答"),
    (-3, -3), (2.5, 2.5), (None, ""),
])
def test_csv_cells_are_neutralised(value, written):
    assert exports.neutralise(value) == written


def test_survey_export_uses_the_one_writer(app, make_process, make_user, post_form, login, client):
    from participation.surveys import answering, services
    from participation.surveys.models import Survey

    process = make_process("square")
    facilitator = make_user("facilitator", process_id=process.id)
    resident = make_user()
    with app.test_request_context("/"):
        from participation.processes.models import Process

        proc = db.session.get(Process, process.id)
        survey = services.create_survey(db.session.get(User, facilitator.id), proc,
                                        {"title": {"ja": "調査"}, "phase_id": proc.phases[0].id})
        question = services.add_question(db.session.get(User, facilitator.id), survey,
                                         {"type": "short_text", "text": {"ja": "ご意見"}})
        answering.submit_response(db.session.get(Survey, survey.id), db.session.get(User, resident.id),
                                  {question.id: "=1+1"})
        db.session.commit()
        survey_id = survey.id
    login(facilitator)
    page = f"/admin/surveys/{survey_id}/"
    response = post_form(f"/admin/surveys/{survey_id}/export.csv", {}, page=page)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    assert "'=1+1" in body.decode("utf-8") and ",=1+1" not in body.decode("utf-8")


def test_the_worker_cleans_orphans_every_hour(app):
    from participation.core import upload_jobs

    with app.app_context():
        directory = uploads.upload_dir()
        orphan = directory / ("9a" * 32 + "_thumb.jpg")
        orphan.write_bytes(b"x")
        old = time.time() - 7200
        os.utime(orphan, (old, old))
        upload_jobs.clean_upload_orphans.call_local()
    assert not orphan.exists()
