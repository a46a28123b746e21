"""Outgoing mail: rendered in the recipient's language, stored in the outbox, sent by a job.

`queue(...)` renders `templates/mail/<name>.txt` (first line: the subject; the rest: the body) with
the recipient's language, makes the HTML part from the same text (escaped paragraphs and links in
`mail/layout.html`), adds the city's name and, for non-essential mail, `List-Unsubscribe` with
one-click unsubscribe (RFC 8058). The row is written in the caller's transaction; the `deliver`
job is enqueued once it commits. A mail server that is down loses nothing: the row stays queued,
`deliver` is retried with backoff, and `sweep_outbox` re-enqueues what is still queued.
Links are built from `PUBLIC_URL`, never from a request's Host header.
"""
from __future__ import annotations

import logging
import os
import re
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, render_template, url_for
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db, mail
from . import clock, jobs, site, tokens
from .i18n import localized
from .mail_models import MailStatus, OutgoingMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BACKENDS = {"console": "participation.core.mail_backend.EmailBackend"}


def init_app(app: Flask) -> None:
    backend = app.config.get("MAIL_BACKEND", "console")
    app.config["MAIL_BACKEND"] = BACKENDS.get(backend, backend)
    app.config.setdefault("MAIL_FILE_PATH", os.path.join(app.instance_path, "mail"))
    mail.init_app(app)


def language_of(user: Any) -> str:
    lang = getattr(user, "language", None)
    return str(lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"])


def public_request_context() -> Any:
    """A request context whose url_for(..., _external=True) builds links from PUBLIC_URL."""
    return current_app.test_request_context("/", base_url=current_app.config["PUBLIC_URL"])


def external_url(endpoint: str, **values: Any) -> str:
    with public_request_context():
        return url_for(endpoint, _external=True, **values)


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


_URL = re.compile(r"https?://(?:[^\s<>&\"']|&amp;)+")  # on escaped text: &amp; belongs to the address


def text_to_html(text: str) -> Markup:
    """The mail's text as HTML: escaped paragraphs and line breaks, web addresses as links."""
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        escaped = str(escape(chunk.strip())).replace("\n", "<br>\n")
        paragraphs.append("<p>" + _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped) + "</p>")
    return Markup("\n".join(paragraphs))


def render(name: str, lang: str, **context: Any) -> tuple[str, str, str]:
    """(subject, text, html) of mail template `name` in `lang`."""
    with public_request_context(), force_locale(lang):
        city = localized(site.get("CITY_NAME"), lang)
        rendered = render_template(f"mail/{name}.txt", city=city, lang=lang, **context).strip()
        subject, _, body = rendered.partition("\n")
        subject = " ".join(subject.split())
        body = body.strip()
        unsubscribe = context.get("unsubscribe_url")
        text = render_template("mail/layout.txt", body=body, city=city, unsubscribe_url=unsubscribe)
        html = render_template("mail/layout.html", body=text_to_html(body), city=city, lang=lang,
                               subject=subject, unsubscribe_url=unsubscribe)
    return f"[{city}] {subject}", text, html


def account_stamp(user: Any) -> str:
    """When the account was created, to the microsecond: with its id it names one account for good (a
    deleted account's id may be given again on SQLite; the stamp is not)."""
    return user.created_at.strftime("%Y%m%d%H%M%S%f")


def unsubscribe_url(user: Any, topic: str) -> str:
    return external_url("accounts.unsubscribe",
                        token=tokens.make("unsubscribe", [user.id, topic, account_stamp(user)]))


def queue(recipient: str, name: str, *, user: Any = None, lang: str | None = None,
          dedupe_key: str | None = None, unsubscribe: str | None = None,
          headers: dict[str, str] | None = None, **context: Any) -> OutgoingMail | None:
    """Render and store a mail; it is sent after the commit. Returns None when `dedupe_key` was
    already queued (the same notification or digest never goes out twice)."""
    if not recipient:
        return None
    if dedupe_key and db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.dedupe_key == dedupe_key)):
        return None
    lang = lang or language_of(user)
    all_headers = dict(headers or {})
    if unsubscribe:  # non-essential mail: one-click unsubscribe without signing in (RFC 8058)
        link = unsubscribe if unsubscribe.startswith("http") else unsubscribe_url(user, unsubscribe)
        context["unsubscribe_url"] = link
        all_headers["List-Unsubscribe"] = f"<{link}>"
        all_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    subject, text, html = render(name, lang, user=user, **context)
    row = OutgoingMail(recipient=recipient, user_id=getattr(user, "id", None), subject=subject[:300],
                       text_body=text, html_body=html, headers=all_headers, dedupe_key=dedupe_key)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # the same dedupe key, queued at the same moment by someone else
        return None
    jobs.after_commit(deliver, row.id)
    return row


def send_now(row: OutgoingMail) -> None:
    message = EmailMultiAlternatives(row.subject, row.text_body, current_app.config["MAIL_DEFAULT_SENDER"],
                                     [row.recipient], headers=row.headers or {},
                                     connection=mail.get_connection())
    message.attach_alternative(row.html_body, "text/html")
    message.send()


@jobs.task(retries=5, retry_delay=30, retry_backoff=2)
def deliver(mail_id: int) -> None:
    """Send one queued mail. Idempotent: a mail already sent (or given up) is left alone."""
    query = select(OutgoingMail).where(OutgoingMail.id == mail_id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = db.session.scalar(query)
    if row is None or row.status is not MailStatus.QUEUED:
        db.session.rollback()
        return
    row.attempts += 1
    try:
        send_now(row)
    except Exception as exc:
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = MailStatus.FAILED
        db.session.commit()
        log.warning("mail %s to %s not sent yet: %s", row.id, row.recipient, row.last_error)
        raise
    row.status, row.sent_at, row.last_error = MailStatus.SENT, clock.now(), None
    db.session.commit()


def deliver_queued(older_than: timedelta = timedelta(minutes=2)) -> int:
    """Enqueue `deliver` for every mail still queued (lost enqueue, server down for long)."""
    cutoff = clock.now() - older_than
    ids = list(db.session.scalars(select(OutgoingMail.id).where(
        OutgoingMail.status == MailStatus.QUEUED, OutgoingMail.created_at <= cutoff).order_by(OutgoingMail.id)))
    db.session.rollback()
    for mail_id in ids:
        deliver(mail_id)
    return len(ids)


@jobs.periodic_task(jobs.crontab(minute="*/5"))
def sweep_outbox() -> None:
    deliver_queued()


def retry_failed(mail_id: int) -> bool:
    """An admin sends a mail that was given up on again. The caller commits."""
    row = db.session.get(OutgoingMail, mail_id)
    if row is None or row.status is not MailStatus.FAILED:
        return False
    row.status, row.attempts = MailStatus.QUEUED, 0
    db.session.flush()
    jobs.after_commit(deliver, row.id)
    return True
