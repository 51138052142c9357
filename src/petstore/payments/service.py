"""Paying an order: validate against the order, charge through the processor, record the
attempt, and on success approve the order and issue a receipt.

A declined payment is recorded (FAILED) and the order stays PLACED, so the route returns the
402 problem without raising: the attempt must be committed, not rolled back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.core.links import current_base_url
from petstore.core.problems import Problem, conflict, not_found
from petstore.core.schemas import money_to_minor
from petstore.payments.models import Payment, Receipt
from petstore.payments.processor import ChargeRequest, PaymentProcessor
from petstore.payments.schemas import (
    BankAccountSource,
    CardSource,
    PaymentCreate,
    card_brand,
    payment_payload,
)
from petstore.store import service as orders
from petstore.store.lifecycle import OrderStatus
from petstore.store.models import Order
from petstore.store.schemas import order_payload
from petstore.webhooks import outbox


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    payment: Payment
    receipt: Receipt | None

    @property
    def succeeded(self) -> bool:
        return self.payment.status == "SUCCEEDED"


def _mismatch(field: str, message: str) -> Problem:
    return Problem(
        422,
        "The payment does not match the order.",
        errors=[{"field": field, "message": message, "code": "mismatch"}],
    )


async def pay_order(
    session: AsyncSession,
    processor: PaymentProcessor,
    actor: Principal,
    order: Order,
    data: PaymentCreate,
) -> PaymentOutcome:
    amount = money_to_minor(data.amount)
    if amount != order.total_minor:
        raise _mismatch("amount", "must equal the order's totalAmount")
    if data.currency != order.currency:
        raise _mismatch("currency", f"must be the order's currency, {order.currency}")
    if order.status != OrderStatus.PLACED.value:
        raise conflict(
            f"Only PLACED orders can be paid; this one is {order.status}.",
            currentStatus=order.status,
        )
    payment = _attempt(actor, order, amount, data)
    source = data.source
    number = source.number if isinstance(source, CardSource) else source.accountNumber
    result = await processor.charge(
        ChargeRequest(amount, data.currency, payment.method, number, payment.holder_name)  # type: ignore[arg-type]
    )
    payment.processor_reference = result.reference
    receipt = None
    if result.succeeded:
        payment.status = "SUCCEEDED"
        session.add(payment)
        await session.flush()
        await orders.move_order(session, actor, order, OrderStatus.APPROVED)
        receipt = Receipt(
            id=new_id(),
            tenant=order.tenant,
            order_id=order.id,
            payment_id=payment.id,
            user_id=order.user_id,
            amount_minor=amount,
            currency=data.currency,
            created_at=utcnow(),
        )
        session.add(receipt)
        await session.flush()
        base = current_base_url.get()
        await outbox.emit(
            session,
            order.tenant,
            "payment.succeeded",
            {
                "payment": payment_payload(payment, receipt, base),
                "order": order_payload(order, base),
                "receipt": {
                    "receiptId": str(receipt.id),
                    "receiptUrl": f"{base}/v1/receipts/{receipt.id}",
                    "generatedAt": rfc3339(receipt.created_at),
                },
            },
        )
    else:
        payment.status = "FAILED"
        payment.failure_code = result.failure_code
        payment.failure_message = result.failure_message
        session.add(payment)
        await session.flush()
        base = current_base_url.get()
        await outbox.emit(
            session,
            order.tenant,
            "payment.failed",
            {
                "payment": payment_payload(payment, None, base),
                "order": order_payload(order, base),
            },
        )
    await session.flush()
    return PaymentOutcome(payment, receipt)


def _attempt(actor: Principal, order: Order, amount: int, data: PaymentCreate) -> Payment:
    """The row for this attempt: only what may be kept (no full numbers, no CVC)."""
    source = data.source
    payment = Payment(
        id=new_id(),
        tenant=order.tenant,
        order_id=order.id,
        user_id=actor.user_id,
        amount_minor=amount,
        currency=data.currency,
        status="PROCESSING",
        created_at=utcnow(),
    )
    if isinstance(source, CardSource):
        address = source.billingAddress
        payment.method = "card"
        payment.holder_name = source.name
        payment.last4 = source.number[-4:]
        payment.brand = card_brand(source.number)
        payment.exp_month = source.expMonth
        payment.exp_year = source.expYear
        if address is not None:
            payment.billing_city = address.city
            payment.billing_state = address.state
            payment.billing_postal_code = address.postalCode
            payment.country = address.country.upper() if address.country else None
    else:
        assert isinstance(source, BankAccountSource)
        payment.method = "bank_account"
        payment.holder_name = source.accountHolderName
        payment.last4 = source.accountNumber[-4:]
        payment.routing_number = source.routingNumber
        payment.sort_code = source.sortCode
        payment.account_type = source.accountType
        payment.bank_name = source.bankName
        payment.country = source.country.upper() if source.country else None
    return payment


async def list_payments(
    session: AsyncSession, order: Order
) -> list[tuple[Payment, Receipt | None]]:
    rows = await session.execute(
        select(Payment, Receipt)
        .outerjoin(Receipt, Receipt.payment_id == Payment.id)
        .where(Payment.order_id == order.id)
        .order_by(Payment.id)
    )
    return [(payment, receipt) for payment, receipt in rows.all()]


async def get_payment(
    session: AsyncSession, order: Order, payment_id: uuid.UUID
) -> tuple[Payment, Receipt | None]:
    for payment, receipt in await list_payments(session, order):
        if payment.id == payment_id:
            return payment, receipt
    raise not_found("payment", payment_id)


async def visible_receipt(
    session: AsyncSession, actor: Principal, tenant: str, receipt_id: uuid.UUID
) -> tuple[Receipt, Payment]:
    row = (
        await session.execute(
            select(Receipt, Payment)
            .join(Payment, Payment.id == Receipt.payment_id)
            .where(Receipt.id == receipt_id, Receipt.tenant == tenant)
        )
    ).first()
    if row is None or not (actor.is_staff or row[0].user_id == actor.user_id):
        raise not_found("receipt", receipt_id)
    return row[0], row[1]
