"""the MQTT outbox (messages to publish, marked sent on PUBACK) and the publisher's lease

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mqtt_messages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("tenant", sa.String(length=36), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("retain", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_mqtt_messages_unsent", "mqtt_messages", ["sent_at", "id"])
    leases = op.create_table(
        "mqtt_leases",
        sa.Column("name", sa.String(length=20), primary_key=True),
        sa.Column("holder", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.bulk_insert(leases, [{"name": "publisher", "holder": None, "expires_at": None}])


def downgrade() -> None:
    op.drop_table("mqtt_leases")
    op.drop_index("ix_mqtt_messages_unsent", table_name="mqtt_messages")
    op.drop_table("mqtt_messages")
