"""The raw-driver baseline: the petstore's two hottest reads, written as directly as FastAPI
and the database driver allow (asyncpg on PostgreSQL, aiosqlite on SQLite), with the same SQL
and the same JSON (``pet_payload`` itself). The petstore's cost over this app is what its
layers (middleware, dependencies, the ORM, sessions) add to the same work.

    GET /v1/pets/{id}        one SELECT by id in the shared pool
    GET /v1/pets?limit=20    a page of AVAILABLE pets plus the count of them

Served like ``bench/hello_app.py``; the database is ``PETSTORE_DATABASE_URL``.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import aiosqlite
import asyncpg
import orjson
from fastapi import FastAPI, Response
from sqlalchemy.engine import make_url

from petstore.pets.schemas import pet_payload

COLUMNS = (
    "id, tenant, name, species, breed, age_months, size, color, gender, good_with_kids, "
    "price_minor, currency, description, status, vaccinated, spayed_neutered, microchipped, "
    "special_needs, health_notes, photos, created_at, updated_at"
)
NAMES = [name.strip() for name in COLUMNS.split(",")]
BASE = "http://127.0.0.1"
PAGE = 20


class Database:
    """The two queries on one driver; rows come back as mappings of ``NAMES``."""

    async def pet(self, pet_id: str) -> Mapping[str, Any] | None:
        raise NotImplementedError

    async def page(self, limit: int) -> tuple[Sequence[Mapping[str, Any]], int]:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


class Postgres(Database):
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, url: str) -> Postgres:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return cls(await asyncpg.create_pool(dsn, min_size=20, max_size=20))

    async def pet(self, pet_id: str) -> Mapping[str, Any] | None:
        row: Mapping[str, Any] | None = await self._pool.fetchrow(
            f"SELECT {COLUMNS} FROM pets WHERE id = $1 AND tenant = ''",  # noqa: S608
            uuid.UUID(pet_id),
        )
        return row

    async def page(self, limit: int) -> tuple[Sequence[Mapping[str, Any]], int]:
        async with self._pool.acquire() as conn:
            total = await conn.fetchval(
                "SELECT coalesce(sum(n), 0) FROM pet_counts "
                "WHERE tenant = '' AND status = 'AVAILABLE'"
            )
            rows = await conn.fetch(
                f"SELECT {COLUMNS} FROM pets WHERE tenant = '' "  # noqa: S608
                "AND status = 'AVAILABLE' ORDER BY id LIMIT $1 OFFSET 0",
                limit,
            )
        return rows, int(total)

    async def close(self) -> None:
        await self._pool.close()


class Sqlite(Database):
    """One aiosqlite connection (its own thread), as the SQLite driver is used directly."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, url: str) -> Sqlite:
        conn = await aiosqlite.connect(str(make_url(url).database))
        await conn.execute("PRAGMA journal_mode=WAL")
        return cls(conn)

    async def pet(self, pet_id: str) -> Mapping[str, Any] | None:
        query = f"SELECT {COLUMNS} FROM pets WHERE id = ? AND tenant = ''"  # noqa: S608
        async with self._conn.execute(query, (uuid.UUID(pet_id).hex,)) as cursor:
            row = await cursor.fetchone()
        return _from_sqlite(row) if row else None

    async def page(self, limit: int) -> tuple[Sequence[Mapping[str, Any]], int]:
        count = "SELECT coalesce(sum(n), 0) FROM pet_counts WHERE tenant = '' AND status = ?"
        async with self._conn.execute(count, ("AVAILABLE",)) as cursor:
            (total,) = await cursor.fetchone() or (0,)
        query = (
            f"SELECT {COLUMNS} FROM pets WHERE tenant = '' "  # noqa: S608
            "AND status = 'AVAILABLE' ORDER BY id LIMIT ? OFFSET 0"
        )
        async with self._conn.execute(query, (limit,)) as cursor:
            rows = await cursor.fetchall()
        return [_from_sqlite(row) for row in rows], int(total)

    async def close(self) -> None:
        await self._conn.close()


def _from_sqlite(row: Sequence[Any]) -> dict[str, Any]:
    """The conversions SQLAlchemy makes for these column types on SQLite."""
    values = dict(zip(NAMES, row, strict=True))
    values["id"] = uuid.UUID(values["id"])
    values["photos"] = json.loads(values["photos"]) if values["photos"] else []
    for name in ("created_at", "updated_at"):
        values[name] = datetime.fromisoformat(values[name]).replace(tzinfo=UTC)
    return values


def _payload(row: Mapping[str, Any]) -> dict[str, Any]:
    return pet_payload(SimpleNamespace(**dict(row)), BASE)  # type: ignore[arg-type]


def _json(body: Any) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


@asynccontextmanager
async def lifespan(application: FastAPI) -> AsyncIterator[None]:
    url = os.environ["PETSTORE_DATABASE_URL"]
    opened = Postgres.open(url) if url.startswith("postgresql") else Sqlite.open(url)
    application.state.db = await opened
    yield
    await application.state.db.close()


app = FastAPI(lifespan=lifespan)


@app.get("/v1/pets/{pet_id}")
async def get_pet(pet_id: str) -> Response:
    row = await app.state.db.pet(pet_id)
    if row is None:
        return Response(status_code=404)
    return _json(_payload(row))


@app.get("/v1/pets")
async def list_pets(limit: int = PAGE) -> Response:
    rows, total = await app.state.db.page(limit)
    pages = math.ceil(total / limit) if total else 0
    return _json(
        {
            "data": [_payload(row) for row in rows],
            "pagination": {"page": 1, "limit": limit, "totalItems": total, "totalPages": pages},
        }
    )
