"""The PostgreSQL pool settings take effect: a statement over ``PETSTORE_DB_STATEMENT_TIMEOUT_MS``
is cancelled by the server, an exhausted pool answers 503 after
``PETSTORE_DB_POOL_TIMEOUT_SECONDS`` instead of queueing forever, a database that accepts but
never answers fails the connection attempt within the same bound, and a pooled connection that
the server dropped is replaced before use (without a ping)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import create_async_engine

from petstore.container import container_of
from petstore.core.database import CLIENT_TIMEOUT_MARGIN_SECONDS, create_engine
from tests.support.apps import running_app
from tests.support.problems import assert_problem
from tests.support.servers import wait_for_async
from tests.support.settings import POSTGRES_ADMIN_URL, POSTGRES_URL, fast_settings

pytestmark = [
    pytest.mark.skipif(not POSTGRES_URL, reason="pool settings apply to PostgreSQL only"),
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]

# A deadline far below the drivers' defaults (SQLAlchemy waits 30 s for a pooled connection,
# asyncpg 60 s to connect): a setting that is not applied makes the test fail, not hang.
DEADLINE = 10
BACKEND_ALIVE = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")


@pytest.fixture
async def small_pool(database_url: str) -> AsyncIterator[FastAPI]:
    settings = fast_settings(
        database_url, db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=0.5
    )
    async with running_app(settings) as application:
        yield application


def client_of(application: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application, raise_app_exceptions=False),
        base_url="http://petstore.test",
    )


async def test_a_long_statement_is_cancelled(database_url: str) -> None:
    engine = create_engine(fast_settings(database_url, db_statement_timeout_ms=200))
    try:
        async with asyncio.timeout(DEADLINE), engine.connect() as conn:
            with pytest.raises(DBAPIError) as caught:
                await conn.execute(text("SELECT pg_sleep(30)"))
        assert getattr(caught.value.orig, "sqlstate", None) == "57014"  # query_canceled
    finally:
        await engine.dispose()


async def test_statements_are_planned_for_their_own_values(database_url: str) -> None:
    # Prepared statements never fall back to a generic plan (tenants differ in size too much).
    engine = create_engine(fast_settings(database_url))
    try:
        async with engine.connect() as conn:
            mode = await conn.scalar(text("SHOW plan_cache_mode"))
        assert mode == "force_custom_plan"
    finally:
        await engine.dispose()


async def test_a_statement_the_server_does_not_cancel_is_abandoned_by_the_client(
    database_url: str,
) -> None:
    # A session that switched the server's timeout off stands in for a server that stopped
    # answering: only asyncpg's backstop, CLIENT_TIMEOUT_MARGIN_SECONDS after the budget, ends it.
    engine = create_engine(fast_settings(database_url, db_statement_timeout_ms=200))
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(DEADLINE), engine.connect() as conn:
            await conn.execute(text("SET statement_timeout = 0"))
            started = loop.time()
            with pytest.raises(TimeoutError):
                await conn.execute(text("SELECT pg_sleep(30)"))
            waited = loop.time() - started
        assert CLIENT_TIMEOUT_MARGIN_SECONDS <= waited < DEADLINE
    finally:
        await engine.dispose()


async def test_an_exhausted_pool_answers_503_instead_of_hanging(small_pool: FastAPI) -> None:
    async with client_of(small_pool) as client:
        async with container_of(small_pool).engine.connect() as held:  # the pool's only connection
            await held.execute(text("SELECT 1"))
            async with asyncio.timeout(DEADLINE):
                response = await client.get("/v1/pets")
            body = assert_problem(response, 503, "service-unavailable")
            assert response.headers["retry-after"] == "1"
            assert "database" in body["detail"]
        # Released: the same process serves again, no restart needed.
        assert (await client.get("/v1/pets")).status_code == 200


async def test_a_dropped_pooled_connection_is_replaced_before_use(small_pool: FastAPI) -> None:
    engine = container_of(small_pool).engine
    async with engine.connect() as conn:
        backend = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    assert POSTGRES_ADMIN_URL
    admin = create_async_engine(POSTGRES_ADMIN_URL)
    try:
        async with admin.connect() as conn:
            killed = await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            assert killed.scalar_one() is True

            # The call only signals the backend: wait (within the deadline) until it is gone,
            # as a connection dropped by a restart or an idle timeout would be.
            async def gone() -> bool | None:
                alive = await conn.scalar(BACKEND_ALIVE, {"pid": backend})
                return True if not alive else None

            await wait_for_async("the terminated backend to exit", gone, within=DEADLINE)
    finally:
        await admin.dispose()

    async def noticed() -> bool | None:
        """The driver learns of the closed socket when the event loop reads it: on a busy
        machine that can be after the backend is gone; a restart's closed sockets are old."""
        # The pool's idle connections (SQLAlchemy has no public view of them).
        idle = list(engine.sync_engine.pool._pool._queue._queue)  # type: ignore[attr-defined]
        closed = all(
            r.dbapi_connection is None or r.dbapi_connection.driver_connection.is_closed()
            for r in idle
        )
        return True if closed else None

    await wait_for_async("the driver to notice the closed connection", noticed, within=DEADLINE)
    async with client_of(small_pool) as client:
        response = await client.get("/v1/pets")
    assert response.status_code == 200, response.text


async def test_connecting_to_a_hung_database_gives_up_in_time(
    database_url: str, silent_port: int
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{silent_port}/petstore"
    engine = create_engine(fast_settings(url, db_pool_timeout_seconds=0.5))
    try:
        async with asyncio.timeout(DEADLINE):
            with pytest.raises((TimeoutError, PoolTimeoutError, DBAPIError, OSError)):
                async with engine.connect():
                    pass
    finally:
        await engine.dispose()
