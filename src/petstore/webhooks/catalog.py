"""The event catalogue as OpenAPI ``webhooks``: what subscribers receive, one entry per type.

These routes are documentation only (FastAPI's ``app.webhooks``): the receiver implements them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from petstore.core.schemas import OutputModel
from petstore.payments.schemas import Payment
from petstore.pets.schemas import Pet, PetStatus
from petstore.store.lifecycle import OrderStatus
from petstore.store.schemas import Order


class _Envelope(OutputModel):
    eventId: uuid.UUID = Field(description="UUIDv7; also the `webhook-id` header.")  # noqa: N815
    timestamp: str = Field(json_schema_extra={"format": "date-time"})


class PetData(OutputModel):
    pet: Pet


class PetStatusChangedData(OutputModel):
    pet: Pet
    previousStatus: PetStatus  # noqa: N815
    newStatus: PetStatus  # noqa: N815
    changedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    changedBy: str = Field(description="A user id, or `system`.")  # noqa: N815


class PetAdoptedData(OutputModel):
    pet: Pet
    adoptedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815


class OrderData(OutputModel):
    order: Order


class OrderStatusChangedData(OutputModel):
    order: Order
    previousStatus: OrderStatus  # noqa: N815
    newStatus: OrderStatus  # noqa: N815
    changedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    changedBy: str  # noqa: N815


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


class PetAvailableEvent(_Envelope):
    eventType: Literal["pet.available"]  # noqa: N815
    data: PetData


class PetAdoptedEvent(_Envelope):
    eventType: Literal["pet.adopted"]  # noqa: N815
    data: PetAdoptedData


class PetStatusChangedEvent(_Envelope):
    eventType: Literal["pet.statusChanged"]  # noqa: N815
    data: PetStatusChangedData


class OrderCreatedEvent(_Envelope):
    eventType: Literal["order.created"]  # noqa: N815
    data: OrderData


class OrderStatusChangedEvent(_Envelope):
    eventType: Literal["order.statusChanged"]  # noqa: N815
    data: OrderStatusChangedData


class PaymentSucceededEvent(_Envelope):
    eventType: Literal["payment.succeeded"]  # noqa: N815
    data: PaymentSucceededData


class PaymentFailedEvent(_Envelope):
    eventType: Literal["payment.failed"]  # noqa: N815
    data: PaymentFailedData


SIGNED = (
    "Signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and "
    "with `X-Webhook-Signature: sha256=<hex HMAC of the body>`. Answer 2xx within 5 s; other "
    "answers are retried (immediately, 1 min, 5 min, 30 min, 1 h); 410 unsubscribes."
)
RECEIVED: dict[int | str, dict[str, Any]] = {
    200: {"description": "Received."},
    410: {"description": "Unsubscribe me."},
}
EVENTS: dict[str, tuple[str, type[_Envelope]]] = {
    "pet.available": ("A pet is available", PetAvailableEvent),
    "pet.adopted": ("A pet was adopted", PetAdoptedEvent),
    "pet.statusChanged": ("A pet's status changed", PetStatusChangedEvent),
    "order.created": ("An order was placed", OrderCreatedEvent),
    "order.statusChanged": ("An order's status changed", OrderStatusChangedEvent),
    "payment.succeeded": ("A payment succeeded", PaymentSucceededEvent),
    "payment.failed": ("A payment failed", PaymentFailedEvent),
}


def _receiver(model: type[_Envelope]) -> Callable[..., Any]:
    def receive(body: Any) -> None:
        """Implemented by the subscriber."""

    receive.__annotations__ = {"body": model, "return": None}
    return receive


catalog = APIRouter()
for _name, (_summary, _model) in EVENTS.items():
    catalog.add_api_route(
        _name,
        _receiver(_model),
        methods=["POST"],
        summary=_summary,
        description=SIGNED,
        responses=RECEIVED,
        operation_id=_name.replace(".", "_"),
    )
