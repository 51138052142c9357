"""Secrets the server makes for itself once and shares with every process via the database
(the callback signing secret, the key that fingerprints idempotent requests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import WRITE_INTENT, Base
from petstore.core.ids import utcnow


class ServerSecret(Base):
    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


async def server_secret(
    sessionmaker: async_sessionmaker[AsyncSession], name: str, make: Callable[[], str]
) -> str:
    """The secret called ``name``, created with ``make()`` by the first process that asks."""
    async with sessionmaker() as session:
        row = await session.get(ServerSecret, name)
        if row is not None:
            return row.value
    async with sessionmaker() as session:
        await session.connection(execution_options={WRITE_INTENT: True})
        row = await session.get(ServerSecret, name)
        if row is not None:
            return row.value
        value = make()
        session.add(ServerSecret(name=name, value=value, created_at=utcnow()))
        try:
            await session.commit()
        except IntegrityError:  # another process made it first: use theirs
            await session.rollback()
            return await server_secret(sessionmaker, name, make)
        return value
