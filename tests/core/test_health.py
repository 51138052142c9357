"""``/healthz`` and ``/readyz``, and 503 problems when the database cannot be reached.

The unreachable databases are real: a port nobody listens on (refused at once), a server that
accepts connections and never says a word (the driver's connect timeout must end the wait),
and a SQLite path that cannot be opened. The outage of a running PostgreSQL is drilled in
tests/e2e/test_database_outage.py.
"""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from petstore.app import create_app
from petstore.container import container_of
from tests.support.accounts import PASSWORD
from tests.support.apps import make_client
from tests.support.problems import assert_problem
from tests.support.servers import free_port
from tests.support.settings import fast_settings

# A correctness bound against hangs (connect timeout 1 s, readiness limit 0.5 s), not a speed
# target: without the timeouts these requests would wait for the silent server forever.
NO_HANG_SECONDS = 4.0


async def test_ready_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["status"] == "ok"
    assert "RateLimit-Limit" not in response.headers  # probes are not metered

    health = await client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}


async def test_probes_are_not_part_of_the_contract(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/v1/openapi.json")).json()["paths"]
    assert "/readyz" not in paths
    assert "/healthz" not in paths


@contextmanager
def silent_server() -> Iterator[int]:
    """Accepts TCP connections (the kernel completes the handshake) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield int(sock.getsockname()[1])


async def _unreachable_app(port: int) -> AsyncIterator[FastAPI]:
    settings = fast_settings(
        f"postgresql+asyncpg://postgres@127.0.0.1:{port}/petstore",
        db_pool_timeout_seconds=1,
        readiness_timeout_seconds=0.5,
    )
    app = create_app(settings)  # no lifespan: it would need the database
    yield app
    await container_of(app).engine.dispose()


@pytest.fixture
async def refused_app() -> AsyncIterator[FastAPI]:
    async for app in _unreachable_app(free_port()):
        yield app


@pytest.fixture
async def silent_app() -> AsyncIterator[FastAPI]:
    with silent_server() as port:
        async for app in _unreachable_app(port):
            yield app


async def test_refused_database_makes_requests_503_and_not_ready(
    refused_app: FastAPI, tenant: str
) -> None:
    async with make_client(refused_app, tenant) as client:
        ready = await client.get("/readyz")
        body = assert_problem(ready, 503, "service-unavailable")
        assert body["detail"] == "Not ready: database unavailable."
        assert body["checks"]["database"]["status"] == "failed"
        assert body["checks"]["database"]["error"] == "ConnectionRefusedError"
        assert ready.headers["retry-after"] == "1"

        for response in (
            await client.get("/v1/pets"),
            await client.get("/v1/pets/019b4132-70aa-764f-b315-e2803d882a24"),
            await client.post(
                "/v1/users",
                json={"username": "nobody", "email": "n@example.com", "password": PASSWORD},
            ),
        ):
            problem = assert_problem(response, 503, "service-unavailable")
            assert "database" in problem["detail"]
            assert response.headers["retry-after"] == "1"

        assert (await client.get("/healthz")).status_code == 200  # the process itself is fine


async def test_unopenable_sqlite_file_makes_requests_503(tmp_path: Path, tenant: str) -> None:
    """SQLite's own outage: the database path cannot be opened (here: it is a directory)."""
    database = tmp_path / "petstore.db"
    database.mkdir()
    app = create_app(fast_settings(f"sqlite+aiosqlite:///{database}", read_cache=False))
    try:
        async with make_client(app, tenant) as client:
            ready = await client.get("/readyz")
            body = assert_problem(ready, 503, "service-unavailable")
            assert body["checks"]["database"]["error"] == "OperationalError"
            assert_problem(await client.get("/v1/pets"), 503, "service-unavailable")
            assert (await client.get("/healthz")).status_code == 200
    finally:
        await container_of(app).engine.dispose()


async def test_silent_database_fails_fast_instead_of_hanging(
    silent_app: FastAPI, tenant: str
) -> None:
    async with make_client(silent_app, tenant) as client:
        started = time.monotonic()
        ready = await client.get("/readyz", timeout=30)
        assert time.monotonic() - started < NO_HANG_SECONDS
        body = assert_problem(ready, 503, "service-unavailable")
        assert body["checks"]["database"]["error"] == "no answer within 0.5 s"

        started = time.monotonic()
        response = await client.get("/v1/pets", timeout=30)
        assert time.monotonic() - started < NO_HANG_SECONDS
        assert_problem(response, 503, "service-unavailable")
