"""Issue 11, item 17: `flask backup DIR` / `flask restore DIR`, round trip while the app writes."""
from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from participation import create_app
from participation.core import uploads
from participation.core.models import Department, User
from participation.extensions import db

from ..conftest import make_config
from ..core.test_uploads import jpeg_with_exif

_names = itertools.count(1)


def writer(app, stop: threading.Event, written: list[int]):
    """Commits a department at a time, as a busy app would, until told to stop."""
    with app.app_context():
        while not stop.is_set():
            n = next(_names)
            db.session.add(Department(code=f"w{n}", name={"ja": f"課{n}"}))
            db.session.commit()
            written.append(n)
            time.sleep(0.002)
        db.session.remove()


def new_instance(app, tmp_path, request):
    """An empty instance of the same backend to restore into."""
    if app.config["BACKEND"] == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(f"restore_{next(_names)}")
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    target = create_app(make_config(SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp_path / "restored-uploads")))
    target.config["BACKEND"] = app.config["BACKEND"]
    return target


@pytest.mark.commits_from_threads
def test_backup_and_restore_round_trip_while_writing(app, make_user, tmp_path, request):
    for _ in range(3):
        make_user()
    with app.app_context():
        upload = uploads.save_image(jpeg_with_exif(300, 200, orientation=1))
        db.session.commit()
        photo = upload.filename
    stop, written = threading.Event(), []
    thread = threading.Thread(target=writer, args=(app, stop, written))
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        before = len(written)
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b1")])
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "b1" / "manifest.json").read_text())
    assert manifest["backend"] == app.config["BACKEND"] and manifest["schema_revision"]
    assert f"uploads/{photo}" in manifest["files"]
    if app.config["BACKEND"] == "sqlite":
        with sqlite3.connect(tmp_path / "b1" / "database.sqlite3") as check:
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    target = new_instance(app, tmp_path, request)
    restored = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "b1")])
    assert restored.exit_code == 0, restored.output
    with target.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 3
        departments = db.session.scalar(select(func.count(Department.id)))
        assert before <= departments <= len(written)  # a consistent moment: nothing lost, nothing torn
        assert (uploads.upload_dir() / photo).exists()
        db.session.remove()
        again = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "b1")])
        assert again.exit_code != 0 and "already has data" in again.output
        db.engine.dispose()


@pytest.mark.commits_from_threads
def test_restore_refuses_corrupted_files_and_other_schema_revisions(app, make_user, tmp_path, request):
    make_user()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    assert runner.invoke(args=["backup", str(tmp_path / "b")]).exit_code != 0  # never over a backup
    target = new_instance(app, tmp_path, request)
    corrupt = tmp_path / "corrupt"
    shutil.copytree(tmp_path / "b", corrupt)
    database = next(p for p in corrupt.iterdir() if p.name.startswith("database."))
    database.write_bytes(database.read_bytes()[:-10] + b"0123456789")
    refused = target.test_cli_runner().invoke(args=["restore", str(corrupt)])
    assert refused.exit_code != 0 and "corrupted" in refused.output
    other = tmp_path / "other"
    shutil.copytree(tmp_path / "b", other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["schema_revision"] = "0000deadbeef"
    (other / "manifest.json").write_text(json.dumps(manifest))
    refused = target.test_cli_runner().invoke(args=["restore", str(other)])
    assert refused.exit_code != 0 and "schema revision 0000deadbeef" in refused.output
    with target.app_context():
        db.engine.dispose()
