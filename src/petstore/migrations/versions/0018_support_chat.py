"""support chat: conversations, messages with receipts, agent presence

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "support_conversations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_support_conversations_customer",
        "support_conversations",
        ["tenant", "customer_id", "id"],
    )
    op.create_index(
        "ix_support_conversations_status", "support_conversations", ["tenant", "status", "id"]
    )
    op.create_index(
        "ix_support_conversations_agent", "support_conversations", ["tenant", "agent_id", "status"]
    )
    op.create_table(
        "support_messages",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant", sa.String(length=36), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("sender_id", sa.Uuid(), nullable=True),
        sa.Column("sender_role", sa.String(length=10), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint(
            "conversation_id", "sender_id", "client_id", name="uq_support_client_id"
        ),
    )
    op.create_index(
        "ix_support_messages_conversation", "support_messages", ["conversation_id", "id"]
    )
    op.create_table(
        "support_agents",
        sa.Column("connection_id", sa.Uuid(), primary_key=True),
        sa.Column("tenant", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_support_agents_tenant", "support_agents", ["tenant", "seen_at"])


def downgrade() -> None:
    op.drop_index("ix_support_agents_tenant", table_name="support_agents")
    op.drop_table("support_agents")
    op.drop_index("ix_support_messages_conversation", table_name="support_messages")
    op.drop_table("support_messages")
    for index in ("agent", "status", "customer"):
        op.drop_index(f"ix_support_conversations_{index}", table_name="support_conversations")
    op.drop_table("support_conversations")
