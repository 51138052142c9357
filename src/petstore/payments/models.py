"""Payment attempts, receipts and refunds. Card and account numbers are never stored: only the
brand, the last four digits, the expiry and the holder's name (and for bank accounts the
routing number or sort code, which are public bank identifiers)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_order", "order_id", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(36))
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # kept after the user is deleted
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))  # "card" or "bank_account"
    holder_name: Mapped[str] = mapped_column(String(100))
    last4: Mapped[str] = mapped_column(String(4))
    brand: Mapped[str | None] = mapped_column(String(16))
    exp_month: Mapped[int | None] = mapped_column(Integer)
    exp_year: Mapped[int | None] = mapped_column(Integer)
    routing_number: Mapped[str | None] = mapped_column(String(9))
    sort_code: Mapped[str | None] = mapped_column(String(6))
    account_type: Mapped[str | None] = mapped_column(String(16))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    billing_city: Mapped[str | None] = mapped_column(String(100))
    billing_state: Mapped[str | None] = mapped_column(String(100))
    billing_postal_code: Mapped[str | None] = mapped_column(String(20))
    failure_code: Mapped[str | None] = mapped_column(String(40))
    failure_message: Mapped[str | None] = mapped_column(String(200))
    processor_reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Receipt(Base):
    __tablename__ = "receipts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(36))
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"))
    payment_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("payments.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # kept after the user is deleted
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Refund(Base):
    """Money given back for a payment: a cancelled paid order is refunded in full, once (the
    unique payment id), in the transaction that cancels it."""

    __tablename__ = "refunds"
    __table_args__ = (Index("ix_refunds_order", "order_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(36))
    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"))
    payment_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("payments.id", ondelete="CASCADE"), unique=True
    )
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    processor_reference: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # None: the system
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
