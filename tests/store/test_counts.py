"""The counter rows (``pet_counts``, ``order_counts``, kept by triggers from migration 0007)
always equal a real count of the rows, after API writes and after bulk SQL, on both databases;
and the totals the API reports come from them correctly."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from petstore.container import container_of
from petstore.migrations.runner import upgrade
from petstore.pets.models import Pet
from petstore.store.models import Order
from tests.support.accounts import Account
from tests.support.databases import fresh_postgres_database
from tests.support.pets import MakePet
from tests.support.settings import DATABASES


async def counters_match_rows(app: FastAPI, tenant: str) -> tuple[dict[Any, int], dict[Any, int]]:
    """Assert both counter tables equal a GROUP BY over the real rows; return the pet counts
    and order counts (zero rows left out)."""
    async with container_of(app).sessionmaker() as session:
        real_pets = {
            (r.status, r.species): r.n
            for r in await session.execute(
                text(
                    "SELECT status, species, count(*) AS n FROM pets WHERE tenant = :t "
                    "GROUP BY status, species"
                ),
                {"t": tenant},
            )
        }
        kept_pets = {
            (r.status, r.species): r.n
            for r in await session.execute(
                text("SELECT status, species, n FROM pet_counts WHERE tenant = :t AND n <> 0"),
                {"t": tenant},
            )
        }
        real_orders = {
            r.status: r.n
            for r in await session.execute(
                text("SELECT status, count(*) AS n FROM orders WHERE tenant = :t GROUP BY status"),
                {"t": tenant},
            )
        }
        kept_orders = {
            r.status: r.n
            for r in await session.execute(
                text("SELECT status, n FROM order_counts WHERE tenant = :t AND n <> 0"),
                {"t": tenant},
            )
        }
    assert kept_pets == real_pets
    assert kept_orders == real_orders
    return kept_pets, kept_orders


async def test_counters_follow_every_kind_of_write(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: str,
    staff: Account,
    user: Account,
    make_pet: MakePet,
) -> None:
    dogs = [await make_pet(name=f"Dog {i}") for i in range(3)]
    cat = await make_pet(name="Cat", species="CAT")
    await make_pet(name="Parrot", species="BIRD", status="NOT_AVAILABLE")
    pets, orders = await counters_match_rows(app, tenant)
    assert pets == {("AVAILABLE", "DOG"): 3, ("AVAILABLE", "CAT"): 1, ("NOT_AVAILABLE", "BIRD"): 1}
    assert orders == {}

    # An order moves a pet to PENDING; a cancellation moves it back; a payment approves.
    first = await client.post("/v1/orders", json={"petId": dogs[0]["id"]}, headers=user.auth)
    assert first.status_code == 201, first.text
    second = await client.post("/v1/orders", json={"petId": dogs[1]["id"]}, headers=user.auth)
    assert second.status_code == 201, second.text
    cancelled = await client.delete(f"/v1/orders/{second.json()['id']}", headers=user.auth)
    assert cancelled.status_code == 204, cancelled.text
    pets, orders = await counters_match_rows(app, tenant)
    assert pets[("PENDING", "DOG")] == 1
    assert pets[("AVAILABLE", "DOG")] == 2
    assert orders == {"PLACED": 1, "CANCELLED": 1}

    # Species change (PATCH), an update that changes neither key, and a delete.
    patched = await client.patch(
        f"/v1/pets/{cat['id']}",
        json={"species": "RABBIT"},
        headers={**staff.auth, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    renamed = await client.patch(
        f"/v1/pets/{dogs[2]['id']}",
        json={"name": "Renamed"},
        headers={**staff.auth, "Content-Type": "application/merge-patch+json"},
    )
    assert renamed.status_code == 200, renamed.text
    deleted = await client.delete(f"/v1/pets/{dogs[2]['id']}", headers=staff.auth)
    assert deleted.status_code == 204, deleted.text
    pets, _ = await counters_match_rows(app, tenant)
    assert ("AVAILABLE", "CAT") not in pets
    assert pets[("AVAILABLE", "RABBIT")] == 1
    assert pets[("AVAILABLE", "DOG")] == 1

    # Bulk SQL, one statement for many rows (PostgreSQL's statement-level triggers aggregate).
    async with container_of(app).sessionmaker() as session:
        await session.execute(
            text("UPDATE pets SET status = 'ADOPTED' WHERE tenant = :t AND species = 'DOG'"),
            {"t": tenant},
        )
        await session.execute(
            text("UPDATE orders SET status = 'DELIVERED' WHERE tenant = :t"), {"t": tenant}
        )
        await session.commit()
    pets, orders = await counters_match_rows(app, tenant)
    assert pets[("ADOPTED", "DOG")] == 2
    assert orders == {"DELIVERED": 2}

    # A rolled-back change leaves the counters as they were.
    async with container_of(app).sessionmaker() as session:
        await session.execute(text("DELETE FROM pets WHERE tenant = :t"), {"t": tenant})
        await session.rollback()
    assert await counters_match_rows(app, tenant) == (pets, orders)

    async with container_of(app).sessionmaker() as session:
        await session.execute(text("DELETE FROM pets WHERE tenant = :t"), {"t": tenant})
        await session.commit()
    pets, _ = await counters_match_rows(app, tenant)
    assert pets == {}


async def test_totals_come_from_the_counters_or_a_count(
    client: httpx.AsyncClient, staff: Account, user: Account, make_pet: MakePet
) -> None:
    for i in range(4):
        await make_pet(name=f"Small {i}", size="SMALL", ageMonths=6 + i)
    await make_pet(name="Big cat", species="CAT", size="LARGE")
    await make_pet(name="Away", status="NOT_AVAILABLE")

    async def total(path: str, auth: dict[str, str] | None = None) -> int:
        response = await client.get(path, headers=auth)
        assert response.status_code == 200, response.text
        value: int = response.json()["pagination"]["totalItems"]
        return value

    # Status/species only: the counter rows; any other filter: a real count.
    assert await total("/v1/pets") == 5
    assert await total("/v1/pets?species=DOG") == 4
    assert await total("/v1/pets?status=NOT_AVAILABLE") == 1
    assert await total("/v1/pets?species=RABBIT") == 0
    assert await total("/v1/pets?size=SMALL&ageMax=7") == 2
    searched = await client.request(
        "QUERY", "/v1/pets", json={"criteria": {"species": ["DOG", "CAT"], "size": ["LARGE"]}}
    )
    assert searched.json()["pagination"]["totalItems"] == 1

    listed = await client.get("/v1/pets?limit=100")
    for pet in listed.json()["data"][:3]:
        ordered = await client.post("/v1/orders", json={"petId": pet["id"]}, headers=user.auth)
        assert ordered.status_code == 201, ordered.text
    assert await total("/v1/orders", staff.auth) == 3
    assert await total("/v1/orders?status=PLACED", staff.auth) == 3
    assert await total("/v1/orders?status=CANCELLED", staff.auth) == 0
    assert await total("/v1/orders", user.auth) == 3  # own orders: counted
    assert await total("/v1/pets") == 2


@pytest.mark.parametrize("backend", DATABASES)
async def test_the_migration_counts_the_rows_already_there(backend: str, tmp_path: Path) -> None:
    """Upgrading a database that has pets and orders fills the counters from them."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'backfill.db'}"
    else:
        url = await fresh_postgres_database(
            f"petstore_backfill_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        )
    upgrade(url, "0005")
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            for n, (status, species) in enumerate(
                [("AVAILABLE", "DOG")] * 3 + [("ADOPTED", "DOG"), ("AVAILABLE", "CAT")]
            ):
                now = datetime.now(UTC)
                await conn.execute(
                    insert(Pet).values(
                        id=uuid.uuid4(),
                        tenant="t",
                        name=f"Pet {n}",
                        species=species,
                        age_months=1,
                        price_minor=100,
                        currency="USD",
                        status=status,
                        photos=[],
                        created_at=now,
                        updated_at=now,
                    )
                )
                await conn.execute(
                    insert(Order).values(
                        id=uuid.uuid4(),
                        tenant="t",
                        pet_id=uuid.uuid4(),
                        user_id=uuid.uuid4(),
                        status="PLACED" if n % 2 else "DELIVERED",
                        total_minor=100,
                        currency="USD",
                        created_at=now,
                        updated_at=now,
                    )
                )
        await asyncio.to_thread(upgrade, url)
        async with engine.connect() as conn:
            pets = set(
                (await conn.execute(text("SELECT status, species, n FROM pet_counts"))).all()
            )
            orders = set((await conn.execute(text("SELECT status, n FROM order_counts"))).all())
    finally:
        await engine.dispose()
    assert pets == {("AVAILABLE", "DOG", 3), ("ADOPTED", "DOG", 1), ("AVAILABLE", "CAT", 1)}
    assert orders == {("PLACED", 2), ("DELIVERED", 3)}  # n = 0, 2, 4 DELIVERED
