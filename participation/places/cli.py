"""`flask places import FILE`: load a gazetteer CSV (see places.importer for the formats)."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from ..core.errors import ServiceError
from ..extensions import db

places_cli = AppGroup("places", help="The gazetteer: towns, blocks and landmarks for address search.")


@places_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_places(paths: tuple[str, ...]) -> None:
    """Import Address Base Registry / MLIT 位置参照情報 / landmarks CSV files, in the order given
    (towns before their blocks). Importing a file again updates its rows."""
    from .importer import import_file

    for path in paths:
        with open(path, "rb") as fh:
            raw = fh.read()
        try:
            result = import_file(raw, path)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(f"{path}: {exc.message}") from None
        db.session.commit()
        extra = f", {result.towns_added} towns added from blocks" if result.towns_added else ""
        click.echo(f"{path} ({result.format}): {result.created} created, {result.updated} updated, "
                   f"{result.skipped} skipped{extra}.")
