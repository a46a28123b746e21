"""Verified residents: the pages and the `flask census hash` tool (the rules live in core.verification,
so that every feature can ask `is_verified(user)`)."""
from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import AppGroup


def init_app(app: Flask) -> None:
    from . import personal_data

    personal_data.init_app(app)  # download my data, delete my account, public profile
    from ..core.verification import can_manage_verifications, is_verified
    from .views import bp

    app.config.setdefault("CENSUS_HMAC_KEY", os.environ.get("CENSUS_HMAC_KEY"))
    app.register_blueprint(bp)
    from ..core import signals

    signals.admin_sections.connect(_admin_sections, sender=app, weak=False)
    app.jinja_env.globals.update(is_verified=is_verified, can_manage_verifications=can_manage_verifications)
    app.cli.add_command(census_cli)


census_cli = AppGroup("census", help="The voter list for verification by census match.")


@census_cli.command("hash")
@click.argument("source", type=click.File("r", encoding="utf-8-sig"))
@click.argument("target", type=click.File("w", encoding="utf-8"))
@click.option("--key", envvar="CENSUS_HMAC_KEY", required=True, help="The secret (or CENSUS_HMAC_KEY).")
def census_hash(source, target, key: str) -> None:
    """SOURCE: CSV with columns document_number,birth_date (YYYY-MM-DD). TARGET: CSV of key_hash."""
    import csv
    from datetime import date

    from ..core.verification import census_key

    writer = csv.writer(target)
    writer.writerow(["key_hash"])
    count = 0
    for number, row in enumerate(csv.DictReader(source), 2):
        try:
            writer.writerow([census_key(row["document_number"], date.fromisoformat(row["birth_date"].strip()), key)])
        except (KeyError, ValueError, AttributeError):
            raise click.ClickException(f"line {number}: need document_number and birth_date (YYYY-MM-DD)") from None
        count += 1
    click.echo(f"{count} keyed hashes written; the raw values stay with you.", err=True)


def _admin_sections(app, user=None) -> list:
    """Links on the administration dashboard."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    from ..core.verification import can_manage_verifications

    if not can_manage_verifications(user):
        return []
    return [(_l("Verified residents"), url_for("verifications.admin"))]
