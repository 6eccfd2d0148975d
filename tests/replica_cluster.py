"""A private PostgreSQL primary with a streaming hot standby, for tests/test_read_replica.py.

initdb, then pg_basebackup -R (which writes primary_conninfo and standby.signal), on ports the
kernel hands out, in a temporary directory owned by the postgres user (initdb refuses root).
Nothing touches the shared cluster; everything is stopped and removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.reliability.procs import PG_BIN


def unused_port() -> int:
    """A port nobody listens on now (the kernel's choice), so parallel test runs never collide."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_binaries() -> str | None:
    """Why a private cluster cannot be started here, or None."""
    for binary in ("initdb", "pg_ctl", "pg_basebackup"):
        if not (PG_BIN / binary).exists():
            return f"needs {PG_BIN / binary} to start a private primary and standby (PG_BIN to point elsewhere)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "needs runuser to run PostgreSQL as the postgres user (initdb refuses root)"
    return None


def _one_value(url: str, sql: str) -> object:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None


class StreamingReplica:
    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="invloed-replica-"))
        as_root = os.geteuid() == 0
        self._prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        if as_root:
            shutil.chown(self.directory, "postgres", "postgres")
        self.primary_port, self.standby_port = unused_port(), unused_port()
        self._started: list[Path] = []
        primary, standby = self.directory / "primary", self.directory / "standby"
        self._run(PG_BIN / "initdb", "-D", primary, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self._start(primary, self.primary_port)
        # -R: standby.signal + primary_conninfo; -X stream: the WAL written meanwhile; -c fast: no wait
        # for the next checkpoint.
        self._run(
            PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary_port, "-U", "postgres",
            "-D", standby, "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        self._start(standby, self.standby_port)

    def _run(self, *command: object) -> None:
        subprocess.run([*self._prefix, *map(str, command)], check=True, capture_output=True, timeout=120)

    def _start(self, data: Path, port: int) -> None:
        options = f"-p {port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            PG_BIN / "pg_ctl", "start", "-D", data, "-w", "-t", "60", "-l", self.directory / f"{data.name}.log",
            "-o", options,
        )  # fmt: skip
        self._started.append(data)

    def primary_url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.primary_port}/{name}"

    def standby_url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.standby_port}/{name}"

    def on_primary(self, sql: str) -> object:
        return _one_value(self.primary_url(), sql)

    def on_standby(self, sql: str) -> object:
        return _one_value(self.standby_url(), sql)

    def wait_until_caught_up(self, timeout: float = 30) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        target = self.on_primary("SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.on_standby(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
                return
            time.sleep(0.05)
        raise TimeoutError(f"the standby did not replay up to {target} within {timeout:.0f}s")

    def pause_replay(self) -> None:
        """The standby keeps receiving WAL but applies none of it: reads there see the past."""
        self.on_standby("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while self.on_standby("SELECT pg_get_wal_replay_pause_state()") != "paused":
            if time.monotonic() > deadline:
                raise TimeoutError("the standby did not pause its replay")
            time.sleep(0.05)

    def resume_replay(self) -> None:
        self.on_standby("SELECT pg_wal_replay_resume()")

    def destroy(self) -> None:
        for data in reversed(self._started):
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                self._run(PG_BIN / "pg_ctl", "stop", "-D", data, "-m", "immediate", "-w")
        shutil.rmtree(self.directory, ignore_errors=True)
