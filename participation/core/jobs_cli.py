"""`flask jobs ...`: run the consumer, run the web server and a consumer together, send what waits."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..extensions import db, huey

jobs_cli = AppGroup("jobs", help="Background jobs (Huey): consumer, queue state, mail outbox.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker(workers: int) -> None:
    """Run a consumer: queued jobs and periodic tasks (digests, outbox sweep...)."""
    from huey.consumer_options import ConsumerConfig

    if current_app.config.get("TASK_QUEUE") == "immediate":
        raise click.ClickException("TASK_QUEUE=immediate runs jobs at once; there is nothing to consume.")
    config = ConsumerConfig(workers=workers, worker_type="thread", periodic=True, check_worker_health=True)
    config.validate()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    consumer = huey.create_consumer(**config.values)
    consumer.run()


@jobs_cli.command("run-all")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def run_all(host: str, port: int) -> None:
    """The development server and a consumer side by side (what `make run` starts)."""
    env = dict(os.environ, FLASK_APP=os.environ.get("FLASK_APP", "participation"))
    flask = [sys.executable, "-m", "flask"]
    consumer = subprocess.Popen([*flask, "jobs", "worker"], env=env)
    try:
        subprocess.call([*flask, "run", "--host", host, "--port", str(port)], env=env)
    finally:
        consumer.terminate()
        consumer.wait(timeout=10)


@jobs_cli.command("status")
@with_appcontext
def status() -> None:
    """Jobs waiting in the queue and mails waiting in the outbox."""
    from sqlalchemy import func, select

    from . import jobs
    from .mail_models import OutgoingMail

    figures = jobs.queue_figures()
    rows = db.session.execute(select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all()
    click.echo(f"queue {current_app.config.get('TASK_QUEUE')}: {figures['pending']} waiting, "
               f"{figures['scheduled']} scheduled")
    for state, count in rows:
        click.echo(f"mail {state}: {count}")


@jobs_cli.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Enqueue every mail still waiting in the outbox (after the mail server was down)."""
    from datetime import timedelta

    from .mail import deliver_queued

    click.echo(f"{deliver_queued(timedelta(0))} mails enqueued")


@jobs_cli.command("digests")
@with_appcontext
def digests() -> None:
    """Queue the digests due now (07:00 city time); idempotent."""
    from .mail_notifications import send_digests

    count = send_digests()
    db.session.commit()
    click.echo(f"{count} digests queued")
