"""Loads the demo catalog into a tenant, in batches (fast enough for 100,000 pets).

Beside the CLI rather than in ``pets/``: the demo pets come with pictures, so seeding uses both
the pets and the images domains.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.core import money
from petstore.core.ids import new_id, utcnow
from petstore.images import service as images
from petstore.images.demo import draw_pet
from petstore.images.storage import ImageStorage
from petstore.pets import repository
from petstore.pets.demo_catalog import demo_pets
from petstore.store import repository as orders

BATCH = 1000
# The documented demo account (`petstore seed --with-staff`), shown on the front page.
DEMO_STAFF_USERNAME = "demo-staff"
DEMO_STAFF_PASSWORD = "kibble-and-long-walks"  # noqa: S105 - documented demo account
DEMO_PHOTOS = 12


async def count_pets(session: AsyncSession, tenant: str) -> int:
    return await repository.count_in_tenant(session, tenant)


async def reset_catalog(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: ImageStorage,
    tenant: str,
) -> tuple[int, int]:
    """Delete the tenant's pets (with their images and files) and orders (with their payments)
    so the catalog can be seeded afresh; accounts, webhooks and OAuth clients stay. An operator's
    reset, not a store event: no webhook is sent. Returns (pets, orders) deleted."""
    await images.forget_tenant_images(session, sessionmaker, storage, tenant)
    gone_orders = await orders.remove_tenant(session, tenant)
    return await repository.remove_tenant(session, tenant), gone_orders


async def seed_pets(session: AsyncSession, tenant: str, count: int) -> int:
    """Insert ``count`` demo pets into ``tenant``; returns how many were inserted."""
    start = utcnow() - timedelta(seconds=count)
    rows = []
    for index, demo in enumerate(demo_pets(count)):
        moment = start + timedelta(seconds=index)
        rows.append(
            {
                "id": new_id(),
                "tenant": tenant,
                "name": demo.name,
                "species": demo.species,
                "breed": demo.breed,
                "age_months": demo.age_months,
                "size": demo.size,
                "color": demo.color,
                "gender": demo.gender,
                "good_with_kids": demo.good_with_kids,
                "price_minor": money.to_minor(demo.price, demo.currency),
                "currency": demo.currency,
                "description": demo.description,
                "status": demo.status,
                "vaccinated": demo.vaccinated,
                "spayed_neutered": demo.spayed_neutered,
                "microchipped": demo.microchipped,
                "special_needs": demo.special_needs,
                "health_notes": demo.health_notes,
                "photos": [],
                "created_at": moment,
                "updated_at": moment,
            }
        )
        if len(rows) >= BATCH:
            await repository.insert_many(session, rows)
            rows = []
    if rows:
        await repository.insert_many(session, rows)
    return count


async def seed_photos(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: ImageStorage,
    tenant: str,
    how_many: int = DEMO_PHOTOS,
    *,
    max_pixels: int,
) -> int:
    """Give the first pets of the catalog a picture drawn by :mod:`petstore.images.demo`."""
    pets = await repository.first_created(session, tenant, how_many)
    for pet in pets:
        picture = draw_pet(pet.name, pet.species)
        await images.add_image(
            session, sessionmaker, storage, pet, picture, None, base="", max_pixels=max_pixels
        )
    return len(pets)
