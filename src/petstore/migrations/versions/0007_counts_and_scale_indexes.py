"""counter tables for pets and orders, kept by triggers; indexes for 100k pets / 1M orders

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Counting is what stops scaling first: an inventory or the ``totalItems`` of a list counted
every matching row on every request (100,000 pets, 1,000,000 orders: 5-8x slower than at
1,000 pets). ``pet_counts`` (tenant, status, species) and ``order_counts`` (tenant, status)
hold those numbers, changed by triggers in the same transaction as the rows they count, so
they are exact, whichever code (or SQL) writes the tables. PostgreSQL uses statement-level
triggers with transition tables: one aggregated upsert per statement (a bulk load is one
upsert, not one per row), touching counter rows in a fixed order (no deadlocks between two
transactions that move pets in opposite directions) and not at all when an update leaves
status and species alone. SQLite, which has only row triggers and one writer at a time,
uses row triggers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (counted table, counter table, the columns a counter row is keyed by)
COUNTERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pets", "pet_counts", ("tenant", "status", "species")),
    ("orders", "order_counts", ("tenant", "status")),
)
PET_FILTER_COLUMNS = [
    "tenant",
    "status",
    "species",
    "size",
    "age_months",
    "good_with_kids",
    "vaccinated",
    "spayed_neutered",
    "special_needs",
]


def _postgres_trigger(
    counted: str, counter: str, keys: tuple[str, ...], event: str
) -> tuple[str, str]:
    """The trigger function and the trigger (two statements: asyncpg runs one at a time)."""
    cols = ", ".join(keys)
    sources = {
        "insert": [("new_rows", 1)],
        "delete": [("old_rows", -1)],
        "update": [("new_rows", 1), ("old_rows", -1)],
    }[event]
    changes = "\n        UNION ALL\n        ".join(
        f"SELECT {cols}, {sign} AS d FROM {source}"  # noqa: S608 - constants only
        for source, sign in sources
    )
    transition = " ".join(
        f"{'NEW' if source == 'new_rows' else 'OLD'} TABLE AS {source}" for source, _ in sources
    )
    function = f"""
CREATE FUNCTION {counter}_on_{event}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO {counter} AS c ({cols}, n)
    SELECT {cols}, sum(d) FROM (
        {changes}
    ) AS changes
    GROUP BY {cols}
    HAVING sum(d) <> 0
    ORDER BY {cols}
    ON CONFLICT ({cols}) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END
$body$
"""  # noqa: S608 - constants only
    trigger = (
        f"CREATE TRIGGER {counter}_on_{event} AFTER {event.upper()} ON {counted} "
        f"REFERENCING {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {counter}_on_{event}()"
    )
    return function, trigger


def _sqlite_triggers(counted: str, counter: str, keys: tuple[str, ...]) -> list[str]:
    cols = ", ".join(keys)

    def bump(row: str, delta: int) -> str:
        values = ", ".join(f"{row}.{key}" for key in keys)
        return (
            f"INSERT INTO {counter} ({cols}, n) VALUES ({values}, {delta}) "  # noqa: S608
            f"ON CONFLICT ({cols}) DO UPDATE SET n = n + excluded.n;"
        )

    changed = " OR ".join(f"OLD.{key} <> NEW.{key}" for key in keys)
    return [
        f"CREATE TRIGGER {counter}_on_insert AFTER INSERT ON {counted} BEGIN {bump('NEW', 1)} END",
        f"CREATE TRIGGER {counter}_on_delete AFTER DELETE ON {counted} BEGIN {bump('OLD', -1)} END",
        f"CREATE TRIGGER {counter}_on_update AFTER UPDATE OF {cols} ON {counted} "
        f"WHEN {changed} BEGIN {bump('OLD', -1)} {bump('NEW', 1)} END",
    ]


def upgrade() -> None:
    op.create_table(
        "pet_counts",
        sa.Column("tenant", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("species", sa.String(length=10), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "status", "species"),
    )
    op.create_table(
        "order_counts",
        sa.Column("tenant", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant", "status"),
    )
    op.create_index("ix_pets_filter_count", "pets", PET_FILTER_COLUMNS, unique=False)
    op.create_index("ix_orders_tenant_id", "orders", ["tenant", "id"], unique=False)

    postgres = op.get_bind().dialect.name == "postgresql"
    for counted, counter, keys in COUNTERS:
        cols = ", ".join(keys)
        if postgres:
            # No write may slip in between the backfill and the triggers.
            op.execute(f"LOCK TABLE {counted} IN SHARE ROW EXCLUSIVE MODE")
        op.execute(
            f"INSERT INTO {counter} ({cols}, n) "  # noqa: S608 - constants only
            f"SELECT {cols}, count(*) FROM {counted} GROUP BY {cols}"
        )
        if postgres:
            for event in ("insert", "delete", "update"):
                for statement in _postgres_trigger(counted, counter, keys, event):
                    op.execute(statement)
        else:
            for statement in _sqlite_triggers(counted, counter, keys):
                op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for counted, counter, _keys in COUNTERS:
        for event in ("insert", "delete", "update"):
            if postgres:
                op.execute(f"DROP TRIGGER IF EXISTS {counter}_on_{event} ON {counted}")
                op.execute(f"DROP FUNCTION IF EXISTS {counter}_on_{event}()")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {counter}_on_{event}")
    op.drop_index("ix_orders_tenant_id", table_name="orders")
    op.drop_index("ix_pets_filter_count", table_name="pets")
    op.drop_table("order_counts")
    op.drop_table("pet_counts")
