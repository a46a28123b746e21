"""The app starts without the heavy libraries only some pages and jobs need (worker memory)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

# numpy, scipy and scikit-learn (opinion groups) load only where a recompute runs (and numpy/scipy for
# the gazetteer once one is imported); shapely only when a report is placed in an area or areas are
# imported; Alembic only when a migration runs. Together they cost ~100 MB per worker.
HEAVY = ("numpy", "scipy", "sklearn", "shapely", "alembic", "flask_migrate")

SCRIPT = """
import json, sys
from participation import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "memory-test", "TASK_QUEUE": "immediate"})
from participation.extensions import db
with app.app_context():
    db.create_all()
client = app.test_client()
# A page of each kind that must stay light.
statuses = [client.get(path).status_code for path in ("/", "/issues/", "/processes/")]
print(json.dumps({"loaded": [name for name in sys.argv[2:] if name in sys.modules], "statuses": statuses}))
"""


def test_create_app_and_pages_do_not_import_heavy_libraries(tmp_path):
    env = dict(os.environ, PARTICIPATION_INSTANCE_PATH=str(tmp_path))
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path / 'memory.sqlite3'}", *HEAVY],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["statuses"] == [200, 200, 200]
    assert outcome["loaded"] == [], f"imported when the app starts: {outcome['loaded']}"
