"""What every drill needs: a PostgreSQL database of its own, migrated, dropped afterwards."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from petstore.migrations.runner import upgrade
from tests.conftest import (
    POSTGRES_URL,
    drop_postgres_database,
    fresh_postgres_database,
)


@contextmanager
def fresh_database(label: str) -> Iterator[str]:
    """A fresh PostgreSQL database built by the migrations; dropped afterwards.

    The drills are about PostgreSQL (many processes, big tables), so without a server they
    fail instead of skipping: ``bash scripts/drills.sh`` starts one."""
    if not POSTGRES_URL:
        pytest.fail("the drills need PostgreSQL: run them with bash scripts/drills.sh")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"petstore_drill_{label}_{worker}"
    url = asyncio.run(fresh_postgres_database(name))
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(drop_postgres_database(name))


@pytest.fixture(scope="module")
def drill_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of the drill module's own."""
    with fresh_database(request.module.__name__.rsplit(".", 1)[-1]) as url:
        yield url
