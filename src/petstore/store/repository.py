"""Every query on ``orders``, and the inventory aggregates (computed by the database)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.pets.models import Pet
from petstore.store.models import Order


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
    total = await session.scalar(select(func.count()).select_from(Order).where(*where))
    rows = await session.scalars(
        select(Order).where(*where).order_by(Order.id.desc()).offset(offset).limit(limit)
    )
    return list(rows.all()), int(total or 0)


async def pet_counts(
    session: AsyncSession, tenant: str, statuses: Sequence[str]
) -> list[tuple[str, str, int]]:
    """(species, status, count) for the tenant's pets, grouped by the database."""
    query = (
        select(Pet.species, Pet.status, func.count())
        .where(Pet.tenant == tenant)
        .group_by(Pet.species, Pet.status)
    )
    if statuses:
        query = query.where(Pet.status.in_(statuses))
    rows = await session.execute(query)
    return [(species, status, int(count)) for species, status, count in rows.all()]
