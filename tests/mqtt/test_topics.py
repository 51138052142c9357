"""Which topics each kind of event is published to (the table in petstore.mqtt.topics)."""

from __future__ import annotations

import uuid
from typing import Any

from petstore.core.events import new_event
from petstore.mqtt.topics import Publication, publications

PET = {"id": str(uuid.uuid4()), "species": "CAT", "status": "AVAILABLE"}
ORDER = {"id": str(uuid.uuid4()), "petId": PET["id"], "status": "PLACED"}
PAYMENT = {"id": str(uuid.uuid4()), "orderId": ORDER["id"], "status": "SUCCEEDED"}


def topics(event_type: str, data: dict[str, Any], tenant: str = "") -> list[Publication]:
    return publications(new_event(event_type, tenant, data))


def test_a_pet_event_goes_to_its_status_its_availability_and_its_species_stock() -> None:
    assert topics("pet.available", {"pet": PET}) == [
        Publication(f"pets/{PET['id']}/status", retain=False, payload="event"),
        Publication(f"pets/{PET['id']}/availability", retain=True, payload="event"),
        Publication("inventory/CAT/stock", retain=True, payload="stock"),
    ]


def test_order_and_payment_events_go_to_theirs() -> None:
    assert topics("order.created", {"order": ORDER}) == [
        Publication(f"orders/{ORDER['id']}/status", retain=False, payload="event")
    ]
    assert topics("payment.succeeded", {"payment": PAYMENT, "order": ORDER}) == [
        Publication(f"orders/{ORDER['id']}/payment", retain=False, payload="event"),
        Publication(f"payments/{PAYMENT['id']}/status", retain=False, payload="event"),
    ]


def test_a_tenant_s_events_are_under_its_prefix_and_the_shared_pool_s_are_not() -> None:
    tenant = str(uuid.uuid4())
    found = [p.topic for p in topics("order.created", {"order": ORDER}, tenant)]
    assert found == [f"tenants/{tenant}/orders/{ORDER['id']}/status"]
    assert not any(p.topic.startswith("tenants/") for p in topics("pet.created", {"pet": PET}))


def test_an_event_of_none_of_these_is_not_published() -> None:
    assert topics("webhook.test", {"message": "hello"}) == []
