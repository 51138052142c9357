"""The real server as a separate process, for end-to-end tests: its environment, the `petstore`
CLI, starting and stopping `petstore serve`, and waiting on what it does."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

from petstore.auth.passwords import Passwords
from petstore.auth.scopes import Role
from petstore.core.database import create_engine, create_sessionmaker
from petstore.users import service as users_service
from petstore.users.schemas import UserCreate
from tests.support.settings import fast_settings

VENV_BIN = Path(sys.executable).parent
FAST_ARGON2 = {
    "PETSTORE_ARGON2_TIME_COST": "1",
    "PETSTORE_ARGON2_MEMORY_KIB": "1024",
    "PETSTORE_ARGON2_PARALLELISM": "1",
}


def free_port() -> int:
    """A port nothing listens on right now: for a server, or a receiver that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def closed_port() -> Iterator[int]:
    """A port that refuses connections and that no other server can take meanwhile: bound but
    not listening. (``free_port`` only says "free right now": a server started later by this or
    another test may get the same number, and a receiver meant to be down would then answer.)
    The reservation has SO_REUSEADDR, so a test's own receiver (``Receiver`` sets it too) can
    still bind the port to bring the receiver up."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@dataclass
class RunningServer:
    """A ``petstore serve`` process: where it answers, its environment and its log."""

    base_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path
    port: int

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def server_limits(connections: int = 100) -> httpx.Limits:
    """Connection limits for a client of a server process. The server closes a connection idle
    for 5 s (uvicorn's keep-alive); a request written to it as it closes fails with a read error,
    which a busy machine makes likely. The client drops idle connections well before that."""
    return httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=2.0
    )


def server_client(base_url: str, tenant: str, timeout: float = 30) -> httpx.Client:
    """A blocking client of a server process, working in ``tenant`` (``""``: the shared
    pool, no ``X-Tenant-ID``); the timeout is generous because a busy machine runs several
    servers at once."""
    headers = {"X-Tenant-ID": tenant} if tenant else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=timeout, limits=server_limits())


def run_cli(
    env: dict[str, str], *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``petstore`` CLI as an operator would, whatever its exit status."""
    return subprocess.run(
        [str(VENV_BIN / "petstore"), *args],
        env=env,
        input=stdin,
        capture_output=True,
        check=False,
        timeout=120,
        text=True,
        cwd=cwd,
    )


def cli_failure(result: subprocess.CompletedProcess[str]) -> str:
    """The one ``petstore: ...`` stderr line of a refused command, asserted to be all it said
    (an operator's mistake ends in one line and exit 1, not a traceback)."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("petstore: "), result.stderr
    return lines[0]


def cli_output(result: subprocess.CompletedProcess[str]) -> str:
    """The standard output of a command that must have succeeded."""
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return result.stdout


def petstore(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run the ``petstore`` CLI as an operator would; its output (a failure raises)."""
    result = run_cli(env, *args, stdin=stdin)
    if result.returncode != 0:
        raise RuntimeError(f"petstore {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a server process on ``database_url``: cheap hashing, no rate
    limits in the way, and no ``PETSTORE_`` setting leaking in from the test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PETSTORE_")}
    env.update(FAST_ARGON2)
    env.update(
        {
            "PETSTORE_DATABASE_URL": database_url,
            "PETSTORE_ENV": "test",
            "PETSTORE_LOG_LEVEL": "WARNING",
            "PETSTORE_RATE_LIMIT_REQUESTS": "100000000",
            "PETSTORE_LOGIN_FAILURES_PER_IP": "100000000",
            "PETSTORE_LOGIN_FAILURES_PER_USERNAME": "100000000",
            "PETSTORE_GRPC_PORT": "0",  # off unless a test asks (tests/support/grpc.py)
        }
    )
    env.update(extra)
    return env


@contextmanager
def run_server(
    env: dict[str, str],
    log_path: Path,
    workers: int = 1,
    port: int | None = None,
    *,
    venv_bin: Path = VENV_BIN,
    extra_args: Sequence[str] = (),
) -> Iterator[RunningServer]:
    """``petstore serve`` (of the venv whose ``bin`` is ``venv_bin``; the test run's by
    default) on ``port`` (a free one by default), stopped with SIGTERM on exit (a test may
    stop it itself first)."""
    port = port or free_port()
    serve = [str(venv_bin / "petstore"), "serve", "--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*serve, *extra_args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = RunningServer(f"http://127.0.0.1:{port}", env, process, log_path, port)
    try:
        deadline = time.monotonic() + 90  # generous: CI machines may be busy
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{server.log()}")
            try:
                if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def fresh_sqlite_server(root: Path, label: str, **extra_env: str) -> Iterator[RunningServer]:
    """A server process on a new, migrated SQLite database ``root/<label>.db`` (its log
    beside it), for tests that need a real server but nothing of their own in it."""
    env = server_env(f"sqlite+aiosqlite:///{root / f'{label}.db'}", **extra_env)
    petstore(env, "migrate")
    with run_server(env, root / f"{label}.log") as running:
        yield running


def create_staff(env: dict[str, str], username: str, password: str, tenant: str = "") -> None:
    """A staff account made the way an operator makes one: with the CLI."""
    tenant_args = ["--tenant", tenant] if tenant else []
    petstore(
        env,
        "user",
        "create",
        "--staff",
        *tenant_args,
        "--username",
        username,
        "--email",
        f"{username}@example.com",
        "--password-stdin",
        stdin=password + "\n",
    )


def create_staff_accounts(
    database_url: str, tenant: str, usernames: Iterable[str], password: str
) -> None:
    """Many staff accounts at once, straight through the service on the server's database
    (the CLI would start a process per account): for runs that use up or delete accounts."""
    asyncio.run(_create_staff_accounts(database_url, tenant, list(usernames), password))


async def _create_staff_accounts(
    database_url: str, tenant: str, usernames: list[str], password: str
) -> None:
    settings = fast_settings(database_url)
    engine = create_engine(settings)
    passwords = Passwords(settings)
    async with create_sessionmaker(engine)() as session:
        for username in usernames:
            data = UserCreate(username=username, email=f"{username}@example.com", password=password)
            await users_service.sign_up(session, passwords, tenant, data, role=Role.STAFF)
        await session.commit()
    await engine.dispose()


T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float) -> T:
    """Poll ``probe`` until it returns something (a generous deadline, not a timing assert)."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


async def wait_for_async(what: str, probe: Callable[[], Awaitable[T | None]], within: float) -> T:
    """``wait_for`` for a coroutine probe, polling without blocking the event loop (the app
    under test may run in the same loop)."""
    deadline = time.monotonic() + within
    while True:
        result = await probe()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)
