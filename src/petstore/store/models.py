"""The ``orders`` table. Amounts are integer minor units copied from the pet at order time."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_tenant_user_id", "tenant", "user_id", "id"),
        Index("ix_orders_tenant_status_id", "tenant", "status", "id"),
        Index("ix_orders_pet", "pet_id"),
        Index("ix_orders_tenant_id", "tenant", "id"),  # the staff's list: newest first
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(36))
    # An order is a financial record: it keeps the ids of its pet and buyer even after either
    # is deleted (so no foreign keys to them), like a receipt keeps a customer number.
    pet_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrderCount(Base):
    """How many orders a tenant has per status, kept exact by database triggers on ``orders``
    (migration 0007), so the staff's order list does not count a million rows per page."""

    __tablename__ = "order_counts"

    tenant: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
