"""The schema is built only by the Alembic migrations, and the code reads it through the
models: a column, index or constraint that one declares and the other lacks is a bug that no
API test may happen to touch, so the two are compared on both databases."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from petstore.core.database import Base
from petstore.core.ids import new_id, utcnow
from petstore.migrations.runner import alembic_config, upgrade
from petstore.models import import_all_models
from petstore.payments.models import Payment, Receipt
from petstore.pets.models import Pet
from petstore.store.models import Order
from tests.support.databases import empty_database
from tests.support.settings import DATABASES

# SQLite cannot reflect the two case-insensitive unique indexes on users (expressions), so
# alembic skips them there and says so; PostgreSQL compares them.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*expression-based index:UserWarning",
    "ignore:Skipped unsupported reflection of expression-based index",
)


def _differences(connection: Connection) -> list[object]:
    import_all_models()
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_the_migrations_build_exactly_the_schema_the_models_declare(
    database_url: str,
) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


# --- 0011: amounts in each currency's own minor unit ---------------------------------------

# (currency, in hundredths as 0010 stored it, after upgrading to 0011, after downgrading again)
LEGACY_AMOUNTS = [
    ("USD", 4999, 4999, 4999),
    ("JPY", 1500000, 15000, 1500000),
    ("JPY", 1050, 11, 1100),  # "10.50" yen, written before the rule: whole yen from now on
    ("BHD", 125, 1250, 125),
]


async def _write_legacy_rows(url: str) -> None:
    """One pet, order, payment and receipt per amount, as revision 0010 stored them."""
    engine = create_async_engine(url)
    now = utcnow()
    try:
        async with AsyncSession(engine) as session, session.begin():
            for currency, minor, _, _ in LEGACY_AMOUNTS:
                pet = Pet(
                    id=new_id(), tenant="t", name="Old", species="DOG", age_months=1,
                    price_minor=minor, currency=currency, status="PENDING", photos=[],
                    created_at=now, updated_at=now,
                )  # fmt: skip
                order = Order(
                    id=new_id(), tenant="t", pet_id=pet.id, user_id=new_id(), status="APPROVED",
                    total_minor=minor, currency=currency, created_at=now, updated_at=now,
                )  # fmt: skip
                payment = Payment(
                    id=new_id(), tenant="t", order_id=order.id, user_id=order.user_id,
                    amount_minor=minor, currency=currency, status="SUCCEEDED", method="card",
                    holder_name="Jane Doe", last4="4242", created_at=now,
                )  # fmt: skip
                receipt = Receipt(
                    id=new_id(), tenant="t", order_id=order.id, payment_id=payment.id,
                    user_id=order.user_id, amount_minor=minor, currency=currency, created_at=now,
                )  # fmt: skip
                session.add_all([pet, order])
                await session.flush()
                session.add(payment)
                await session.flush()
                session.add(receipt)
    finally:
        await engine.dispose()


async def _amounts(url: str) -> dict[str, list[tuple[str, int]]]:
    engine = create_async_engine(url)
    columns = {
        "pets": (Pet.currency, Pet.price_minor, Pet.id),
        "orders": (Order.currency, Order.total_minor, Order.id),
        "payments": (Payment.currency, Payment.amount_minor, Payment.id),
        "receipts": (Receipt.currency, Receipt.amount_minor, Receipt.id),
    }
    try:
        async with AsyncSession(engine) as session:
            return {
                table: [
                    (c, int(m))
                    for c, m in (await session.execute(select(cur, amt).order_by(key))).all()
                ]
                for table, (cur, amt, key) in columns.items()
            }
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", DATABASES)
def test_0011_counts_amounts_in_each_currencys_minor_unit(backend: str, tmp_path: Path) -> None:
    """Yen stored in hundredths become whole yen (a legacy fraction rounded half up), dinars
    become thousandths, dollars stay; on every table that holds an amount, and back down."""
    with empty_database(backend, tmp_path, "minor_units") as url:
        upgrade(url, "0010")
        asyncio.run(_write_legacy_rows(url))
        upgrade(url, "0011")
        after = [(currency, minor) for currency, _, minor, _ in LEGACY_AMOUNTS]
        assert asyncio.run(_amounts(url)) == dict.fromkeys(
            ("pets", "orders", "payments", "receipts"), after
        )
        command.downgrade(alembic_config(url), "0010")
        back = [(currency, minor) for currency, _, _, minor in LEGACY_AMOUNTS]
        assert asyncio.run(_amounts(url)) == dict.fromkeys(
            ("pets", "orders", "payments", "receipts"), back
        )
