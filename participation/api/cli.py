"""`flask api-keys create/revoke/list` and `flask opendata build`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..core.errors import ServiceError
from ..extensions import db

keys_cli = AppGroup("api-keys", help="API keys of client applications (Open311).")
opendata_cli = AppGroup("opendata", help="The open data files.")


@keys_cli.command("create")
@click.option("--name", required=True, help="The client application's name.")
@click.option("--contact", default="", help="Its developers' e-mail address.")
@click.option("--rate-limit", default="", help="For example '60 per minute;1000 per day'.")
@with_appcontext
def create(name: str, contact: str, rate_limit: str) -> None:
    """Issue a key; it is printed once and stored only as a hash."""
    from .services import create_key

    try:
        row, key = create_key(None, {"name": name, "contact": contact, "rate_limit": rate_limit}, check=False)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f"API key for {row.name} (shown only now): {key}")


@keys_cli.command("revoke")
@click.argument("name")
@with_appcontext
def revoke(name: str) -> None:
    from .services import revoke_key

    try:
        revoke_key(None, name=name, check=False)
    except ServiceError as exc:
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f"Revoked the API key of {name}.")


@keys_cli.command("list")
@with_appcontext
def list_keys() -> None:
    from .services import list_keys as rows

    for row in rows():
        state = "revoked" if row.revoked_at else "active"
        click.echo(f"{row.name}\t{row.prefix}…\t{row.rate_limit}\t{state}")


@opendata_cli.command("build")
@click.option("--base-url", default="http://localhost:5000", help="Used when PUBLIC_BASE_URL is not set.")
@with_appcontext
def build(base_url: str) -> None:
    """Rebuild today's open data files (CSV, GeoJSON, catalogue, zip)."""
    from .opendata import build as do_build

    path = do_build(current_app._get_current_object(), base_url)  # type: ignore[attr-defined]
    click.echo(f"Open data written to {path}")
