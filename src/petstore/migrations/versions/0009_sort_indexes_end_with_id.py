"""the indexes that sort pets by age, price and name end with the id, like the sort itself

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Searches sort by (column, id): the id breaks ties, so that pages never overlap. Without the id
in the index PostgreSQL read every pet of the first equal values from the table and sorted
them to find the first page: a search by age at 100,000 pets took 4.7 ms instead of 0.06 ms.
The indexes are rebuilt in the migration's transaction (a catalogue of 100,000 pets takes
well under a second).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SORTED_BY = {
    "ix_pets_tenant_status_age": "age_months",
    "ix_pets_tenant_status_price": "price_minor",
    "ix_pets_tenant_status_name": "name",
}


def _rebuild(with_id: bool) -> None:
    # Plain index statements, no batch mode: on SQLite a batch may copy the table, and the
    # counting triggers of 0007 would not come along.
    for name, column in SORTED_BY.items():
        op.drop_index(name, table_name="pets")
        columns = ["tenant", "status", column, *(["id"] if with_id else [])]
        op.create_index(name, "pets", columns, unique=False)


def upgrade() -> None:
    _rebuild(with_id=True)


def downgrade() -> None:
    _rebuild(with_id=False)
