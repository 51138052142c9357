"""Every query of the classic store. All of them are scoped to one tenant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.classic.models import ClassicOrder, ClassicPet, ClassicSeeded, ClassicUser
from petstore.core.database import WRITE_INTENT

Row = TypeVar("Row", ClassicPet, ClassicOrder)


async def begin_writing(session: AsyncSession) -> None:
    """Start a transaction that will write (SQLite takes its write lock now, so two first
    requests queue instead of failing to upgrade their read locks)."""
    await session.connection(execution_options={WRITE_INTENT: True})


async def is_seeded(session: AsyncSession, tenant: str) -> bool:
    return await session.get(ClassicSeeded, tenant) is not None


async def clear(session: AsyncSession, tenant: str) -> None:
    """Remove the tenant's classic data and its seed marker."""
    for table in (ClassicPet, ClassicOrder, ClassicUser, ClassicSeeded):
        await session.execute(delete(table).where(table.tenant == tenant))


async def save(session: AsyncSession, row: object) -> None:
    """Insert ``row``, or replace the stored row with the same key (classic writes replace)."""
    await session.merge(row)
    await session.flush()


async def add_all(session: AsyncSession, rows: Sequence[object]) -> None:
    session.add_all(rows)
    await session.flush()


async def get(session: AsyncSession, kind: type[Row], tenant: str, ident: int) -> Row | None:
    return await session.get(kind, (tenant, ident))


async def id_taken(
    session: AsyncSession, kind: type[ClassicPet | ClassicOrder], tenant: str, ident: int
) -> bool:
    return await session.get(kind, (tenant, ident)) is not None


async def next_id(session: AsyncSession, kind: type[ClassicPet | ClassicOrder], tenant: str) -> int:
    """One more than the tenant's highest id (at least 1)."""
    highest = await session.scalar(select(func.max(kind.id)).where(kind.tenant == tenant))
    return max(int(highest or 0), 0) + 1


async def remove(session: AsyncSession, row: object) -> None:
    await session.delete(row)
    await session.flush()


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def pets(
    session: AsyncSession, tenant: str, statuses: Sequence[str] | None
) -> list[ClassicPet]:
    """The tenant's pets in id order, of the given statuses (all of them for ``None``)."""
    query = select(ClassicPet).where(ClassicPet.tenant == tenant)
    if statuses is not None:
        query = query.where(ClassicPet.status.in_(statuses))
    return list((await session.scalars(query.order_by(ClassicPet.id))).all())


async def order_counts(session: AsyncSession, tenant: str) -> dict[str, int]:
    rows = await session.execute(
        select(ClassicOrder.status, func.count())
        .where(ClassicOrder.tenant == tenant, ClassicOrder.status.is_not(None))
        .group_by(ClassicOrder.status)
    )
    return {str(status): int(count) for status, count in rows.all()}


async def user(session: AsyncSession, tenant: str, username: str) -> ClassicUser | None:
    return await session.get(ClassicUser, (tenant, username))
