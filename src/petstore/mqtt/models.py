"""The MQTT outbox: one row per message an event is published as, written in the transaction
of the change, marked sent once the broker acknowledged it (PUBACK); and the lease that makes
one instance at a time the publisher, so each message goes out once and in order."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base

# SQLite numbers rows itself only in an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
Sequence64 = BigInteger().with_variant(Integer, "sqlite")


class MqttMessage(Base):
    __tablename__ = "mqtt_messages"
    __table_args__ = (Index("ix_mqtt_messages_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(Sequence64, primary_key=True, autoincrement=True)
    """The order of sending: per resource it is the order of its commits (a resource's
    changes hold its row lock, so a later change inserts its rows after the earlier commit)."""
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    tenant: Mapped[str] = mapped_column(String(36))
    topic: Mapped[str] = mapped_column(String(255))
    retain: Mapped[bool] = mapped_column(Boolean)
    payload: Mapped[str] = mapped_column(String(10))  # "event" or "stock" (mqtt.topics)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MqttLease(Base):
    """One row (``name = 'publisher'``, made by the migration)."""

    __tablename__ = "mqtt_leases"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
