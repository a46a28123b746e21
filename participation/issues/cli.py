"""`flask areas`: the city's areas (wards) that route street issues."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup, with_appcontext

from ..core.errors import ServiceError
from ..extensions import db

areas_cli = AppGroup("areas", help="City areas (wards) used to route street issues.")


@areas_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_areas(path: str) -> None:
    """Create or update areas from a GeoJSON FeatureCollection (properties: code, name_ja, name_en)."""
    from .areas import import_areas as do_import

    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        created, updated = do_import(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"Not a valid GeoJSON file: {exc}") from None
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f"Areas: {created} created, {updated} updated.")
