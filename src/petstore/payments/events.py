"""The events of the payments domain: declared once, here; raised by
:mod:`petstore.payments.service`."""

from __future__ import annotations

import uuid

from pydantic import Field

from petstore.core.events import EventType
from petstore.core.schemas import OutputModel
from petstore.payments.schemas import Payment, Refund
from petstore.store.schemas import Order


class ReceiptRef(OutputModel):
    receiptId: uuid.UUID  # noqa: N815
    receiptUrl: str  # noqa: N815
    generatedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815


class PaymentSucceededData(OutputModel):
    payment: Payment
    order: Order
    receipt: ReceiptRef


class PaymentFailedData(OutputModel):
    payment: Payment
    order: Order


class PaymentRefundedData(OutputModel):
    """A paid order was cancelled: the payment is REFUNDED, the order CANCELLED."""

    payment: Payment
    order: Order
    refund: Refund


PAYMENT_SUCCEEDED = EventType(
    "payment.succeeded", "PaymentSucceeded", "A payment succeeded", PaymentSucceededData
)
PAYMENT_FAILED = EventType("payment.failed", "PaymentFailed", "A payment failed", PaymentFailedData)
PAYMENT_REFUNDED = EventType(
    "payment.refunded", "PaymentRefunded", "A payment was refunded", PaymentRefundedData
)
EVENTS = (PAYMENT_SUCCEEDED, PAYMENT_FAILED, PAYMENT_REFUNDED)
