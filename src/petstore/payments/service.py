"""Paying an order: validate against the order, charge through the processor, record the
attempt, and on success approve the order and issue a receipt. Cancelling a paid order gives
the money back: :func:`refund_order` (a :data:`petstore.store.service.CancelHook`).

A declined payment is recorded (FAILED) and the order stays PLACED, so the route returns the
402 problem without raising: the attempt must be committed, not rolled back.

Sandbox mode (the public demo) relaxes two rules for the third-party suites written against
it: any amount is accepted (and recorded as sent), and an order already paid may be paid again:
the extra payment is charged and recorded with its own receipt, the order left as it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.core import events, money
from petstore.core.errors import InvalidInput, conflict, not_found
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.payments import repository
from petstore.payments.events import PAYMENT_FAILED, PAYMENT_REFUNDED, PAYMENT_SUCCEEDED
from petstore.payments.models import Payment, Receipt, Refund
from petstore.payments.processor import (
    ChargeRequest,
    ChargeResult,
    PaymentProcessor,
    RefundRequest,
)
from petstore.payments.schemas import (
    BankAccountSource,
    CardSource,
    PaymentCreate,
    card_brand,
    payment_payload,
    refund_payload,
)
from petstore.store import service as orders
from petstore.store.lifecycle import OrderStatus
from petstore.store.models import Order
from petstore.store.schemas import order_payload

PAID = frozenset(
    {OrderStatus.APPROVED.value, OrderStatus.SHIPPED.value, OrderStatus.DELIVERED.value}
)
"""The statuses of an order whose payment has succeeded (and not been refunded)."""


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    payment: Payment
    receipt: Receipt | None

    @property
    def succeeded(self) -> bool:
        return self.payment.status == "SUCCEEDED"


def _mismatch(field: str, message: str) -> InvalidInput:
    return InvalidInput(
        "The payment does not match the order.",
        errors=[{"field": field, "message": message, "code": "mismatch"}],
    )


async def pay_order(
    session: AsyncSession,
    processor: PaymentProcessor,
    actor: Principal,
    order: Order,
    data: PaymentCreate,
    base_url: str,
) -> PaymentOutcome:
    """Charge ``order``; the outcome says whether it succeeded (a decline is not an error here:
    the FAILED attempt is recorded and must be committed)."""
    if data.currency != order.currency:
        raise _mismatch("currency", f"must be the order's currency, {order.currency}")
    amount = money.to_minor(data.amount, data.currency)
    if amount != order.total_minor and not actor.sandbox:
        raise _mismatch("amount", "must equal the order's totalAmount")
    repeat = actor.sandbox and order.status in PAID
    if order.status != OrderStatus.PLACED.value and not repeat:
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
    if not result.succeeded:
        await _record_decline(session, payment, result, order, base_url)
        return PaymentOutcome(payment, None)
    payment.status = "SUCCEEDED"
    await repository.add(session, payment)
    if not repeat:
        await orders.approve_order(session, actor, order, base_url)
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
    await repository.add(session, receipt)
    await events.record(
        session,
        PAYMENT_SUCCEEDED,
        order.tenant,
        {
            "payment": payment_payload(payment, receipt, None, base_url),
            "order": order_payload(order, base_url),
            "receipt": {
                "receiptId": str(receipt.id),
                "receiptUrl": f"{base_url}/v1/receipts/{receipt.id}",
                "generatedAt": rfc3339(receipt.created_at),
            },
        },
    )
    return PaymentOutcome(payment, receipt)


async def _record_decline(
    session: AsyncSession, payment: Payment, result: ChargeResult, order: Order, base_url: str
) -> None:
    payment.status = "FAILED"
    payment.failure_code = result.failure_code
    payment.failure_message = result.failure_message
    await repository.add(session, payment)
    await events.record(
        session,
        PAYMENT_FAILED,
        order.tenant,
        {
            "payment": payment_payload(payment, None, None, base_url),
            "order": order_payload(order, base_url),
        },
    )


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


PaymentRecord = tuple[Payment, Receipt | None, Refund | None]
"""A payment attempt with its receipt (if it succeeded) and its refund (if it was given back)."""


async def list_payments(session: AsyncSession, order: Order) -> list[PaymentRecord]:
    return await repository.payments_of(session, order.id)


async def get_payment(session: AsyncSession, order: Order, payment_id: uuid.UUID) -> PaymentRecord:
    for record in await list_payments(session, order):
        if record[0].id == payment_id:
            return record
    raise not_found("payment", payment_id)


async def refund_order(
    session: AsyncSession,
    processor: PaymentProcessor,
    actor: Principal | None,
    order: Order,
    base_url: str,
) -> None:
    """The order was just cancelled: refund in full every payment that succeeded for it (one
    in strict mode: only a PLACED order is paid, under the order's row lock; sandbox mode may
    have recorded more), in the cancellation's transaction. Nothing was charged for an unpaid
    order: nothing to do."""
    buyer = actor is None or actor.user_id == order.user_id
    reason = "REQUESTED_BY_CUSTOMER" if buyer else "CANCELLED_BY_STAFF"
    for payment, receipt, _ in await list_payments(session, order):
        if payment.status != "SUCCEEDED":
            continue
        assert payment.processor_reference is not None  # every succeeded charge has one
        reference = await processor.refund(
            RefundRequest(
                payment.processor_reference, payment.amount_minor, payment.currency, reason
            )
        )
        refund = Refund(
            id=new_id(),
            tenant=order.tenant,
            order_id=order.id,
            payment_id=payment.id,
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            reason=reason,
            status="SUCCEEDED",
            processor_reference=reference,
            requested_by=actor.user_id if actor is not None else None,
            created_at=utcnow(),
        )
        payment.status = "REFUNDED"
        await repository.add(session, refund)
        await events.record(
            session,
            PAYMENT_REFUNDED,
            order.tenant,
            {
                "payment": payment_payload(payment, receipt, refund, base_url),
                "order": order_payload(order, base_url),
                "refund": refund_payload(refund),
            },
        )


async def visible_receipt(
    session: AsyncSession, actor: Principal, tenant: str, receipt_id: uuid.UUID
) -> tuple[Receipt, Payment]:
    row = await repository.receipt_with_payment(session, tenant, receipt_id)
    if row is None or not (actor.is_staff or row[0].user_id == actor.user_id):
        raise not_found("receipt", receipt_id)
    return row[0], row[1]
