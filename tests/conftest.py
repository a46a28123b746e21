"""Fixtures in the style of Flask's tutorial: `app`, `client`, `runner`, `login`, factories.

Every test that uses `app` runs twice: on SQLite and on a real PostgreSQL server that the
test run starts itself. The schema is built once per database through the migrations.

Isolation: each test runs inside one outer transaction on one connection that is rolled back at
the end; every session of the test (requests, factories, services) joins it through a SAVEPOINT
(`join_transaction_mode="create_savepoint"`), so a commit inside the test is real for the test and
gone afterwards. Only tests marked `commits_from_threads` (several threads, several connections)
use the database for real and have every table wiped afterwards.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from participation import create_app
from participation.config import TestConfig
from participation.core import clock
from participation.extensions import db, limiter

from .pg import PostgresServer, find_bindir

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres_server():
    bindir = find_bindir()
    if bindir is None:
        message = ("PostgreSQL server binaries (initdb, pg_ctl) not found: install the "
                   "'postgresql' package to run the PostgreSQL half of the suite.")
        if IN_CI:
            pytest.fail(message + " They are required when CI=true.")
        pytest.skip(message)
    server = PostgresServer(bindir).start()
    yield server
    server.stop()


def make_config(**overrides):
    return type("Config", (TestConfig,), overrides)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend_app(request, tmp_path_factory):
    instance = tmp_path_factory.mktemp(f"instance-{request.param}")
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = server.create_database("participation_test")
    else:
        url = f"sqlite:///{instance / 'test.sqlite3'}"
    os.environ["PARTICIPATION_INSTANCE_PATH"] = str(instance)
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=url))
    app.config["BACKEND"] = request.param
    with app.app_context():
        upgrade()
    # Sessions bound to a test's connection join its transaction through a SAVEPOINT.
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        db.engine.dispose()


def _wipe(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                  + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


@contextlib.contextmanager
def _rolled_back(app):
    """Bind every session of `app` to one connection inside a transaction that is rolled back."""
    with app.app_context():
        db.session.remove()
        engines = db.engines
        engine = engines[None]
    connection = engine.connect()
    outer = connection.begin()  # on SQLite a real BEGIN (see participation/__init__.py)
    engines[None] = connection
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        engines[None] = engine
        outer.rollback()
        connection.close()


@pytest.fixture
def app(backend_app, tmp_path, request):
    limiter.reset()
    clock.unfreeze()
    saved = dict(backend_app.config)
    backend_app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")  # files of this test only
    backend_app.config["EXPORT_FOLDER"] = str(tmp_path / "exports")  # "download my data" zips
    threaded = request.node.get_closest_marker("commits_from_threads") is not None
    with contextlib.ExitStack() as stack:
        if not threaded:
            stack.enter_context(_rolled_back(backend_app))
        yield backend_app
    backend_app.config.clear()
    backend_app.config.update(saved)
    clock.unfreeze()
    if threaded:
        _wipe(backend_app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)

PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app):
    """make_user(role=None, department=None, process_id=None, **fields) -> User (detached)."""
    from participation.core import services
    from participation.core.models import Department, Role

    def factory(role: str | None = None, *, department: str | None = None,
                process_id: int | None = None, email: str | None = None,
                display_name: str | None = None, password: str = PASSWORD,
                language: str | None = None):
        n = next(_counter)
        with app.app_context():
            user = services.register_user(email or f"user{n}@example.jp",
                                          display_name or f"利用者{n}", password, language=language)
            if role and role != "resident":
                dept = None
                if department:
                    dept = db.session.scalar(db.select(Department).where(Department.code == department))
                    if dept is None:
                        dept = Department(code=department, name={"ja": department, "en": department})
                        db.session.add(dept)
                        db.session.flush()
                services.grant_role(None, user, Role(role), department=dept, process_id=process_id)
            db.session.commit()
            db.session.refresh(user)
            _ = [(a.role, a.department) for a in user.roles]
            db.session.expunge_all()
            return user

    return factory


def session_token_of(app, user_or_id) -> str:
    """What a signed-in session carries for a user (Flask-Login's alternative id), as stored now."""
    from participation.core.models import User

    user_id = getattr(user_or_id, "id", user_or_id)
    with app.app_context():
        return db.session.scalar(db.select(User.session_token).where(User.id == user_id))


@pytest.fixture
def login(app, client):
    """login(user): sign the test client in as `user` without going through the form."""

    def do_login(user):
        with client.session_transaction() as session:
            session["_user_id"] = session_token_of(app, user)
            session["_fresh"] = True
        return user

    return do_login


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/auth/login") -> str:
    """The session's CSRF token, read from `path` (or from any page with a form)."""
    for page in (path, "/auth/login", "/account/"):
        match = CSRF_RE.search(client.get(page).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError(f"no CSRF token on {path}")


@pytest.fixture
def post_form(client):
    """post_form(url, data, page=None): POST with a valid CSRF token taken from `page`."""

    def do_post(url: str, data, page: str | None = None, **kwargs):
        from werkzeug.datastructures import MultiDict

        # MultiDict keeps repeated keys (checkboxes); a plain dict's tuple values are files.
        if isinstance(data, MultiDict):
            data = data.copy()
        else:  # a list value is several values (checkboxes, several files)
            data = MultiDict([(k, item) for k, v in data.items()
                              for item in (v if isinstance(v, list) else [v])])
        data["csrf_token"] = csrf_token(client, page or url)
        return client.post(url, data=data, **kwargs)

    return do_post


@pytest.fixture
def make_process(app):
    """make_process(slug=None, status="published", start=..., end=..., phases=None) -> Process.

    Defaults: active now (from 30 days ago to 30 days ahead) with one phase over the whole
    period that opens everything. `phases` is a list of dicts of Phase fields.
    """
    from datetime import timedelta

    from participation.processes.models import Phase, Process, city_today

    def factory(slug: str | None = None, *, status: str = "published", start=None, end=None,
                phases: list[dict] | None = None, title: dict | None = None):
        n = next(_counter)
        with app.app_context():
            today = city_today()
            start = start or today - timedelta(days=30)
            end = end or today + timedelta(days=30)
            process = Process(slug=slug or f"process-{n}",
                              title=title or {"ja": f"プロセス{n}", "en": f"Process {n}"},
                              subtitle={}, description={"ja": "説明", "en": "Description"},
                              start_date=start, end_date=end, status=status)
            if phases is None:
                phases = [dict(start_date=start, end_date=end, allow_proposals=True,
                               allow_supports=True, allow_comments=True,
                               allow_survey_answers=True)]
            for i, spec in enumerate(phases, 1):
                spec = {"title": {"ja": f"フェーズ{i}", "en": f"Phase {i}"}, **spec}
                process.phases.append(Phase(**spec))
            db.session.add(process)
            db.session.commit()
            db.session.refresh(process)
            _ = [p.title for p in process.phases]
            db.session.expunge_all()
            return process

    return factory


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only are not collected against SQLite (deselected, never skipped)."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.get_closest_marker("postgres_only") and params.get("backend_app") == "sqlite":
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
