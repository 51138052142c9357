"""Every query on ``pet_images``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.images.models import PetImage


async def referenced_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these storage keys an image (full size or thumbnail) still uses."""
    wanted = list(keys)
    rows = await session.scalars(
        select(PetImage.key)
        .where(PetImage.key.in_(wanted))
        .union(select(PetImage.thumb_key).where(PetImage.thumb_key.in_(wanted)))
    )
    return set(rows.all())


async def add(session: AsyncSession, image: PetImage) -> None:
    session.add(image)
    await session.flush()


async def get(
    session: AsyncSession, tenant: str, pet_id: uuid.UUID, image_id: uuid.UUID
) -> PetImage | None:
    return await session.scalar(
        select(PetImage).where(
            PetImage.id == image_id, PetImage.pet_id == pet_id, PetImage.tenant == tenant
        )
    )


async def of_pets(
    session: AsyncSession, tenant: str, pet_ids: Sequence[uuid.UUID]
) -> list[PetImage]:
    if not pet_ids:
        return []
    rows = await session.scalars(
        select(PetImage)
        .where(PetImage.tenant == tenant, PetImage.pet_id.in_(pet_ids))
        .order_by(PetImage.created_at, PetImage.id)
    )
    return list(rows.all())


async def remove(session: AsyncSession, image_id: uuid.UUID) -> None:
    await session.execute(delete(PetImage).where(PetImage.id == image_id))


async def keys_of_pet(session: AsyncSession, pet_id: uuid.UUID) -> list[str]:
    """The storage keys (full size and thumbnail) of every image of the pet."""
    rows = await session.execute(
        select(PetImage.key, PetImage.thumb_key).where(PetImage.pet_id == pet_id)
    )
    return [key for pair in rows.all() for key in pair]


async def keys_in_tenant(session: AsyncSession, tenant: str) -> list[str]:
    """The storage keys (full size and thumbnail) of every image in the tenant."""
    rows = await session.execute(
        select(PetImage.key, PetImage.thumb_key).where(PetImage.tenant == tenant)
    )
    return [key for pair in rows.all() for key in pair]
