"""What every drill needs: a PostgreSQL database of its own, migrated, dropped afterwards."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from petstore.migrations.runner import upgrade
from tests.conftest import POSTGRES_ADMIN_URL, POSTGRES_URL, _fresh_postgres_database


async def _drop(name: str) -> None:
    assert POSTGRES_ADMIN_URL
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@contextmanager
def fresh_database(label: str) -> Iterator[str]:
    """A fresh PostgreSQL database built by the migrations; dropped afterwards.

    The drills are about PostgreSQL (many processes, big tables), so without a server they
    fail instead of skipping: ``bash scripts/drills.sh`` starts one."""
    if not POSTGRES_URL:
        pytest.fail("the drills need PostgreSQL: run them with bash scripts/drills.sh")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"petstore_drill_{label}_{worker}"
    url = asyncio.run(_fresh_postgres_database(name))
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(_drop(name))


@pytest.fixture(scope="module")
def drill_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of the drill module's own."""
    with fresh_database(request.module.__name__.rsplit(".", 1)[-1]) as url:
        yield url
