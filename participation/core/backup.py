"""`flask backup DIR` and `flask restore DIR`: the database, the uploads and a manifest.

A backup directory holds
- `database.sqlite3` (SQLite's online backup API: a consistent copy while the app keeps writing)
  or `database.pgdump` (PostgreSQL's `pg_dump --format=custom`, when the client tools are installed);
- `uploads/` with every stored image, copied after the database (so every row has its file);
- `manifest.json`: when, which backend, the schema revision, and the SHA-256 of every file.

Restoring checks every checksum and the schema revision against this code's migrations, and
refuses a database that already has data: restore into a new, empty instance.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from ..extensions import db
from . import clock
from .uploads import FILE_NAME, upload_dir

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FORMAT = 1


class BackupError(Exception):
    """Why a backup or a restore cannot go on (shown to the operator as it is)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path() -> str:
    path = _url().database
    if not path or path == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return path


def _pg_command(tool: str) -> tuple[list[str], dict[str, str]]:
    """The client tool and its connection arguments; the password goes by environment, not argv."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} was not found. Install the PostgreSQL client tools (Debian: "
                          f"apt-get install postgresql-client) of the server's version, then try again.")
    url = _url()
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = [executable, "--no-owner", "--no-privileges", "--dbname",
            url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)]
    return args, env


def head_revision() -> str:
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate

    migrate: Migrate = current_app.extensions["migrate"].migrate
    config = migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head() or ""


def current_revision() -> str | None:
    if "alembic_version" not in inspect(db.engine).get_table_names():
        return None
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup(target: str | Path) -> dict[str, Any]:
    """Write a backup into `target` (a new or empty directory); returns the manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: choose a new directory for each backup.")
    target.mkdir(parents=True, exist_ok=True)
    backend = db.engine.dialect.name
    started = clock.now()
    if backend == "sqlite":
        source = sqlite3.connect(_sqlite_path(), timeout=30)
        dest = sqlite3.connect(target / SQLITE_FILE)
        try:
            source.backup(dest)  # the online backup API: consistent while others write
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            revision = dest.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            dest.close()
            source.close()
        database = SQLITE_FILE
    elif backend == "postgresql":
        args, env = _pg_command("pg_dump")
        revision = current_revision()
        subprocess.run([*args, "--format=custom", "--file", str(target / PG_FILE)], env=env,
                       check=True, capture_output=True)
        database = PG_FILE
    else:  # pragma: no cover - only the two supported backends
        raise BackupError(f"Backups of {backend} databases are not supported.")
    uploads = target / "uploads"
    uploads.mkdir()
    for path in sorted(upload_dir().iterdir()):
        if path.is_file() and FILE_NAME.fullmatch(path.name):
            shutil.copy2(path, uploads / path.name)
    files = {str(p.relative_to(target)): _sha256(p) for p in sorted(target.rglob("*")) if p.is_file()}
    manifest = {"format": FORMAT, "created_at": started.isoformat(), "backend": backend,
                "database": database, "schema_revision": revision, "files": files}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def verify(source: str | Path) -> dict[str, Any]:
    """The manifest of a backup whose every file is present and unchanged, else BackupError."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable {MANIFEST} in {source}.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("This backup was written in an unknown format.")
    for name, checksum in manifest["files"].items():
        path = source / name
        if ".." in Path(name).parts or not path.is_file() or _sha256(path) != checksum:
            raise BackupError(f"{name} is missing or corrupted (its checksum does not match).")
    if manifest["schema_revision"] != head_revision():
        raise BackupError(f"The backup has schema revision {manifest['schema_revision']}, this version "
                          f"of the application expects {head_revision()}: restore with the version "
                          f"that wrote the backup, then upgrade.")
    return manifest


def _is_empty() -> bool:
    tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    if not tables:
        return True
    with db.engine.connect() as conn:
        return not any(conn.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() for name in sorted(tables))


def restore(source: str | Path) -> dict[str, Any]:
    """Restore a verified backup into this (empty) instance; returns the manifest."""
    source = Path(source)
    manifest = verify(source)
    backend = db.engine.dialect.name
    if manifest["backend"] != backend:
        raise BackupError(f"This backup is of a {manifest['backend']} database; this instance uses "
                          f"{backend}.")
    if not _is_empty():
        raise BackupError("This instance already has data. Restore into a new, empty instance.")
    db.session.remove()
    if backend == "sqlite":
        db.engine.dispose()
        src = sqlite3.connect(f"file:{source / SQLITE_FILE}?mode=ro", uri=True)
        dest = sqlite3.connect(_sqlite_path(), timeout=30)
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode=WAL")  # as the app runs it
        finally:
            dest.close()
            src.close()
    else:
        db.engine.dispose()
        args, env = _pg_command("pg_restore")
        with db.engine.begin() as conn:  # an empty schema (migrated or not) makes way for the dump
            for name in inspect(conn).get_table_names():
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
        subprocess.run([*args, "--exit-on-error", "--single-transaction", str(source / PG_FILE)],
                       env=env, check=True, capture_output=True)
    uploads = upload_dir()
    for path in sorted((source / "uploads").iterdir()):
        shutil.copy2(path, uploads / path.name)
    return manifest
