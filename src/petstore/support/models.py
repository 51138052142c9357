"""The support tables: conversations, their messages (with receipts), and which agents are
connected right now (a row per agent connection, kept fresh by a heartbeat, so presence is
shared by every instance and forgotten when an instance dies)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base


class Conversation(Base):
    __tablename__ = "support_conversations"
    __table_args__ = (
        Index("ix_support_conversations_customer", "tenant", "customer_id", "id"),
        Index("ix_support_conversations_status", "tenant", "status", "id"),
        Index("ix_support_conversations_agent", "tenant", "agent_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    agent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(10))  # WAITING, ACTIVE, CLOSED
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupportMessage(Base):
    __tablename__ = "support_messages"
    __table_args__ = (
        Index("ix_support_messages_conversation", "conversation_id", "id"),
        # A client's retry of one message (same client id) is the message it already sent.
        UniqueConstraint("conversation_id", "sender_id", "client_id", name="uq_support_client_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # UUIDv7: time-ordered
    tenant: Mapped[str] = mapped_column(String(36))
    conversation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sender_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # None: the advisor or the system
    sender_role: Mapped[str] = mapped_column(String(10))  # CUSTOMER, AGENT, ADVISOR, SYSTEM
    client_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AgentPresence(Base):
    __tablename__ = "support_agents"
    __table_args__ = (Index("ix_support_agents_tenant", "tenant", "seen_at"),)

    connection_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(36))
    agent_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    connected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
