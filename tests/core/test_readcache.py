"""The pet read cache never serves an answer older than the database."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from petstore.container import container_of
from petstore.core.readcache import ReadCacheMiddleware
from tests.support.accounts import Account
from tests.support.pets import MakePet


def _cache(app: FastAPI) -> ReadCacheMiddleware | None:
    stack: Any = app.middleware_stack
    while stack is not None:
        if isinstance(stack, ReadCacheMiddleware):
            return stack
        stack = getattr(stack, "app", None)
    return None


async def test_second_read_is_served_from_the_cache(
    app: FastAPI, client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    cache = _cache(app)
    if cache is None:
        pytest.skip("the read cache exists only on SQLite")
    pet = await make_pet()
    first = await client.get(f"/v1/pets/{pet['id']}")
    before = len(cache._entries)
    second = await client.get(f"/v1/pets/{pet['id']}")
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    assert len(cache._entries) == before  # a hit adds nothing
    revalidated = await client.get(
        f"/v1/pets/{pet['id']}", headers={"If-None-Match": first.headers["etag"]}
    )
    assert revalidated.status_code == 304


async def test_a_write_through_the_api_invalidates(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet(name="Before")
    url = f"/v1/pets/{pet['id']}"
    assert (await client.get(url)).json()["name"] == "Before"
    assert (await client.get("/v1/pets")).json()["data"][0]["name"] == "Before"
    await client.patch(url, json={"name": "After"}, headers=staff.auth)
    assert (await client.get(url)).json()["name"] == "After"
    assert (await client.get("/v1/pets")).json()["data"][0]["name"] == "After"


async def test_a_write_by_another_connection_invalidates(
    app: FastAPI, client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    if _cache(app) is None:
        pytest.skip("the read cache exists only on SQLite")
    pet = await make_pet(name="Before")
    url = f"/v1/pets/{pet['id']}"
    assert (await client.get(url)).json()["name"] == "Before"
    # Another process's write, as far as this server can tell: a connection it does not own.
    path = make_url(container_of(app).settings.database_url).database
    assert path
    other = sqlite3.connect(path)
    changed = other.execute(
        "UPDATE pets SET name = 'Elsewhere' WHERE id = ?", (uuid.UUID(pet["id"]).hex,)
    )
    assert changed.rowcount == 1
    other.commit()
    other.close()
    assert (await client.get(url)).json()["name"] == "Elsewhere"
