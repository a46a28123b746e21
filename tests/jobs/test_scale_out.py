"""Scale-out: two gunicorn instances on PostgreSQL + Redis, with two queue consumers.

They share sessions (a login on one is valid on the other), rate limits (Flask-Limiter on Redis)
and the queue (Huey on Redis): a job enqueued through one instance runs exactly once.
redis-server comes from Debian's `redis-server` package (installed by .ci/run); without it the test
is skipped locally and fails when CI=true, like the PostgreSQL half of the suite.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ..conftest import IN_CI
from ..pg import free_port

REDIS = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)
PASSWORD = "scale out passphrase 42"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


SETUP = f"""
from flask_migrate import upgrade
from participation import create_app
from participation.core import services
from participation.extensions import db
app = create_app()
with app.app_context():
    upgrade()
    services.register_user("scale@example.jp", "規模", {PASSWORD!r})
    db.session.commit()
"""


def wait_for(check, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception:  # noqa: BLE001 - not up yet
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def redis_url():
    if REDIS is None:
        message = "redis-server not found: install Debian's 'redis-server' package to run the scale-out test."
        if IN_CI:
            pytest.fail(message + " It is required when CI=true.")
        pytest.skip(message)
    port = free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        wait_for(client.ping, 10, "redis-server")
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Browser:
    """A cookie-keeping HTTP client (stdlib only) that can talk to any instance."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post_form(self, base: str, path: str, data: dict) -> int:
        _, page = self.request(base + path)
        token = CSRF.search(page).group(1)
        return self.request(base + path, {**data, "csrf_token": token})[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.postgres_only
def test_two_instances_share_sessions_rate_limits_and_the_queue(postgres_server, redis_url, tmp_path):
    database = postgres_server.create_database("scale_out")
    instance = tmp_path / "instance"
    env = dict(os.environ, FLASK_APP="participation", DATABASE_URL=database, REDIS_URL=redis_url,
               TASK_QUEUE="redis", RATELIMIT_STORAGE_URI=redis_url, SECRET_KEY="shared-secret-of-the-cluster",
               PARTICIPATION_INSTANCE_PATH=str(instance), MAIL_BACKEND="console",
               LOGIN_RATE_LIMIT="4 per minute", PUBLIC_URL="http://city.example.jp")
    bin_dir = Path(sys.executable).parent
    flask = [sys.executable, "-m", "flask"]
    ports = [free_port(), free_port()]
    logs = [(tmp_path / f"{name}.log").open("wb") for name in ("web1", "web2", "worker1", "worker2", "setup")]
    # Everything starts at once (each process loads the app; the machine may be busy): the servers
    # answer /healthz before the schema exists, and nobody uses a table before the setup is done.
    procs = [subprocess.Popen([str(bin_dir / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
                               "participation:create_app()"], env=env, stdout=log, stderr=subprocess.STDOUT)
             for port, log in zip(ports, logs[:2], strict=True)]
    procs += [subprocess.Popen([*flask, "jobs", "worker", "--workers", "2"], env=env, stdout=log,
                               stderr=subprocess.STDOUT) for log in logs[2:4]]
    setup = subprocess.Popen([sys.executable, "-c", SETUP], env=env, stdout=logs[4], stderr=subprocess.STDOUT)
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        assert setup.wait(timeout=60) == 0, (tmp_path / "setup.log").read_text()
        for base in (a, b):
            wait_for(lambda base=base: Browser().request(base + "/healthz")[0] == 200, 30, f"gunicorn at {base}")
        # A login on one instance is valid on the other.
        browser = Browser()
        assert browser.post_form(a, "/auth/login", {"email": "scale@example.jp", "password": PASSWORD}) == 302
        status, page = browser.request(b + "/account/")
        assert status == 200 and "scale@example.jp" in page

        # Rate limits are counted across instances (4 per minute per address, in Redis; the login
        # above was the first).
        stranger = Browser()
        outcomes = [stranger.post_form(base, "/auth/login", {"email": "x@example.jp", "password": "wrong"})
                    for base in (b, a, b, a)]
        assert outcomes == [400, 400, 400, 429]
        # A job enqueued through instance B runs exactly once although two consumers listen.
        assert Browser().post_form(b, "/auth/reset", {"email": "scale@example.jp"}) == 200
        mail_dir = instance / "mail"
        wait_for(lambda: list(mail_dir.glob("*.log")), 30, "the reset mail")
        time.sleep(1.5)  # a second run, if there were one, would have written by now
        files = list(mail_dir.glob("*.log"))
        assert len(files) == 1
        body = files[0].read_text()
        assert "scale@example.jp" in body and "http://city.example.jp/auth/reset/" in body
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()
