"""Order and inventory bodies, and the wire form of a stored order."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from petstore.core import money
from petstore.core.ids import rfc3339
from petstore.core.money import precision_rules
from petstore.core.pagination import CollectionLinks, Pagination
from petstore.core.schemas import (
    UPPERCASE,
    Amount,
    Currency,
    InputModel,
    OutputModel,
    amount_in_currency,
)
from petstore.core.tenancy import tenant_id_out
from petstore.store.lifecycle import OrderStatus as OrderStatus  # re-exported for the doors
from petstore.store.models import Order as OrderRow

OrderStatusIn = Annotated[OrderStatus, UPPERCASE]


class OrderCreate(InputModel):
    """Only `petId` is needed: the amount and currency come from the pet, the user is you
    (staff may order for someone else)."""

    petId: uuid.UUID = Field(examples=["019b4132-70aa-764f-b315-e2803d882a24"])  # noqa: N815
    userId: uuid.UUID | SkipJsonSchema[None] = None  # noqa: N815


class OrderPatch(InputModel):
    """Staff move an order along its lifecycle (APPROVED → SHIPPED → DELIVERED, or CANCELLED
    before it ships)."""

    status: OrderStatusIn


class CallbackRequest(InputModel):
    """Ask for the order to be processed and the outcome POSTed to ``callbackUrl``."""

    model_config = ConfigDict(json_schema_extra=precision_rules("amount"))

    currency: Currency  # before the amount, which is checked against it
    amount: Amount
    timestamp: Annotated[str, Field(min_length=1, max_length=40, examples=["1758613403"])]
    callbackUrl: Annotated[  # noqa: N815
        str,
        Field(
            min_length=8,
            max_length=2048,
            pattern=r"^https?://[^\s/$.?#][^\s]*$",
            examples=["https://example.com/callbacks/orders/1312312"],
        ),
    ]

    _amount_fits = amount_in_currency("amount")


class CallbackAccepted(OutputModel):
    """Empty: the outcome arrives at the callback URL."""


class OrderProcessed(OutputModel):
    """The callback's body."""

    requestId: uuid.UUID  # noqa: N815
    orderId: str  # noqa: N815
    status: Literal["COMPLETED", "FAILED"]
    result: dict[str, Any]
    timestamp: str


class OrderLinks(OutputModel):
    self: str
    pet: str
    payments: str
    pay: str


class Order(OutputModel):
    id: uuid.UUID
    petId: uuid.UUID  # noqa: N815
    userId: uuid.UUID  # noqa: N815
    status: OrderStatus
    totalAmount: str = Field(examples=["125.50"])  # noqa: N815
    currency: str
    tenantId: uuid.UUID | None  # noqa: N815
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    updatedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    links: OrderLinks


class OrderCollection(OutputModel):
    data: list[Order]
    pagination: Pagination
    links: CollectionLinks


class SpeciesCounts(OutputModel):
    available: int
    pending: int
    adopted: int
    notAvailable: int  # noqa: N815
    total: int


class InventorySummary(OutputModel):
    available: int
    pending: int
    adopted: int
    notAvailable: int  # noqa: N815
    total: int
    bySpecies: dict[str, SpeciesCounts]  # noqa: N815


def order_payload(order: OrderRow, base: str) -> dict[str, Any]:
    href = f"{base}/v1/orders/{order.id}"
    return {
        "id": str(order.id),
        "petId": str(order.pet_id),
        "userId": str(order.user_id),
        "status": order.status,
        "totalAmount": money.to_text(order.total_minor, order.currency),
        "currency": order.currency,
        "tenantId": tenant_id_out(order.tenant),
        "createdAt": rfc3339(order.created_at),
        "updatedAt": rfc3339(order.updated_at),
        "links": {
            "self": href,
            "pet": f"{base}/v1/pets/{order.pet_id}",
            "payments": f"{href}/payments",
            "pay": f"{href}/payment",
        },
    }
