"""What every ``petstore`` command shares: the tenant option and a database session."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.cli.errors import OperatorError
from petstore.core.database import create_engine, create_sessionmaker, unit_of_work
from petstore.core.settings import Settings
from petstore.core.tenancy import SHARED_POOL


def valid_tenant(value: str) -> str:
    """The API takes only a UUID (or nothing) as ``X-Tenant-ID``: data put under any other
    name could never be reached, so the CLI refuses it too."""
    if value == SHARED_POOL:
        return value
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise OperatorError(
            f"--tenant must be a UUID (as the X-Tenant-ID header), not {value!r}; "
            "leave it out for the shared pool"
        ) from None


TenantOption = Annotated[
    str,
    typer.Option("--tenant", callback=valid_tenant, help="Tenant UUID; default the shared pool."),
]


def tenant_name(tenant: str) -> str:
    return f"tenant {tenant}" if tenant else "the shared pool"


@asynccontextmanager
async def operator_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session on its own engine, disposed afterwards; the command commits what it keeps.

    It writes as the server's requests do (on SQLite: the write lock taken up front), so a
    command run beside a busy server waits its turn; a transaction that read first and then
    wanted the lock was refused at once ("database is locked") when a request had written
    in between."""
    engine = create_engine(settings)
    try:
        async with unit_of_work(create_sessionmaker(engine), write=True) as session:
            yield session
    finally:
        await engine.dispose()
