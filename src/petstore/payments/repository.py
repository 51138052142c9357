"""Every query of the payments domain: payment attempts, receipts and refunds."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.payments.models import Payment, Receipt, Refund


async def add(session: AsyncSession, row: Payment | Receipt | Refund) -> None:
    session.add(row)
    await session.flush()


async def payments_of(
    session: AsyncSession, order_id: uuid.UUID
) -> list[tuple[Payment, Receipt | None, Refund | None]]:
    """Every attempt to pay the order, oldest first, each with its receipt if it succeeded and
    its refund if it was given back."""
    rows = await session.execute(
        select(Payment, Receipt, Refund)
        .outerjoin(Receipt, Receipt.payment_id == Payment.id)
        .outerjoin(Refund, Refund.payment_id == Payment.id)
        .where(Payment.order_id == order_id)
        .order_by(Payment.id)
    )
    return [(payment, receipt, refund) for payment, receipt, refund in rows.all()]


async def receipt_with_payment(
    session: AsyncSession, tenant: str, receipt_id: uuid.UUID
) -> tuple[Receipt, Payment] | None:
    row = (
        await session.execute(
            select(Receipt, Payment)
            .join(Payment, Payment.id == Receipt.payment_id)
            .where(Receipt.id == receipt_id, Receipt.tenant == tenant)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None
