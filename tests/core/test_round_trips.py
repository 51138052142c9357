"""What a request costs the database in round trips, counted by the driver (asyncpg's query
logger sees every statement, the BEGIN and COMMIT it sends on its own included): a read is
its statements and nothing else, with no transaction around it and no ping before it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from petstore.container import container_of
from tests.support.accounts import account_in
from tests.support.apps import make_client, running_app
from tests.support.pets import PET
from tests.support.settings import fast_settings


@asynccontextmanager
async def statements_sent(
    app: FastAPI, client: httpx.AsyncClient, warm_up: str
) -> AsyncIterator[list[str]]:
    """Every statement the app sends to PostgreSQL in the block: SQLAlchemy's (its cursor
    events) and the driver's own (asyncpg's query logger sees the BEGIN, COMMIT and ROLLBACK
    it sends for transactions and pool pings, which SQLAlchemy never sees). ``GET warm_up``
    goes first, uncounted: it checks out the pool's one connection, which hooks its logger."""
    sent: list[str] = []
    watched: list[Any] = []

    def driver_sent(record: Any) -> None:
        sent.append(" ".join(record.query.split()))

    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        driver = dbapi_connection.driver_connection
        if driver not in watched:
            driver.add_query_logger(driver_sent)
            watched.append(driver)

    def on_execute(*args: Any) -> None:
        sent.append(" ".join(args[2].split()))

    engine = container_of(app).engine.sync_engine
    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        await client.get(warm_up)
        sent.clear()
        yield sent
    finally:
        event.remove(engine, "checkout", on_checkout)
        event.remove(engine, "before_cursor_execute", on_execute)
        for driver in watched:
            driver.remove_query_logger(driver_sent)


@pytest.fixture
async def postgres_app(database_url: str) -> AsyncIterator[FastAPI]:
    """The app on PostgreSQL with the read cache off: every read goes to the database."""
    if not database_url.startswith("postgresql"):
        pytest.skip("counts asyncpg's round trips")
    # One pooled connection: the first request hooks its logger, later ones all go through it,
    # pool pings included.
    settings = fast_settings(database_url, read_cache=False, db_pool_size=1, db_max_overflow=0)
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def staff_client(postgres_app: FastAPI, tenant: str) -> AsyncIterator[httpx.AsyncClient]:
    staff = await account_in(postgres_app, tenant, staff=True)
    async with make_client(postgres_app, tenant) as client:
        client.headers.update(staff.auth)
        yield client


async def new_pet(client: httpx.AsyncClient) -> str:
    made = await client.post("/v1/pets", json=PET)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_a_pet_read_is_one_statement(
    postgres_app: FastAPI, staff_client: httpx.AsyncClient
) -> None:
    pet_id = await new_pet(staff_client)
    async with statements_sent(postgres_app, staff_client, f"/v1/pets/{pet_id}") as sent:
        answer = await staff_client.get(f"/v1/pets/{pet_id}")
    assert answer.status_code == 200
    assert len(sent) == 1, sent
    assert sent[0].startswith("SELECT")


async def test_a_page_of_pets_is_its_two_queries(
    postgres_app: FastAPI, staff_client: httpx.AsyncClient
) -> None:
    await new_pet(staff_client)
    async with statements_sent(postgres_app, staff_client, "/v1/pets?limit=20") as sent:
        answer = await staff_client.get("/v1/pets?limit=20")
    assert answer.status_code == 200
    assert [statement.split()[0] for statement in sent] == ["SELECT", "SELECT"], sent


async def test_a_write_still_runs_in_one_transaction(
    postgres_app: FastAPI, staff_client: httpx.AsyncClient
) -> None:
    pet_id = await new_pet(staff_client)
    async with statements_sent(postgres_app, staff_client, f"/v1/pets/{pet_id}") as sent:
        answer = await staff_client.patch(
            f"/v1/pets/{pet_id}",
            json={"name": "Renamed"},
            headers={"Content-Type": "application/merge-patch+json"},
        )
    assert answer.status_code == 200
    # (The first statement's event fires before the driver opens the transaction for it.)
    kinds = [statement.split()[0].rstrip(";") for statement in sent]
    assert kinds.count("BEGIN") == 1, sent
    assert kinds[-1] == "COMMIT", sent
    assert kinds.count("COMMIT") == 1, sent
    assert "UPDATE" in kinds, sent
    assert "ROLLBACK" not in kinds, sent
