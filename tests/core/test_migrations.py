"""The schema is built only by the Alembic migrations, and the code reads it through the
models: a column, index or constraint that one declares and the other lacks is a bug that no
API test may happen to touch, so the two are compared on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from petstore.core.database import Base
from petstore.models import import_all_models

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
