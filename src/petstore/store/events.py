"""The events of the store domain: declared once, here; raised by :mod:`petstore.store.service`."""

from __future__ import annotations

from pydantic import Field

from petstore.core.events import EventType
from petstore.core.schemas import OutputModel
from petstore.store.lifecycle import OrderStatus
from petstore.store.schemas import Order


class OrderData(OutputModel):
    order: Order


class OrderStatusChangedData(OutputModel):
    order: Order
    previousStatus: OrderStatus  # noqa: N815
    newStatus: OrderStatus  # noqa: N815
    changedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    changedBy: str  # noqa: N815


ORDER_CREATED = EventType("order.created", "OrderCreated", "An order was placed", OrderData)
ORDER_STATUS_CHANGED = EventType(
    "order.statusChanged",
    "OrderStatusChanged",
    "An order's status changed",
    OrderStatusChangedData,
)
EVENTS = (ORDER_CREATED, ORDER_STATUS_CHANGED)
