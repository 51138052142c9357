"""The idempotency table as a copy of the database shows it: for tests that a stored answer
keeps nothing it must not."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from petstore.container import container_of


async def stored_answers(app: FastAPI, tenant: str) -> bytes:
    """Every column of every idempotency row of ``tenant``'s callers, read with plain SQL (no
    model in between), as bytes to search."""
    query = text("SELECT * FROM idempotency_keys WHERE owner LIKE :owners")
    async with container_of(app).sessionmaker() as session:
        rows = (await session.execute(query, {"owners": f"{tenant}|%"})).all()
    return b"\n".join(
        value if isinstance(value, bytes) else str(value).encode() for row in rows for value in row
    )


async def assert_secret_shown_once(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: str,
    path: str,
    field: str,
    headers: dict[str, str],
    json: dict[str, Any] | None = None,
) -> httpx.Response:
    """POST ``path`` with an ``Idempotency-Key``: the answer carries the one-time secret in
    ``field``, the stored copy of it does not, and the replay carries ``null`` and says so.
    The first answer."""
    keyed = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(path, json=json, headers=keyed)
    assert first.status_code in (200, 201), first.text
    secret = first.json()[field]
    assert isinstance(secret, str)
    assert len(secret) >= 32
    stored = await stored_answers(app, tenant)
    assert secret.encode() not in stored
    assert b"idempotent-redacted" in stored  # the answer is there, minus the secret
    replay = await client.post(path, json=json, headers=keyed)
    assert replay.status_code == first.status_code, replay.text
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.headers["idempotent-redacted"] == field
    assert replay.json() == {**first.json(), field: None}
    assert secret not in replay.text
    assert "etag" not in replay.headers  # the stored copy is not the representation it named
    return first
