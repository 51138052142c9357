"""Bulk seeding for the drills, done by PostgreSQL itself (``INSERT ... SELECT ... FROM
generate_series``) straight into the tables the migrations built: 100,000 pets in about a
second, a million orders in well under a minute, instead of hours through the API."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

PET_EPOCH_MS = 1_750_000_000_000  # ids' timestamps: pet g is created at PET_EPOCH_MS + g
ORDER_EPOCH_MS = 1_760_000_000_000
USER_EPOCH_MS = 1_740_000_000_000
ORDERS_PER_USER = 100  # buyers: orders / 100 of them


def _uuid7_sql(epoch_ms: int, n: str, salt: str) -> str:
    """A UUIDv7-shaped id for row ``n``: its 48-bit timestamp grows with ``n``, the rest comes
    from md5 (deterministic, so orders can name the ids of pets and users they point at; the
    ``:salt`` parameter gives a second tenant in one database ids of its own)."""
    h = f"md5(CAST(:salt AS text) || '{salt}' || ({n})::text)"
    return (
        f"(lpad(to_hex({epoch_ms}::bigint + ({n})), 12, '0') || '7' || substr({h}, 1, 3) || "
        f"'8' || substr({h}, 4, 15))::uuid"
    )


SEED_PETS = f"""
INSERT INTO pets (id, tenant, name, species, breed, age_months, size, color, gender,
                  good_with_kids, price_minor, currency, description, status, vaccinated,
                  spayed_neutered, microchipped, special_needs, health_notes, photos,
                  created_at, updated_at)
SELECT {_uuid7_sql(PET_EPOCH_MS, "g", "pet")},
       :tenant,
       'Pet ' || g,
       (ARRAY['DOG','CAT','RABBIT','BIRD','REPTILE','OTHER'])[1 + g % 6],
       'Mixed',
       (g * 7) % 240,
       (ARRAY['SMALL','MEDIUM','LARGE'])[1 + (g / 6) % 3],
       'Brown',
       (ARRAY['MALE','FEMALE'])[1 + g % 2],
       g % 3 <> 0,
       1000 + (g * 37) % 100000,
       'USD',
       'A seeded pet for the scale drill.',
       CASE WHEN g % 20 < 8 THEN 'AVAILABLE' WHEN g % 20 < 10 THEN 'PENDING'
            WHEN g % 20 < 19 THEN 'ADOPTED' ELSE 'NOT_AVAILABLE' END,
       g % 4 <> 0, g % 5 <> 0, g % 2 = 0, g % 17 = 0, NULL,
       '[]'::json,
       now(), now()
FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint) - 1) AS g
"""  # noqa: S608 - built from constants; values are bound parameters

SEED_ORDERS = f"""
INSERT INTO orders (id, tenant, pet_id, user_id, status, total_minor, currency,
                    created_at, updated_at)
SELECT {_uuid7_sql(ORDER_EPOCH_MS, "g", "order")},
       :tenant,
       {_uuid7_sql(PET_EPOCH_MS, "g % CAST(:pets AS bigint)", "pet")},
       {_uuid7_sql(USER_EPOCH_MS, "g % CAST(:users AS bigint)", "user")},
       (ARRAY['PLACED','APPROVED','SHIPPED','DELIVERED','CANCELLED'])[1 + g % 5],
       1000 + (g * 37) % 100000,
       'USD',
       now(), now()
FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint) - 1) AS g
"""  # noqa: S608 - built from constants; values are bound parameters


async def seed(
    url: str,
    tenant: str,
    pets_from: int,
    pets_to: int,
    orders_from: int,
    orders_to: int,
    salt: str = "",
) -> float:
    """Grow the tenant to ``pets_to`` pets and ``orders_to`` orders; then VACUUM ANALYZE (what
    autovacuum would do after a bulk load: statistics, and the visibility map that lets
    index-only scans skip the heap). Returns the seconds it took."""
    started = time.perf_counter()
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(SEED_PETS),
                {"tenant": tenant, "start": pets_from, "stop": pets_to, "salt": salt},
            )
            if orders_to > orders_from:
                await conn.execute(
                    text(SEED_ORDERS),
                    {
                        "tenant": tenant,
                        "start": orders_from,
                        "stop": orders_to,
                        "pets": pets_to,
                        "users": orders_to // ORDERS_PER_USER,
                        "salt": salt,
                    },
                )
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in ("pets", "orders"):
                # A VACUUM right after the load does not always get to mark every page
                # all-visible (the loading transaction can still count as running for it);
                # autovacuum would come back, so do we.
                for _attempt in range(10):
                    await auto.execute(text(f"VACUUM ANALYZE {table}"))
                    pages, visible = (
                        await auto.execute(
                            text(
                                "SELECT relpages, relallvisible FROM pg_class "
                                "WHERE relname = :table"
                            ),
                            {"table": table},
                        )
                    ).one()
                    if visible >= pages:
                        break
                    await asyncio.sleep(1)
            counts = (
                await auto.execute(
                    text(
                        "SELECT (SELECT count(*) FROM pets WHERE tenant = :t),"
                        " (SELECT count(*) FROM orders WHERE tenant = :t)"
                    ),
                    {"t": tenant},
                )
            ).one()
        assert tuple(counts) == (pets_to, orders_to)
    finally:
        await engine.dispose()
    return time.perf_counter() - started


def a_buyer(orders_total: int, salt: str = "") -> str:
    """The id of a seeded buyer (each has ``ORDERS_PER_USER`` orders at either size)."""
    users = orders_total // ORDERS_PER_USER
    g = 7 % users
    digest = hashlib.md5(f"{salt}user{g}".encode()).hexdigest()  # noqa: S324 - ids only
    return str(uuid.UUID(f"{USER_EPOCH_MS + g:012x}7{digest[:3]}8{digest[3:18]}"))
