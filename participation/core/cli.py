"""Operator commands of core: `flask uploads clean`, `flask backup DIR`, `flask restore DIR`,
`flask counters rebuild`."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

uploads_cli = AppGroup("uploads", help="Stored images.")


@uploads_cli.command("clean")
@click.option("--min-age", default=3600, show_default=True,
              help="Only files older than this many seconds (younger ones may belong to a running request).")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@with_appcontext
def clean_uploads(min_age: int, dry_run: bool) -> None:
    """Remove image files that no upload row names (left by requests that died mid-upload)."""
    from .uploads import clean_orphans

    removed = clean_orphans(min_age, dry_run=dry_run)
    verb = "Would remove" if dry_run else "Removed"
    for path in removed:
        click.echo(f"{verb} {path.name}")
    click.echo(f"{verb} {len(removed)} file(s) with no upload row.")


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(directory: str) -> None:
    """Write a consistent copy of the database, the uploads and a manifest into DIRECTORY."""
    from .backup import BackupError, backup

    try:
        manifest = backup(directory)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {directory}: {manifest['backend']} database at schema revision "
               f"{manifest['schema_revision']}, {len(manifest['files'])} file(s) with checksums.")


@click.command("restore")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
@with_appcontext
def restore_command(directory: str) -> None:
    """Restore a backup from DIRECTORY into this new, empty instance."""
    from .backup import BackupError, restore

    try:
        manifest = restore(directory)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the backup of {manifest['created_at']} (schema revision "
               f"{manifest['schema_revision']}).")


counters_cli = AppGroup("counters", help="Counter and aggregate tables behind totals and statistics.")


@counters_cli.command("rebuild")
@with_appcontext
def rebuild_counters() -> None:
    """Recompute every counter and aggregate table from the rows (after a restore or a manual fix)."""
    from flask import current_app

    from ..extensions import db
    from . import signals

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for _receiver, line in signals.rebuild_counters.send(app):
        if line:
            click.echo(line)
    db.session.commit()
    click.echo("Counters rebuilt.")


def init_app(app: Flask) -> None:
    from . import upload_jobs  # noqa: F401 - the worker learns the hourly clean-up

    app.cli.add_command(uploads_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(counters_cli)
