"""A private PostgreSQL cluster a test may stop and start at will.

The shared cluster of ``scripts/postgres.sh`` serves every other test, so a drill that takes the
database away needs its own: same binaries (``/usr/lib/postgresql/*/bin``), own data directory,
own port, run as the ``postgres`` OS user when the tests run as root (PostgreSQL refuses root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.servers import free_port
from tests.support.settings import POSTGRES_URL


def find_bindir() -> Path | None:
    """The newest installed server binaries, as ``scripts/postgres.sh`` picks them."""
    candidates = [
        d
        for d in Path("/usr/lib/postgresql").glob("*/bin")
        if (d / "initdb").exists() and (d / "pg_ctl").exists()
    ]
    if candidates:
        return max(candidates, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb and shutil.which("pg_ctl") else None


@dataclass
class PostgresCluster:
    """One cluster in a fresh temporary directory; :meth:`stop` and :meth:`start` keep the port,
    so clients configured with its URL find it again after a restart."""

    bindir: Path
    directory: Path = field(init=False)
    port: int = field(init=False)
    run_as: str | None = field(init=False)

    def __post_init__(self) -> None:
        # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
        self.directory = Path(tempfile.mkdtemp(prefix="petstore-pg-drill."))
        self.port = free_port()
        self.run_as = "postgres" if os.geteuid() == 0 else None
        if self.run_as:
            self.directory.chmod(0o755)
            shutil.chown(self.directory, self.run_as, self.run_as)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log_path(self) -> Path:
        return self.directory / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        command = [str(a) for a in args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(
            command,
            cwd=self.directory,
            capture_output=True,
            check=False,
            timeout=timeout,
        )

    def _checked(self, *args: str) -> None:
        result = self._run(*args)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} failed: {result.stdout.decode()}{result.stderr.decode()}"
            )

    def init(self) -> None:
        self._checked(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        conf = (
            "\n# --- petstore outage drill cluster ---\n"
            "listen_addresses = '127.0.0.1'\n"
            f"port = {self.port}\n"
            f"unix_socket_directories = '{self.directory}'\n"
            "fsync = off\n"  # the machine does not crash in this drill; PostgreSQL does stop
            "max_connections = 100\n"
        )
        self._checked("sh", "-c", f"cat >> '{self.data / 'postgresql.conf'}' <<'EOF'\n{conf}EOF")

    def start(self) -> None:
        self._checked(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-w",
            "-t",
            "60",
            "-s",
            "start",
        )
        deadline = time.monotonic() + 30
        while not self.is_ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL not ready:\n{self.log()}")
            time.sleep(0.1)

    def stop(self, mode: str = "fast") -> None:
        self._checked(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def is_ready(self) -> bool:
        result = subprocess.run(
            [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
            check=False,
            timeout=10,
        )
        return result.returncode == 0

    def create_database(self, name: str) -> str:
        self._checked(
            str(self.bindir / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            f'CREATE DATABASE "{name}"',
        )
        return self.url(name)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():  # a failure here: gone already
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def private_cluster(what: str) -> Iterator[PostgresCluster]:
    """A started cluster of the test's own, destroyed afterwards. Without the server binaries
    the test skips on a developer's machine, and fails where PostgreSQL tests must run (CI, or
    a shared cluster configured): ``what`` names the test in that failure."""
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI") or POSTGRES_URL:
            raise RuntimeError(f"{what} needs the PostgreSQL server binaries")
        pytest.skip("PostgreSQL server binaries not installed (scripts/postgres.sh installs them)")
    instance = PostgresCluster(bindir)
    try:
        instance.init()
        instance.start()
        yield instance
    finally:
        instance.destroy()
