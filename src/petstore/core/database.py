"""Engine, sessions and the request-owned transaction.

The session dependency commits when the endpoint returns and rolls back on any exception, so a
request either writes everything it meant to or nothing. Services and repositories never
commit. SQLite gets WAL, foreign keys and ``BEGIN IMMEDIATE`` for writing requests: taking the
write lock up front turns concurrent writers into a queue instead of a deadlock.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry

from petstore.core.container import plumbing
from petstore.core.settings import Settings

logger = logging.getLogger("petstore.database")

WRITE_INTENT = "petstore_write"
READ_ONLY = "petstore_read_only"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "QUERY"})

# PostgreSQL's own statement_timeout cancels a statement over the budget (SQLSTATE 57014) and
# keeps the connection usable. asyncpg's client-side timer is only the backstop for a server or
# network that stopped answering, so it fires this much later: set to the same instant, the two
# race and on a busy machine the client's wins, closing a healthy connection with a bare timeout.
CLIENT_TIMEOUT_MARGIN_SECONDS = 5.0


class Base(DeclarativeBase):
    """Declarative base of every table; the schema itself is built by Alembic migrations."""


# SQLSTATE classes that mean "the database cannot serve now", not "this request is wrong":
# connection exception, transaction rollback (serialization failure, deadlock), insufficient
# resources, operator intervention (shutdown, starting up, statement timeout), system error.
UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "57", "58"})


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and what it wraps: drivers raise their own exceptions (asyncpg's, an
    ``OSError`` from the socket) and SQLAlchemy wraps only some of them."""
    seen: BaseException | None = error
    for _ in range(8):  # a cause chain is short; the bound only guards against odd cycles
        if seen is None:
            return
        yield seen
        if isinstance(seen, exc.DBAPIError) and seen.orig is not None and seen.orig is not seen:
            seen = seen.orig
        else:
            seen = seen.__cause__


def _sqlstate(error: BaseException) -> str | None:
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return sqlstate if isinstance(sqlstate, str) else None


def is_database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database is unreachable or overloaded (answer 503, retry)
    rather than that the code or the request is wrong (a bug: 500)."""
    for seen in _causes(error):
        if isinstance(
            seen,
            exc.TimeoutError | exc.OperationalError | exc.InterfaceError | sqlite3.OperationalError,
        ):
            return True  # pool exhausted; SQLite busy/unopenable; driver lost its connection
        if isinstance(seen, exc.DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, OSError):  # refused, reset, timed out (TimeoutError is an OSError)
            return True
        sqlstate = _sqlstate(seen)
        if sqlstate is not None and sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES:
            return True
    return False


def is_transaction_rollback(error: BaseException) -> bool:
    """Whether the database rolled the transaction back to settle a race (serialization
    failure, deadlock: SQLSTATE class 40): the same call, retried whole, may well succeed.
    A subset of :func:`is_database_unavailable`, for doors whose protocol tells the two apart
    (gRPC's ``ABORTED`` against ``UNAVAILABLE``)."""
    return any((_sqlstate(seen) or "")[:2] == "40" for seen in _causes(error))


def create_engine(settings: Settings) -> AsyncEngine:
    url = make_url(settings.database_url)
    if url.drivername.startswith("sqlite"):
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, pool_size=16, max_overflow=16, pool_timeout=30
        )
        _configure_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if url.drivername.endswith("asyncpg"):
        connect_args = {
            "timeout": settings.db_pool_timeout_seconds,
            "command_timeout": settings.db_statement_timeout_ms / 1000
            + CLIENT_TIMEOUT_MARGIN_SECONDS,
            "server_settings": {
                "statement_timeout": str(settings.db_statement_timeout_ms),
                # asyncpg prepares every statement, and after five runs PostgreSQL may switch to
                # a generic plan costed for no tenant in particular. Tenants differ in size by
                # orders of magnitude: at 100,000 pets the generic plan of a filtered count
                # fetched every matching row from the table (4.1 ms) where the plan for the
                # actual values counts them in an index (0.8 ms). Planning each time costs
                # a fraction of that.
                "plan_cache_mode": "force_custom_plan",
            },
        }
    engine = create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        connect_args=connect_args,
    )
    if url.drivername.endswith("asyncpg"):
        _replace_closed_connections(engine)
    return engine


