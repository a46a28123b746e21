"""/healthz, in-process and through gunicorn."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

from ..pg import free_port


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_is_down(tmp_path):
    from participation import create_app

    from ..conftest import make_config

    app = create_app(make_config(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}


def test_gunicorn_serves_healthz(app, tmp_path):
    port = free_port()
    env = dict(os.environ,
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY="gunicorn-test",
               PARTICIPATION_INSTANCE_PATH=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "participation:create_app()"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    assert json.loads(r.read()) == {"status": "ok", "database": "ok"}
                    break
            except OSError as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode() if proc.poll() is not None else ""
                    raise AssertionError(f"gunicorn did not answer: {output}") from exc
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
