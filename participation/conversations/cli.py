"""`flask conversations`: Pol.is import/export, analysis of a Pol.is folder, recomputes."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup, with_appcontext

from ..extensions import db

conversations_cli = AppGroup("conversations", help="Conversations: Pol.is import/export and analysis.")


@conversations_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--process", "process_slug", required=True, help="The process (its slug) to add the conversation to.")
@with_appcontext
def import_cmd(folder: str, process_slug: str) -> None:
    """Bring in a Pol.is export folder (participants-votes.csv, comments.csv, summary.csv)."""
    from sqlalchemy import select

    from ..processes.models import Process
    from .polis import import_folder

    process = db.session.scalar(select(Process).where(Process.slug == process_slug))
    if process is None:
        raise click.ClickException(f"No process with slug {process_slug}")
    try:
        conversation = import_folder(None, process, folder)
    except (ValueError, UnicodeDecodeError) as exc:
        db.session.rollback()  # nothing half-imported
        raise click.ClickException(f"Not a Pol.is export folder: {exc}") from None
    db.session.commit()
    click.echo(f"Conversation {conversation.id}: {conversation.statements_count} statements, "
               f"{conversation.participants_count} participants, {conversation.votes_count} votes.")


@conversations_cli.command("export")
@click.argument("conversation_id", type=int)
@click.argument("folder", type=click.Path(file_okay=False))
@with_appcontext
def export_cmd(conversation_id: int, folder: str) -> None:
    """Write a conversation as a Pol.is open-data folder."""
    from .models import Conversation
    from .polis import export_folder

    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        raise click.ClickException(f"No conversation {conversation_id}")
    try:
        written = export_folder(conversation, folder)
    except OSError as exc:
        raise click.ClickException(f"Cannot write to {folder}: {exc.strerror or exc}") from None
    for path in written:
        click.echo(str(path))


@conversations_cli.command("analyze")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def analyze_cmd(folder: str, as_json: bool) -> None:
    """Opinion groups, consensus and representative statements of a Pol.is folder (no database)."""
    from .polis import analyze

    try:
        result = analyze(folder)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"Not a Pol.is export folder: {exc}") from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"groups: {result['k']}; clustered participants: {len(result['groups'])}")
    click.echo(f"consensus: {result['consensus']}")
    for group, statements in result["representative"].items():
        click.echo(f"group {group}: {statements}")


@conversations_cli.command("recompute")
@click.argument("conversation_id", type=int)
@with_appcontext
def recompute_cmd(conversation_id: int) -> None:
    """Recompute the opinion groups of a conversation now."""
    from .analysis import recompute
    from .models import Conversation

    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        raise click.ClickException(f"No conversation {conversation_id}")
    analysis = recompute(conversation)
    db.session.commit()
    click.echo(f"{analysis.k} groups, {analysis.in_conversation} of {analysis.participants} participants clustered.")
