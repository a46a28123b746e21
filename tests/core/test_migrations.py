"""The schema comes only from migrations, and the migrations match the models."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from participation.extensions import db


def _include(obj, name, type_, reflected, compare_to):
    # Full-text search objects are created by hand in the proposals migration.
    return not (name or "").startswith(("proposals_fts", "ix_proposals_search"))


def _diff(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                           "include_object": _include})
    return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    """Built by `flask db upgrade` (see conftest); any model change without a migration fails."""
    with app.app_context():
        assert _diff(db.session.connection()) == []


def test_upgrade_builds_from_empty_and_downgrade_removes_everything(app, tmp_path):
    from participation import create_app

    from ..conftest import make_config

    if app.config["BACKEND"] == "postgresql":
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        dsn = f"host={url.host} port={url.port} user={url.username} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS migrations_roundtrip")
            conn.execute("CREATE DATABASE migrations_roundtrip")
        fresh_url = str(url.set(database="migrations_roundtrip").render_as_string(hide_password=False))
    else:
        fresh_url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    fresh = create_app(make_config(SQLALCHEMY_DATABASE_URI=fresh_url))
    with fresh.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "role_assignments", "departments", "audit_log"} <= tables
        with db.engine.connect() as connection:
            assert _diff(connection) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}, \
            inspect(db.engine).get_table_names()
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_migration_files_follow_the_naming_scheme():
    import re
    from pathlib import Path

    from participation.config import MIGRATIONS_DIR

    files = [p.name for p in Path(MIGRATIONS_DIR, "versions").glob("*.py")]
    assert files
    for name in files:
        assert re.fullmatch(r"\d{8}_\d{4}_[0-9a-f]+_[a-z0-9_]+\.py", name), name


def test_every_enum_column_is_checked_by_the_database(app):
    """An enum column accepts only its values even when written around the models (raw SQL, other tools)."""
    import sqlalchemy as sa

    with app.app_context():
        inspector = inspect(db.session.connection())
        missing = []
        for table in db.metadata.sorted_tables:
            checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
            for column in table.columns:
                if isinstance(column.type, sa.Enum):
                    name = f"ck_{table.name}_{column.type.name}"
                    if name not in checks:
                        missing.append((table.name, column.name, name))
        assert missing == []
