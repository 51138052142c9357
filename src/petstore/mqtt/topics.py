"""Which topics an event is published to, and how: the one table of the MQTT contract.

The topics are the Modern Petstore's: ``pets/{petId}/status``, ``pets/{petId}/availability``,
``orders/{orderId}/status``, ``orders/{orderId}/payment``, ``payments/{paymentId}/status`` and
``inventory/{productId}/stock``, where the product line of a pet store is a species
(``inventory/DOG/stock``). A tenant's changes go under ``tenants/{tenantId}/``; the shared
pool's use the bare topics. Availability and stock are *retained*: they are state, and a
device that subscribes later should learn the current one at once; the rest are events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from petstore.core.events import DomainEvent
from petstore.core.tenancy import SHARED_POOL

Payload = Literal["event", "stock"]
"""``event``: the event's envelope, as webhooks send it. ``stock``: the species' counts, read
when the message is sent (so a retained stock is never older than the last change sent)."""

TEMPLATES = {
    "pets/{petId}/status": "A pet's events (created, available, adopted, status changed).",
    "pets/{petId}/availability": "A pet's latest event, retained: its current status.",
    "orders/{orderId}/status": "An order's events (placed, status changed).",
    "orders/{orderId}/payment": "The payment events of an order.",
    "payments/{paymentId}/status": "A payment's events (succeeded, failed, refunded).",
    "inventory/{productId}/stock": "A species' pet counts by status, retained (productId: DOG...).",
}
STOCK = "inventory/{productId}/stock"
RETAINED = frozenset({"pets/{petId}/availability", STOCK})
TENANT_PREFIX = "tenants/{tenantId}/"


@dataclass(frozen=True, slots=True)
class Publication:
    topic: str
    retain: bool
    payload: Payload


def _id(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return str(value["id"]) if isinstance(value, dict) and "id" in value else None


def publications(event: DomainEvent) -> list[Publication]:
    """Every message ``event`` is published as, in the order they are sent."""
    data = dict(event.data)
    prefix = "" if event.tenant == SHARED_POOL else f"tenants/{event.tenant}/"
    found: list[Publication] = []

    def add(template: str, payload: Payload = "event", **ids: str) -> None:
        topic = prefix + template.format(**ids)
        found.append(Publication(topic, template in RETAINED, payload))

    if pet_id := _id(data, "pet"):
        add("pets/{petId}/status", petId=pet_id)
        add("pets/{petId}/availability", petId=pet_id)
        add(STOCK, "stock", productId=str(data["pet"]["species"]))
    order_id = _id(data, "order")
    if payment_id := _id(data, "payment"):
        if order_id:
            add("orders/{orderId}/payment", orderId=order_id)
        add("payments/{paymentId}/status", paymentId=payment_id)
    elif order_id:
        add("orders/{orderId}/status", orderId=order_id)
    return found
