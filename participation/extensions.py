"""Extensions, created unbound; create_app() binds them."""
from typing import TYPE_CHECKING, Any

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from huey import MemoryHuey
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names: migrations can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class LazyMigrate:
    """Flask-Migrate, loaded only when a migration runs: Alembic (~11 MB) stays out of web workers.

    `init_app` records the options and adds a `flask db` group that loads the real one on use;
    `app.extensions["migrate"]` sets the real Flask-Migrate up on first access, so `flask db ...`,
    `flask_migrate.upgrade()` and the backup command work as usual."""

    def init_app(self, app: Any, db: Any, **options: Any) -> None:
        import click

        app.extensions["migrate"] = _PendingMigrate(app, db, options)

        @click.command("db", add_help_option=False,
                       context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
        @click.pass_context
        def db_cli(ctx: click.Context) -> None:
            """Perform database migrations (Flask-Migrate): flask db --help."""
            app.extensions["migrate"].directory  # noqa: B018 - sets the real Flask-Migrate up
            from flask_migrate.cli import db as real

            real.main(args=ctx.args, prog_name=ctx.command_path, obj=ctx.obj, standalone_mode=False)

        app.cli.add_command(db_cli)


class _PendingMigrate:
    def __init__(self, app: Any, db: Any, options: dict[str, Any]) -> None:
        self._setup = (app, db, options)

    def __getattr__(self, name: str) -> Any:
        real = self.__dict__.get("_real")
        if real is None:
            from flask_migrate import Migrate

            app, db, options = self._setup
            Migrate().init_app(app, db, **options)  # replaces app.extensions["migrate"] (and `flask db`)
            real = self.__dict__["_real"] = app.extensions["migrate"]
        return getattr(real, name)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The base class of every table. Flask-SQLAlchemy builds `db.Model` at run time; type checkers see
# the declarative base it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
mail = Mail()
# Background jobs. Created unbound (in memory, immediate); core.jobs.init_app gives it the storage
# that TASK_QUEUE names: SQLite in instance/ (default), Redis (REDIS_URL) or immediate (tests).
huey = MemoryHuey("participation", immediate=True)
