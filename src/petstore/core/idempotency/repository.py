"""Every query on ``idempotency_keys``. The middleware owns each transaction (it commits each
step on its own, outside the request's)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.core.idempotency.models import IdempotencyKey

PURGE_BATCH = 50
"""Expired rows deleted with each reservation: many more than the one row it adds, so the
table holds only live answers (nothing kept beyond its day) without a sweeper to run."""


async def reserve(session: AsyncSession, row: IdempotencyKey, now: datetime) -> None:
    """Drop the caller's expired copy of the key and a batch of anyone's expired rows, then
    add the fresh row (the unique constraint refuses it, at flush or commit, while a live one
    exists). Rows another reservation is purging are skipped, not waited for (PostgreSQL)."""
    await session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.owner == row.owner,
            IdempotencyKey.key == row.key,
            IdempotencyKey.expires_at < now,
        )
    )
    expired = (
        select(IdempotencyKey.id)
        .where(IdempotencyKey.expires_at < now)
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    await session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.id.in_(expired.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    session.add(row)


async def find(session: AsyncSession, owner: str, key: str) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.owner == owner, IdempotencyKey.key == key)
    )


async def remove(session: AsyncSession, row_id: uuid.UUID) -> None:
    await session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))


async def store_response(
    session: AsyncSession,
    row_id: uuid.UUID,
    status_code: int | None,
    headers: list[list[str]],
    body: bytes,
) -> None:
    """Keep the answer to replay to a retry with the same key."""
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == row_id)
        .values(status_code=status_code, headers=headers, body=body)
    )
