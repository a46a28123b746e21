"""participation: a bilingual citizen participation platform.

`create_app()` is the only place that wires the application together.
"""
from __future__ import annotations

import os
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from .config import MIGRATIONS_DIR, Config, ProductionConfig, persistent_secret_key
from .core import audit, registry
from .extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: Any = None) -> Flask:
    app = Flask(__name__, static_folder="core/static",
                instance_path=os.environ.get("PARTICIPATION_INSTANCE_PATH"),
                instance_relative_config=True)
    if config is None:
        config = ProductionConfig if os.environ.get("PARTICIPATION_ENV") == "production" else Config
    if isinstance(config, dict):
        app.config.from_object(Config)
        app.config.update(config)
    else:
        app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = persistent_secret_key(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "participation.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    app.url_map.converters["int"] = BoundedIntConverter
    registry.init_app(app)
    audit.init_app(app)  # how core's audit actions read; features add theirs in their init_app
    from .core import transport

    transport.init_app(app)  # first: its compression hook runs after every other one
    _init_extensions(app)
    _register_features(app)

    from .cli import register_cli
    from .core import actions, blocking, pages, proxies, site
    from .core.errors import register_error_handlers
    from .core.security import init_security_headers
    from .core.templating import init_templating

    register_error_handlers(app)
    actions.init_app(app)
    from .core import counts

    counts.init_app(app)  # row counts kept with the rows (registered users, survey responses)
    blocking.init_app(app)
    site.init_app(app)
    pages.init_app(app)
    proxies.init_app(app)
    init_security_headers(app)
    init_templating(app)
    register_cli(app)
    return app


class BoundedIntConverter(IntegerConverter):
    """<int:...> ids beyond a 32-bit integer are a 404, not a database overflow error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _normalise_db_url(url: str) -> str:
    """postgres:// and postgresql:// both mean psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):  # pragma: no cover - trivial
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # The driver's own transaction handling opens a transaction only before INSERT/UPDATE/DELETE and
    # lets SAVEPOINT start (and RELEASE commit) one of its own: a `begin_nested()` would commit the
    # request half-way. SQLAlchemy emits BEGIN itself instead (see `_sqlite_begin`).
    dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:  # pragma: no cover - trivial
    """A request that may write takes SQLite's one write lock when it starts (BEGIN IMMEDIATE), so two
    writers never interleave and never fail on a stale snapshot; reads (GET) start a plain BEGIN."""
    if connection.dialect.name != "sqlite":
        return
    from flask import has_request_context, request

    from .core.actions import WRITING_METHODS

    reading = has_request_context() and request.method not in WRITING_METHODS
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


# Every module that defines tables; imported so that metadata (and migrations) see them all.
MODEL_MODULES = (
    "participation.core.models",
    "participation.core.mail_models",
    "participation.processes.models",
    "participation.surveys.models",
    "participation.proposals.models",
    "participation.issues.models",
    "participation.issues.tallies",
    "participation.core.counts",
    "participation.moderation.models",
    "participation.alerts.models",
    "participation.meetings.models",
    "participation.budgets.models",
    "participation.core.verification",
    "participation.accountability.models",
    "participation.api.models",
    "participation.core.site",
    "participation.core.pages",
    "participation.core.privacy_models",
)


def _init_extensions(app: Flask) -> None:
    import importlib

    from .core import i18n
    from .core.models import User

    for module in MODEL_MODULES:
        importlib.import_module(module)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   timezone_selector=i18n.select_timezone)
    limiter.init_app(app)
    from .core import jobs
    from .core import mail as core_mail

    jobs.init_app(app)
    core_mail.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "core.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to continue.")

    @login_manager.user_loader
    def load_user(session_token: str):
        """Sessions and remember cookies carry the user's session token (rotated to end them)."""
        from sqlalchemy import select
        from sqlalchemy.orm import joinedload

        if not session_token or len(session_token) > 64:
            return None
        # The roles come in the same query: every signed-in page asks what the person may do.
        return db.session.scalars(select(User).options(joinedload(User.roles))
                                  .where(User.session_token == session_token)).unique().first()

    app.before_request(i18n.remember_requested_language)


# The features, in the order their contributions appear on shared pages (home, process page) and
# in which `flask seed-demo` fills them. Each package has `init_app(app)`: blueprint, CLI, signal
# receivers, notification kinds, moderation targets, template globals.
FEATURES = ("processes", "proposals", "surveys", "conversations", "places", "issues", "moderation", "meetings",
            "budgets", "accountability", "verifications", "api", "alerts", "kpi",
            "administration")


def _register_features(app: Flask) -> None:
    import importlib

    from .core.views import bp as core_bp

    app.register_blueprint(core_bp)
    from .core import account_views

    account_views.init_app(app)  # password reset, confirmation, e-mail settings, /admin/jobs
    from .core import privacy_views

    privacy_views.init_app(app)  # consents, download my data, delete my account, public profiles
    for feature in FEATURES:
        importlib.import_module(f"participation.{feature}").init_app(app)
