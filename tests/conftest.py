"""Shared fixtures: the app on real databases (SQLite and PostgreSQL), built by the migrations.

Every test works in its own random tenant (``X-Tenant-ID``), which isolates tests from each
other on one migrated database without mocking anything. API tests run once per database.
The helpers these fixtures use, and that tests use directly, live in ``tests.support``.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from petstore.auth.scopes import Role
from petstore.migrations.runner import upgrade
from tests.support.accounts import (
    PASSWORD,
    Account,
    AccountFactory,
    login,
    new_user,
    sign_up_directly,
)
from tests.support.apps import make_client, running_app
from tests.support.databases import fresh_postgres_database
from tests.support.pets import PET, MakePet
from tests.support.settings import DATABASES, fast_settings, xdist_worker


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word: a database or Redis host
    that hangs, for tests of connect and command timeouts."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()


@pytest.fixture(scope="session", params=DATABASES)
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "petstore.db"
        url = f"sqlite+aiosqlite:///{path}"
    else:
        url = await fresh_postgres_database(f"petstore_test_{xdist_worker()}")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    async with running_app(fast_settings(database_url)) as application:
        yield application


@pytest.fixture
def tenant() -> str:
    return str(uuid.uuid4())


@pytest.fixture
async def client(app: FastAPI, tenant: str) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app, tenant) as c:
        yield c


@pytest.fixture
def make_account(app: FastAPI, client: httpx.AsyncClient, tenant: str) -> AccountFactory:
    """Create a user (staff ones directly through the service, as the CLI does) and log in."""

    async def factory(staff: bool = False, scope: str | None = None) -> Account:
        body = new_user()
        username = body["username"]
        if staff:
            await sign_up_directly(app, tenant, username, Role.STAFF)
        else:
            created = await client.post("/v1/users", json=body)
            assert created.status_code == 201, created.text
        scoped = {"scope": scope} if scope is not None else {}
        response = await login(client, username, PASSWORD, **scoped)
        return Account.logged_in(response, username, PASSWORD)

    return factory


@pytest.fixture
async def staff(make_account: AccountFactory) -> Account:
    return await make_account(staff=True)


@pytest.fixture
async def user(make_account: AccountFactory) -> Account:
    return await make_account()


@pytest.fixture
def make_pet(client: httpx.AsyncClient, staff: Account) -> MakePet:
    async def factory(**fields: Any) -> dict[str, Any]:
        response = await client.post("/v1/pets", json={**PET, **fields}, headers=staff.auth)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    return factory
