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
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: ignore them).
    TRUSTED_PROXIES = int(_env_float("TRUSTED_PROXIES", 0))
    # Strict-Transport-Security max-age in seconds (0: not sent; production sends a year).
    HSTS_SECONDS = int(_env_float("HSTS_SECONDS", 0))

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

    # Meetings: registered people see the online link from this many minutes before the start
    MEETING_LINK_MINUTES = int(_env_float("MEETING_LINK_MINUTES", 30))
    # Conversations: recompute the opinion groups after this many new votes, or this long after the last
    CONVERSATION_RECOMPUTE_VOTES = int(_env_float("CONVERSATION_RECOMPUTE_VOTES", 20))
    CONVERSATION_RECOMPUTE_SECONDS = int(_env_float("CONVERSATION_RECOMPUTE_SECONDS", 300))

    # Accounts
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"


    # Background jobs (Huey): sqlite (instance/huey.sqlite3, the default) | redis (REDIS_URL) | immediate
    REDIS_URL = os.environ.get("REDIS_URL")
    TASK_QUEUE = os.environ.get("TASK_QUEUE", "redis" if os.environ.get("REDIS_URL") else "sqlite")

    # Mail (Flask-Mailman). console: written to the log and to instance/mail/ (the default).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(_env_float("MAIL_PORT", 25))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@localhost")
    MAIL_TIMEOUT = int(_env_float("MAIL_TIMEOUT", 10))
    # Links in mails are built from this address, never from a request's Host header.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # Unconfirmed accounts may post at once, but no longer after this many days.
    UNCONFIRMED_POSTING_DAYS = int(_env_float("UNCONFIRMED_POSTING_DAYS", 2))
    # Departments get a daily list (07:00 city time) of their reports still open after this many days.
    ISSUE_OVERDUE_DAYS = int(_env_float("ISSUE_OVERDUE_DAYS", 5))
    # Fix target (working days) of a category whose category and department set none (KPIs, /issues/stats).
    ISSUE_FIX_TARGET_DAYS = int(_env_float("ISSUE_FIX_TARGET_DAYS", 20))


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = int(_env_float("HSTS_SECONDS", 31536000))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
    # Hashing strength is not under test; a cheap method keeps the suite fast.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    TASK_QUEUE = "immediate"
    MAIL_BACKEND = "locmem"
    PUBLIC_URL = "http://localhost"
