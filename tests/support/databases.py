"""Databases of a test's own on the shared test cluster (PostgreSQL) and server (Redis).

Tests that migrate, crash, seed or flush a database cannot share the session's one: these
helpers make (and remove) the private ones, named per xdist worker so workers never collide."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from petstore.migrations.runner import upgrade
from tests.support.settings import POSTGRES_ADMIN_URL, POSTGRES_URL, REDIS_URL, xdist_worker


def redis_database(number: int) -> str:
    """The test Redis URL on database ``number``: test modules that flush use their own."""
    assert REDIS_URL
    return REDIS_URL.rsplit("/", 1)[0] + f"/{number}"


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


@contextmanager
def empty_database(backend: str, root: Path, label: str) -> Iterator[str]:
    """The URL of an empty database on ``backend`` for a server process to migrate: on
    "sqlite" a file ``<label>.db`` under ``root``; on "postgres" a fresh database of this
    worker's, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{root / f'{label}.db'}"
        return
    name = f"petstore_{label}_{xdist_worker()}"
    url = asyncio.run(fresh_postgres_database(name))
    try:
        yield url
    finally:
        asyncio.run(drop_postgres_database(name))


@contextmanager
def fresh_drill_database(label: str) -> Iterator[str]:
    """A fresh PostgreSQL database built by the migrations; dropped afterwards.

    The drills are about PostgreSQL (many processes, big tables), so without a server they
    fail instead of skipping: ``bash scripts/drills.sh`` starts one."""
    if not POSTGRES_URL:
        pytest.fail("the drills need PostgreSQL: run them with bash scripts/drills.sh")
    name = f"petstore_drill_{label}_{xdist_worker()}"
    url = asyncio.run(fresh_postgres_database(name))
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(drop_postgres_database(name))
