"""Real Chromium (Debian's, never a downloaded one) against the app served on a free loopback port
with a temporary SQLite database holding the demo city. Failures leave a screenshot and the page
HTML in artifacts/."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ..conftest import IN_CI
from ..pg import free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SERVED: dict = {}  # the app behind live_server (its url_map names every page)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def live_server():
    """The app on http://127.0.0.1:<port>, seeded with the demo city."""
    from flask_migrate import upgrade

    from participation import create_app
    from participation.config import Config

    tmp = tempfile.mkdtemp(prefix="participation-browser-")
    previous = os.environ.get("PARTICIPATION_INSTANCE_PATH")
    os.environ["PARTICIPATION_INSTANCE_PATH"] = tmp
    app = create_app(type("BrowserConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/browser.sqlite3", "SECRET_KEY": "browser-tests",
        "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Tiles would come from the internet: serve none, the map still works without them.
        "MAP_TILE_URL": "/tiles/{z}/{x}/{y}.png"}))
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    SERVED["app"] = app
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    with app.app_context():
        from participation.extensions import db

        db.engine.dispose()
    if previous is None:
        os.environ.pop("PARTICIPATION_INSTANCE_PATH", None)
    else:
        os.environ["PARTICIPATION_INSTANCE_PATH"] = previous
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package for browser tests."
        if IN_CI:
            pytest.fail(message + " They are required when CI=true.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def new_page(browser, request):
    """new_page(locale="ja", javascript=True, width=1100) -> a page; artifacts saved on failure."""
    contexts = []

    def factory(*, javascript: bool = True, width: int = 1100, height: int = 900):
        context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": height},
                                      locale="ja-JP")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield factory
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-120:]
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                stem = ARTIFACTS / f"{name}-{index}-{number}"
                try:
                    page.screenshot(path=f"{stem}.png", full_page=True)
                    Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
                except Exception:  # noqa: BLE001 - best effort when the page is gone
                    pass
    for context in contexts:
        context.close()


def sign_in(page, base: str, email: str, password: str = "demo-password", lang: str = "ja") -> None:
    """Sign in through the form, then choose the page language (saved as the user's preference)."""
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(f"{base}/?lang={lang}")
