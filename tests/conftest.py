"""Shared fixtures: the app on real databases (SQLite and PostgreSQL), built by the migrations.

Every test works in its own random tenant (``X-Tenant-ID``), which isolates tests from each
other on one migrated database without mocking anything. API tests run once per database.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from petstore.app import create_app
from petstore.auth.scopes import Role
from petstore.core.settings import Settings
from petstore.migrations.runner import upgrade
from petstore.users import service as users_service
from petstore.users.schemas import UserCreate

POSTGRES_URL = os.environ.get("PETSTORE_TEST_POSTGRES_URL")
POSTGRES_ADMIN_URL = os.environ.get("PETSTORE_TEST_POSTGRES_ADMIN_URL")
if os.environ.get("CI") and not POSTGRES_URL:
    raise RuntimeError("CI must run the PostgreSQL tests: PETSTORE_TEST_POSTGRES_URL is unset")

REDIS_URL = os.environ.get("PETSTORE_TEST_REDIS_URL")
if os.environ.get("CI") and not REDIS_URL:
    raise RuntimeError("CI must run the Redis tests: PETSTORE_TEST_REDIS_URL is unset")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="PETSTORE_TEST_REDIS_URL is unset (scripts/test.sh starts Redis)"
)


def redis_database(number: int) -> str:
    """The test Redis URL on database ``number``: test modules that flush use their own."""
    assert REDIS_URL
    return REDIS_URL.rsplit("/", 1)[0] + f"/{number}"


DATABASES = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])
PASSWORD = "correct horse battery"


def fast_settings(database_url: str, **overrides: Any) -> Settings:
    """Real argon2id, cheaper parameters: tests hash hundreds of passwords."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "env": "test",
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "argon2_parallelism": 1,
        "rate_limit_requests": 1_000_000,
        "login_failures_per_ip": 1_000_000,
        "worker_enabled": False,  # event tests run the worker themselves
    }
    values.update(overrides)
    return Settings(**values)


async def _postgres_admin(*statements: str) -> None:
    assert POSTGRES_ADMIN_URL
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    await admin.dispose()


async def fresh_postgres_database(name: str) -> str:
    """Create (or recreate) an empty database on the test cluster; return its URL."""
    assert POSTGRES_URL
    await _postgres_admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


async def drop_postgres_database(name: str) -> None:
    """Drop a database made by fresh_postgres_database, closing any connection still open."""
    await _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "petstore.db"
        url = f"sqlite+aiosqlite:///{path}"
    else:
        url = await fresh_postgres_database(f"petstore_test_{worker}")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(fast_settings(database_url))
    async with application.router.lifespan_context(application):
        yield application


def make_client(app: FastAPI, tenant: str | None) -> httpx.AsyncClient:
    headers = {"X-Tenant-ID": tenant} if tenant else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://petstore.test",
        headers=headers,
    )


@pytest.fixture
def tenant() -> str:
    return str(uuid.uuid4())


@pytest.fixture
async def client(app: FastAPI, tenant: str) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app, tenant) as c:
        yield c


@dataclass
class Account:
    id: str
    username: str
    password: str
    token: str
    refresh_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


AccountFactory = Callable[..., Awaitable[Account]]


@pytest.fixture
def make_account(app: FastAPI, client: httpx.AsyncClient, tenant: str) -> AccountFactory:
    """Create a user (staff ones directly through the service, as the CLI does) and log in."""

    async def factory(staff: bool = False, scope: str | None = None) -> Account:
        username = f"u{uuid.uuid4().hex[:12]}"
        data = UserCreate(username=username, email=f"{username}@example.com", password=PASSWORD)
        if staff:
            async with app.state.sessionmaker() as session:
                await users_service.sign_up(
                    session, app.state.passwords, tenant, data, role=Role.STAFF
                )
                await session.commit()
        else:
            created = await client.post("/v1/users", json=data.model_dump())
            assert created.status_code == 201, created.text
        body: dict[str, Any] = {"username": username, "password": PASSWORD}
        if scope is not None:
            body["scope"] = scope
        login = await client.post("/v1/auth/tokens", json=body)
        assert login.status_code == 200, login.text
        tokens = login.json()
        return Account(
            id=tokens["user"]["id"],
            username=username,
            password=PASSWORD,
            token=tokens["token"],
            refresh_token=tokens["refreshToken"],
        )

    return factory


@pytest.fixture
async def staff(make_account: AccountFactory) -> Account:
    return await make_account(staff=True)


@pytest.fixture
async def user(make_account: AccountFactory) -> Account:
    return await make_account()


PET = {
    "name": "Biscuit",
    "species": "DOG",
    "breed": "Beagle",
    "ageMonths": 14,
    "size": "MEDIUM",
    "gender": "FEMALE",
    "goodWithKids": True,
    "price": "120.00",
    "currency": "USD",
    "status": "AVAILABLE",
    "description": "Follows her nose everywhere.",
    "medicalInfo": {"vaccinated": True, "spayedNeutered": False},
}


@pytest.fixture
def make_pet(client: httpx.AsyncClient, staff: Account) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def factory(**fields: Any) -> dict[str, Any]:
        response = await client.post("/v1/pets", json={**PET, **fields}, headers=staff.auth)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    return factory


PROBLEM_BASE = "https://petstoreapi.com/errors"


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and type slug."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"{PROBLEM_BASE}/{slug}"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert body["title"]
    return body
