"""The job mechanism: enqueue after commit, failures recorded for /admin/jobs with a retry button,
mails given up on retried by an administrator, `flask jobs` commands."""
from __future__ import annotations

from sqlalchemy import func, select

from participation.core import jobs, mail
from participation.core.mail_models import JobFailure, MailStatus, OutgoingMail
from participation.extensions import db, huey

from ..mail.conftest import outbox  # noqa: F401 - fixture

CALLS: list[int] = []


@jobs.task(retries=0)
def flaky_job(number: int) -> None:
    CALLS.append(number)
    if len(CALLS) == 1:
        raise RuntimeError("the first run fails")


def test_a_job_that_fails_for_the_last_time_is_recorded_and_can_be_retried(app, client, login, post_form,
                                                                           make_user):
    CALLS.clear()
    with app.test_request_context("/"):
        jobs.after_commit(flaky_job, 7)
        db.session.commit()
    assert CALLS == [7]
    with app.app_context():
        failure = db.session.scalar(select(JobFailure))
        assert failure.task_name == "flaky_job" and "the first run fails" in failure.error
        failure_id = failure.id
    login(make_user("admin"))
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "flaky_job" in page and "the first run fails" in page
    assert post_form(f"/admin/jobs/failures/{failure_id}/retry", {}, page="/admin/jobs").status_code == 302
    assert CALLS == [7, 7]
    assert post_form(f"/admin/jobs/failures/{failure_id}/retry", {}, page="/admin/jobs").status_code == 404


def test_a_mail_given_up_on_is_sent_again_by_an_admin(app, client, login, post_form, make_user, outbox):  # noqa: F811
    with app.test_request_context("/"):
        row = OutgoingMail(recipient="someone@example.jp", subject="件名", text_body="本文", html_body="<p>本文</p>",
                           headers={}, status=MailStatus.FAILED, attempts=8, last_error="SMTP down")
        db.session.add(row)
        db.session.commit()
        mail_id = row.id
    login(make_user("admin"))
    assert "SMTP down" in client.get("/admin/jobs").get_data(as_text=True)
    assert post_form(f"/admin/jobs/mail/{mail_id}/retry", {}, page="/admin/jobs").status_code == 302
    assert [m.to for m in outbox] == [["someone@example.jp"]]
    with app.app_context():
        assert db.session.get(OutgoingMail, mail_id).status is MailStatus.SENT


def test_residents_do_not_see_the_jobs_page(client, login, make_user):
    login(make_user())
    assert client.get("/admin/jobs").status_code == 403


def test_the_same_dedupe_key_is_queued_once(app, outbox):  # noqa: F811
    with app.test_request_context("/"):
        first = mail.queue("a@example.jp", "digest", lang="ja", dedupe_key="k1", user=None, items=[], weekly=False,
                           settings_link="x")
        second = mail.queue("a@example.jp", "digest", lang="ja", dedupe_key="k1", user=None, items=[],
                            weekly=False, settings_link="x")
        db.session.commit()
        assert first is not None and second is None
        assert db.session.scalar(select(func.count(OutgoingMail.id))) == 1


def test_jobs_commands(app, runner):
    result = runner.invoke(args=["jobs", "status"])
    assert result.exit_code == 0 and "queue immediate" in result.output
    assert runner.invoke(args=["jobs", "send-mail"]).exit_code == 0
    assert runner.invoke(args=["jobs", "digests"]).exit_code == 0
    refused = runner.invoke(args=["jobs", "worker"])
    assert refused.exit_code != 0  # immediate mode: nothing to consume
    assert huey.immediate
