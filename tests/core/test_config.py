"""Configuration: SQLite defaults, the persistent secret key, PostgreSQL URLs."""
from __future__ import annotations

from sqlalchemy import text

from participation import _normalise_db_url, create_app
from participation.config import persistent_secret_key
from participation.extensions import db


def test_sqlite_default_lives_in_instance_with_wal_and_foreign_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PARTICIPATION_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    from participation.config import Config

    app = create_app(type("C", (Config,), {"SQLALCHEMY_DATABASE_URI": None, "TESTING": True}))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'participation.sqlite3'}"
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = persistent_secret_key(str(tmp_path))
    assert len(first) == 64
    assert persistent_secret_key(str(tmp_path)) == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert persistent_secret_key(str(tmp_path)) == "from-env"


def test_postgres_urls_use_psycopg3():
    assert _normalise_db_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert _normalise_db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _normalise_db_url("sqlite:///x") == "sqlite:///x"


def test_city_settings(app):
    assert app.config["CITY_TIMEZONE"] == "Asia/Tokyo"
    assert app.config["CITY_NAME"]["ja"] == "みどり川市"
    assert len(app.config["MAP_CENTER"]) == 2
