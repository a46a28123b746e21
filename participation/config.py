"""Settings. Everything can be overridden from the environment; see README."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS_DIR = REPO_ROOT / "translations"
MIGRATIONS_DIR = REPO_ROOT / "migrations"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ[name])
    except (KeyError, ValueError):
        return default


def persistent_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Create with owner-only permissions; never overwrite a key another worker just wrote.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


class Config:
    # Filled in by create_app(): SECRET_KEY (persistent_secret_key) and the SQLite path.
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # The city
    CITY_NAME = {
        "ja": os.environ.get("CITY_NAME_JA", "みどり川市"),
        "en": os.environ.get("CITY_NAME_EN", "Midorikawa City"),
    }
    CITY_TIMEZONE = os.environ.get("CITY_TIMEZONE", "Asia/Tokyo")
    MAP_CENTER = (
        _env_float("MAP_CENTER_LAT", 35.6580),
        _env_float("MAP_CENTER_LON", 139.7016),
    )
    MAP_ZOOM = int(_env_float("MAP_ZOOM", 14))
    # Geospatial Information Authority of Japan standard map: suited to Japanese place names.
    MAP_TILE_URL = os.environ.get(
        "MAP_TILE_URL", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
    )
    MAP_TILE_ATTRIBUTION = os.environ.get(
        "MAP_TILE_ATTRIBUTION",
        '<a href="https://maps.gsi.go.jp/development/ichiran.html">国土地理院</a>',
    )

    # Languages: Japanese first.
    LANGUAGES = ("ja", "en")
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_TRANSLATION_DIRECTORIES = str(TRANSLATIONS_DIR)

    # Requests
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)

    # Rate limits (Flask-Limiter). memory:// by default; e.g. redis://localhost:6379 in production.
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per minute;20 per hour")

    # Moderation and posting limits
    MODERATION_HIDE_THRESHOLD = int(_env_float("MODERATION_HIDE_THRESHOLD", 3))
    FLAG_RATE_LIMIT = os.environ.get("FLAG_RATE_LIMIT", "20 per hour")
    POST_RATE_LIMIT = os.environ.get("POST_RATE_LIMIT", "30 per hour;5 per minute")

    # Proposals
    PROPOSAL_EDIT_MINUTES = int(_env_float("PROPOSAL_EDIT_MINUTES", 15))

    # Accounts
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_HASH_METHOD = "scrypt"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
    # Hashing strength is not under test; a cheap method keeps the suite fast.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
