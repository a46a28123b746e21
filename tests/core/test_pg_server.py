"""The throwaway PostgreSQL server of the test run never outlives the run that started it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile

import pytest

from ..pg import OWNER_FILE, PREFIX, PostgresServer, clean_stale_servers, find_bindir


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def bindir():
    found = find_bindir()
    if found is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("PostgreSQL server binaries are required when CI=true.")
        pytest.skip("PostgreSQL server binaries not installed")
    return found


def test_a_server_left_by_a_killed_run_is_stopped_and_removed(bindir):
    server = PostgresServer(bindir).start()
    try:
        assert _listening(server.port)
        with open(os.path.join(server.root, OWNER_FILE), "w") as fh:  # its run was killed
            fh.write(str(_dead_pid()))
        assert clean_stale_servers(bindir) >= 1
        assert not _listening(server.port)
        assert not os.path.exists(server.root)
    finally:
        server.stop()


def test_servers_of_live_runs_are_left_alone(bindir):
    root = tempfile.mkdtemp(prefix=PREFIX)
    try:
        with open(os.path.join(root, OWNER_FILE), "w") as fh:
            fh.write(str(os.getpid()))
        clean_stale_servers(bindir)
        assert os.path.isdir(root)
    finally:
        os.remove(os.path.join(root, OWNER_FILE))
        os.rmdir(root)


def test_stop_is_idempotent(bindir):
    server = PostgresServer(bindir).start()
    server.stop()
    server.stop()
    assert not os.path.exists(server.root)
