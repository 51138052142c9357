"""Every query on ``orders``, and the inventory aggregates (computed by the database)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.pets.models import PetCount
from petstore.store.models import Order, OrderCount


async def get(
    session: AsyncSession, tenant: str, order_id: uuid.UUID, *, for_update: bool = False
) -> Order | None:
    query = select(Order).where(Order.id == order_id, Order.tenant == tenant)
    if for_update:
        query = query.with_for_update()  # serialises payments of one order on PostgreSQL
    return await session.scalar(query)


async def add(session: AsyncSession, order: Order) -> None:
    session.add(order)
    await session.flush()


async def page(
    session: AsyncSession,
    tenant: str,
    *,
    user_id: uuid.UUID | None,
    statuses: Sequence[str],
    pet_id: uuid.UUID | None,
    offset: int,
    limit: int,
) -> tuple[list[Order], int]:
    where: list[ColumnElement[bool]] = [Order.tenant == tenant]
    if user_id is not None:
        where.append(Order.user_id == user_id)
    if statuses:
        where.append(Order.status.in_(statuses))
    if pet_id is not None:
        where.append(Order.pet_id == pet_id)
    if user_id is None and pet_id is None:
        # Everyone's orders (staff): the counter rows know, no need to count a million.
        counted = select(func.coalesce(func.sum(OrderCount.n), 0)).where(
            OrderCount.tenant == tenant
        )
        if statuses:
            counted = counted.where(OrderCount.status.in_(statuses))
        total = await session.scalar(counted)
    else:
        total = await session.scalar(select(func.count()).select_from(Order).where(*where))
    rows = await session.scalars(
        select(Order).where(*where).order_by(Order.id.desc()).offset(offset).limit(limit)
    )
    return list(rows.all()), int(total or 0)


async def pet_counts(
    session: AsyncSession, tenant: str, statuses: Sequence[str]
) -> list[tuple[str, str, int]]:
    """(species, status, count) for the tenant's pets: the counter rows the triggers keep."""
    query = select(PetCount.species, PetCount.status, PetCount.n).where(
        PetCount.tenant == tenant, PetCount.n != 0
    )
    if statuses:
        query = query.where(PetCount.status.in_(statuses))
    rows = await session.execute(query)
    return [(species, status, int(count)) for species, status, count in rows.all()]


async def flush(session: AsyncSession) -> None:
    await session.flush()


IN_PROGRESS = ("PLACED", "APPROVED", "SHIPPED")


async def open_order_of_pet(session: AsyncSession, pet_id: uuid.UUID) -> uuid.UUID | None:
    """The id of an order of the pet that is still in progress, if any."""
    return await session.scalar(
        select(Order.id).where(Order.pet_id == pet_id, Order.status.in_(IN_PROGRESS)).limit(1)
    )


async def remove_tenant(session: AsyncSession, tenant: str) -> int:
    """Delete every order of the tenant (payments and refunds go by cascade); how many."""
    result = await session.execute(delete(Order).where(Order.tenant == tenant))
    return int(getattr(result, "rowcount", 0) or 0)
