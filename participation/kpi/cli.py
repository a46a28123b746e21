"""`flask kpi rebuild`: recompute every KPI figure from the rows."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

kpi_cli = AppGroup("kpi", help="Participation KPIs.")


@kpi_cli.command("rebuild")
@click.option("--months", type=int, default=None, help="Only the last N months (default: everything).")
@with_appcontext
def rebuild(months: int | None) -> None:
    """Recompute the KPI figures (all months, or the last N)."""
    from ..extensions import db
    from .rollup import rollup

    run = rollup(months)
    db.session.commit()
    click.echo(f"KPI figures recomputed from {run.from_month}: {run.facts} facts.")
