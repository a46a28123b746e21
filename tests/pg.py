"""A throwaway PostgreSQL server for the test run: initdb + pg_ctl in a temporary directory.

The server is stopped when the run ends, also when it is interrupted (atexit, SIGTERM, SIGHUP);
a server left behind by a run that was killed outright is stopped when the next run starts.
"""
from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

PREFIX = "participation-pg-"
OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_servers(bindir: str) -> int:
    """Stop and remove servers of earlier runs whose test process is gone. Returns how many."""
    cleaned = 0
    for root in glob.glob(os.path.join(tempfile.gettempdir(), PREFIX + "*")):
        try:
            with open(os.path.join(root, OWNER_FILE)) as fh:
                owner = int(fh.read().strip() or 0)
        except (OSError, ValueError):
            owner = 0
        if owner and _alive(owner):
            continue
        data = os.path.join(root, "data")
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            user = "postgres" if os.geteuid() == 0 else None
            subprocess.run([os.path.join(bindir, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"],
                           capture_output=True, user=user, check=False)
        shutil.rmtree(root, ignore_errors=True)
        cleaned += 1
    return cleaned


def find_bindir() -> str | None:
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            candidates.append(subprocess.run([pg_config, "--bindir"], capture_output=True,
                                             text=True, check=True).stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(os.path.dirname(os.path.realpath(initdb)))
    for directory in candidates:
        if os.path.exists(os.path.join(directory, "initdb")) and \
                os.path.exists(os.path.join(directory, "pg_ctl")):
            return directory
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """Starts a private server on a free loopback port; `url` points at a fresh database."""

    def __init__(self, bindir: str):
        self.bindir = bindir
        clean_stale_servers(bindir)
        self.root = tempfile.mkdtemp(prefix=PREFIX)
        with open(os.path.join(self.root, OWNER_FILE), "w") as fh:
            fh.write(str(os.getpid()))
        self._stopped = False
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.user = pwd.getpwnam("postgres").pw_name
            os.chown(self.root, pwd.getpwnam(self.user).pw_uid, pwd.getpwnam(self.user).pw_gid)

    def _run(self, *args: str) -> None:
        result = subprocess.run([os.path.join(self.bindir, args[0]), *args[1:]],
                                capture_output=True, text=True, user=self.user)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stdout}\n{result.stderr}")

    def start(self) -> PostgresServer:
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=100")
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l",
                  os.path.join(self.root, "server.log"), "-w", "-t", "60", "start")
        atexit.register(self.stop)
        for signum in (signal.SIGTERM, signal.SIGHUP):
            previous = signal.getsignal(signum)

            def handler(number, frame, previous=previous):
                self.stop()
                if callable(previous):
                    previous(number, frame)
                else:
                    raise SystemExit(128 + number)

            signal.signal(signum, handler)
        return self

    def create_database(self, name: str) -> str:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    @property
    def admin_dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            with contextlib.suppress(RuntimeError):
                self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