def _replace_closed_connections(engine: AsyncEngine) -> None:
    """Hand out no pooled connection the server has closed (a restart, an administrator's
    ``pg_terminate_backend``, an idle timeout), without a round trip to ask. asyncpg reads
    every connection's socket all the time, so it knows a closed one as soon as the event
    loop has seen the server hang up; raising DisconnectionError makes the pool connect
    afresh. SQLAlchemy's ``pool_pre_ping`` would ask instead: three round trips (BEGIN, a
    ping, ROLLBACK) on every checkout, more than the one-statement reads it guards. A
    connection that dies in use fails that request with a 503 and is discarded with every
    older one (SQLAlchemy invalidates the pool's generation on a disconnect error)."""

    @event.listens_for(engine.sync_engine, "checkout")
    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if dbapi_connection.driver_connection.is_closed():
            raise exc.DisconnectionError("the server closed this pooled connection")


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        # Writers take the write lock up front. Read-only requests run in autocommit: in WAL
        # mode each statement sees the latest committed state, and skipping BEGIN/COMMIT
        # saves two round trips to the driver's thread per read. Everything else (the CLI,
        # the worker, tests) gets an ordinary transaction.
        options = conn.get_execution_options()
        if options.get(WRITE_INTENT, False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(READ_ONLY, False):
            conn.exec_driver_sql("BEGIN")


def create_sessionmaker(
    engine: AsyncEngine, info: dict[str, Any] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``engine``; ``info`` is copied into each (the event bus they report to)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info or {})


Callback = Callable[[], Awaitable[None]]
_ON_COMMIT = "petstore.on_commit"
_ON_ROLLBACK = "petstore.on_rollback"


def on_commit(session: AsyncSession, callback: Callback) -> None:
    """Run ``callback`` once the request's transaction has committed (e.g. delete a file that
    a committed change no longer needs)."""
    session.info.setdefault(_ON_COMMIT, []).append(callback)


def on_rollback(session: AsyncSession, callback: Callback) -> None:
    """Run ``callback`` if the request's transaction rolls back (e.g. remove a file written
    for a row that will never exist)."""
    session.info.setdefault(_ON_ROLLBACK, []).append(callback)


async def _run(callbacks: list[Callback]) -> None:
    for callback in callbacks:
        try:
            await callback()
        except Exception:  # the transaction's outcome stands; leftovers are only garbage
            logger.exception("post-transaction callback failed")


E = TypeVar("E", bound=Callable[..., Any])


def reads_only(endpoint: E) -> E:
    """Mark an endpoint that changes nothing although its method is POST (a search, a chat
    answer), so its request does not take SQLite's write lock and queue behind writers."""
    endpoint.__petstore_reads_only__ = True  # type: ignore[attr-defined]
    return endpoint


def _reads_only(request: Request) -> bool:
    if request.method in SAFE_METHODS:
        return True
    return bool(getattr(request.scope.get("endpoint"), "__petstore_reads_only__", False))


def _intent(session: AsyncSession, *, write: bool) -> dict[str, Any]:
    """How the session's connection starts. A write takes a transaction (on SQLite with the
    write lock up front). A read runs in autocommit: each statement sees the latest committed
    state, as SQLite's reads already do (see ``_configure_sqlite``), and PostgreSQL is spared
    the BEGIN and COMMIT round trips that would otherwise bracket a one-statement read."""
    if write:
        return {WRITE_INTENT: True}
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return {READ_ONLY: True, "isolation_level": "AUTOCOMMIT"}
    return {READ_ONLY: True}


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession], *, write: bool
) -> AsyncIterator[AsyncSession]:
    """A session whose transaction commits when the block ends and rolls back on any error,
    with the commit and rollback callbacks run after; every door's operations go through one
    (REST's per request, GraphQL's per operation), so they cannot differ in how they end."""
    async with sessionmaker() as session:
        await session.connection(execution_options=_intent(session, write=write))
        try:
            yield session
        except BaseException:
            await session.rollback()
            await _run(session.info.pop(_ON_ROLLBACK, []))
            raise
        try:
            await session.commit()
        except BaseException:
            await _run(session.info.pop(_ON_ROLLBACK, []))
            raise
        await _run(session.info.pop(_ON_COMMIT, []))


@asynccontextmanager
async def atomic(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A block of writes that stand or fall together without undoing the rest of the
    request's work: for an INSERT that may lose a race to a unique constraint, whose caller
    then reads the winner's row. Inside a transaction it is a savepoint on ``session``. A
    read-only request has no transaction to hold one (it runs in autocommit), so the block
    gets a short write transaction of its own, on another connection of the same engine;
    write through the session it yields. That session reports to no event bus: a block
    that records events belongs in a writing request."""
    connection = await session.connection()
    options = (
        connection.sync_connection.get_execution_options() if connection.sync_connection else {}
    )
    if not options.get(READ_ONLY, False):
        async with session.begin_nested():
            yield session
        return
    own = create_sessionmaker(connection.engine)
    async with unit_of_work(own, write=True) as separate:
        yield separate


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; commit on success, roll back on any error."""
    sessionmaker = plumbing(request.app).sessionmaker
    async with unit_of_work(sessionmaker, write=not _reads_only(request)) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
