"""Events as a subscriber sees them, on every database: each type's envelope and payload,
subscriptions getting only what they asked for, the outbox sharing the change's transaction,
and disabled subscriptions getting nothing new."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from petstore.auth.scopes import Role
from petstore.container import container_of
from petstore.core.database import WRITE_INTENT
from petstore.core.outbox import OutboxEvent
from petstore.store import service as orders_service
from petstore.store.schemas import OrderCreate
from petstore.webhooks.delivery import DeliveryWorker
from petstore.webhooks.models import Delivery
from tests.support.accounts import Account, AccountFactory, principal_of
from tests.support.payments import CVC, DECLINED_CARD, VISA, paid_order, pay_by_card, place_order
from tests.support.pets import MakePet
from tests.support.webhooks import (
    MERGE_PATCH,
    RFC3339,
    Hit,
    Receiver,
    deliver_until,
    deliveries_of,
    settle,
    subscribe,
    verify_signed,
)

BASE_URL = "http://petstore.test"  # where event links point when a test calls a service


class Inbox:
    """One subscription's view of the receiver: verified envelopes."""

    def __init__(self, receiver: Receiver, sub: dict[str, Any]) -> None:
        self.receiver = receiver
        self.sub = sub

    def hits(self) -> list[Hit]:
        return self.receiver.hits(self.sub["url"])

    def events(self) -> list[dict[str, Any]]:
        events = []
        for hit in self.hits():
            envelope = verify_signed(hit, self.sub["secret"])
            assert set(envelope) == {"eventId", "eventType", "timestamp", "data"}, envelope
            assert uuid.UUID(envelope["eventId"]).version == 7
            assert hit.webhook_id == envelope["eventId"]
            assert RFC3339.match(envelope["timestamp"]), envelope["timestamp"]
            stamped = datetime.strptime(envelope["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
            assert abs(stamped.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds() < 300
            events.append(envelope)
        return events

    def types(self) -> Counter[str]:
        return Counter(event["eventType"] for event in self.events())

    def of(self, event_type: str) -> list[dict[str, Any]]:
        return [e["data"] for e in self.events() if e["eventType"] == event_type]

    def one(self, event_type: str, **match: Any) -> dict[str, Any]:
        found = [
            data for data in self.of(event_type) if all(data.get(k) == v for k, v in match.items())
        ]
        assert len(found) == 1, (event_type, match, self.events())
        return found[0]


async def listen(
    client: httpx.AsyncClient,
    account: Account,
    receiver: Receiver,
    events: tuple[str, ...] = ("*",),
) -> Inbox:
    return Inbox(receiver, await subscribe(client, account, receiver.url(), events))


async def receive(worker: DeliveryWorker, inbox: Inbox, count: int) -> None:
    """Deliver until ``inbox`` has ``count`` events, then make sure no more come."""
    await deliver_until(worker, lambda: len(inbox.hits()) >= count)
    await settle(worker, rounds=2)
    assert len(inbox.hits()) == count, inbox.types()


async def move(
    client: httpx.AsyncClient, staff: Account, order_id: str, status: str
) -> dict[str, Any]:
    response = await client.patch(
        f"/v1/orders/{order_id}", json={"status": status}, headers={**staff.auth, **MERGE_PATCH}
    )
    assert response.status_code == 200, response.text
    moved: dict[str, Any] = response.json()
    return moved


# --- each event type -------------------------------------------------------------------------


async def test_pet_created_always_and_available_when_created_available(
    client: httpx.AsyncClient,
    staff: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    inbox = await listen(client, staff, receiver)
    pet = await make_pet(name="Sunny")
    shy = await make_pet(name="Shy", status="NOT_AVAILABLE")  # created, not available
    await receive(worker, inbox, 3)
    assert inbox.types() == {"pet.created": 2, "pet.available": 1}
    assert inbox.one("pet.available") == {"pet": pet}
    assert inbox.one("pet.created", pet=pet) == {"pet": pet}
    assert inbox.one("pet.created", pet=shy) == {"pet": shy}


async def test_pet_status_changes_by_staff(
    client: httpx.AsyncClient,
    staff: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    pet = await make_pet(status="NOT_AVAILABLE")
    inbox = await listen(client, staff, receiver)
    path = f"/v1/pets/{pet['id']}"
    headers = {**staff.auth, **MERGE_PATCH}
    up = await client.patch(path, json={"status": "AVAILABLE"}, headers=headers)
    assert up.status_code == 200, up.text
    await receive(worker, inbox, 2)
    changed = inbox.one("pet.statusChanged")
    assert (changed["previousStatus"], changed["newStatus"]) == ("NOT_AVAILABLE", "AVAILABLE")
    assert changed["changedBy"] == staff.id
    assert RFC3339.match(changed["changedAt"])
    assert changed["pet"]["id"] == pet["id"]
    assert changed["pet"]["status"] == "AVAILABLE"
    available = inbox.one("pet.available")
    assert available["pet"]["id"] == pet["id"]
    assert available["pet"]["status"] == "AVAILABLE"

    renamed = await client.patch(path, json={"name": "Renamed"}, headers=headers)
    assert renamed.status_code == 200, renamed.text  # no status change: no event
    await settle(worker)
    assert len(inbox.hits()) == 2


async def test_order_lifecycle_and_cancel_make_the_pet_available_again(
    client: httpx.AsyncClient,
    staff: Account,
    user: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    pet = await make_pet()
    inbox = await listen(client, staff, receiver)
    order = await place_order(client, user.auth, pet["id"])
    await receive(worker, inbox, 2)
    assert inbox.types() == {"order.created": 1, "pet.statusChanged": 1}
    assert inbox.one("order.created") == {"order": order}
    reserved = inbox.one("pet.statusChanged")
    assert (reserved["previousStatus"], reserved["newStatus"]) == ("AVAILABLE", "PENDING")
    assert reserved["changedBy"] == user.id
    assert reserved["pet"]["status"] == "PENDING"

    cancelled = await client.delete(f"/v1/orders/{order['id']}", headers=user.auth)
    assert cancelled.status_code == 204, cancelled.text
    await receive(worker, inbox, 5)
    status = inbox.one("order.statusChanged")
    assert (status["previousStatus"], status["newStatus"]) == ("PLACED", "CANCELLED")
    assert status["changedBy"] == user.id
    assert status["order"]["id"] == order["id"]
    assert status["order"]["status"] == "CANCELLED"
    assert RFC3339.match(status["changedAt"])
    back = inbox.one("pet.statusChanged", previousStatus="PENDING")
    assert (back["newStatus"], back["changedBy"]) == ("AVAILABLE", user.id)
    again = inbox.one("pet.available")
    assert again["pet"]["id"] == pet["id"]
    assert again["pet"]["status"] == "AVAILABLE"


async def test_payment_approval_delivery_and_adoption(
    client: httpx.AsyncClient,
    staff: Account,
    user: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    pet = await make_pet(price="88.20", currency="EUR")
    order = await place_order(client, user.auth, pet["id"])
    inbox = await listen(client, staff, receiver)

    paid = await pay_by_card(client, user.auth, order)
    assert paid.status_code == 201, paid.text
    await receive(worker, inbox, 2)
    assert inbox.types() == {"payment.succeeded": 1, "order.statusChanged": 1}
    approved = inbox.one("order.statusChanged")
    assert (approved["previousStatus"], approved["newStatus"]) == ("PLACED", "APPROVED")
    assert approved["changedBy"] == user.id
    succeeded = inbox.one("payment.succeeded")
    assert set(succeeded) == {"payment", "order", "receipt"}
    payment = succeeded["payment"]
    assert payment["id"] == paid.json()["id"]
    assert (payment["amount"], payment["currency"], payment["status"]) == (
        "88.20",
        "EUR",
        "SUCCEEDED",
    )
    assert payment["source"]["number"] == "************4242"
    assert payment["source"]["last4"] == "4242"
    assert "cvc" not in payment["source"]
    assert VISA not in str(inbox.hits()[0].body) + str(inbox.hits()[1].body)
    assert CVC not in str(payment["source"])
    assert (succeeded["order"]["id"], succeeded["order"]["status"]) == (order["id"], "APPROVED")
    receipt = succeeded["receipt"]
    assert set(receipt) == {"receiptId", "receiptUrl", "generatedAt"}
    assert uuid.UUID(receipt["receiptId"]).version == 7
    assert receipt["receiptUrl"] == f"http://petstore.test/v1/receipts/{receipt['receiptId']}"
    assert RFC3339.match(receipt["generatedAt"])
    fetched = await client.get(receipt["receiptUrl"], headers=user.auth)
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["id"] == receipt["receiptId"]

    await move(client, staff, order["id"], "SHIPPED")
    await move(client, staff, order["id"], "DELIVERED")
    await receive(worker, inbox, 6)
    shipped = inbox.one("order.statusChanged", newStatus="SHIPPED")
    assert (shipped["previousStatus"], shipped["changedBy"]) == ("APPROVED", staff.id)
    delivered = inbox.one("order.statusChanged", newStatus="DELIVERED")
    assert (delivered["previousStatus"], delivered["changedBy"]) == ("SHIPPED", staff.id)
    assert delivered["order"]["status"] == "DELIVERED"
    adopted = inbox.one("pet.adopted")
    assert set(adopted) == {"pet", "adoptedAt"}
    assert (adopted["pet"]["id"], adopted["pet"]["status"]) == (pet["id"], "ADOPTED")
    assert RFC3339.match(adopted["adoptedAt"])
    to_adopted = inbox.one("pet.statusChanged")
    assert (to_adopted["previousStatus"], to_adopted["newStatus"]) == ("PENDING", "ADOPTED")
    assert to_adopted["changedBy"] == staff.id


async def test_payment_failed_on_a_declined_card(
    client: httpx.AsyncClient,
    staff: Account,
    user: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    order = await place_order(client, user.auth, (await make_pet())["id"])
    inbox = await listen(client, staff, receiver)
    declined = await pay_by_card(client, user.auth, order, DECLINED_CARD)
    assert declined.status_code == 402, declined.text
    await receive(worker, inbox, 1)
    failed = inbox.one("payment.failed")
    assert set(failed) == {"payment", "order"}
    assert failed["payment"]["status"] == "FAILED"
    assert failed["payment"]["failureCode"]
    assert failed["payment"]["source"]["number"] == "************0002"
    assert failed["payment"]["receiptId"] is None
    assert DECLINED_CARD not in inbox.hits()[0].body.decode()
    assert (failed["order"]["id"], failed["order"]["status"]) == (order["id"], "PLACED")
    attempts = await client.get(f"/v1/orders/{order['id']}/payments", headers=user.auth)
    assert attempts.status_code == 200, attempts.text
    assert [p["id"] for p in attempts.json()["data"]] == [failed["payment"]["id"]]


async def test_payment_refunded_when_a_paid_order_is_cancelled(
    client: httpx.AsyncClient,
    staff: Account,
    user: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    pet = await make_pet(price="95.5", currency="BHD")
    order, payment = await paid_order(client, user.auth, pet["id"])
    refunds = await listen(client, staff, receiver, ("payment.refunded",))
    everything = await listen(client, staff, receiver)
    assert (await client.delete(f"/v1/orders/{order['id']}", headers=user.auth)).status_code == 204
    # payment.refunded, order.statusChanged, pet.statusChanged, pet.available
    await receive(worker, everything, 4)
    assert everything.types() == {
        "payment.refunded": 1,
        "order.statusChanged": 1,
        "pet.statusChanged": 1,
        "pet.available": 1,
    }
    await receive(worker, refunds, 1)
    refunded = refunds.one("payment.refunded")
    assert set(refunded) == {"payment", "order", "refund"}
    assert refunded["payment"]["id"] == payment["id"]
    assert (refunded["payment"]["status"], refunded["payment"]["amountRefunded"]) == (
        "REFUNDED",
        "95.500",
    )
    assert refunded["payment"]["refunds"] == [refunded["refund"]]
    assert (refunded["refund"]["amount"], refunded["refund"]["currency"]) == ("95.500", "BHD")
    assert refunded["refund"]["reason"] == "REQUESTED_BY_CUSTOMER"
    assert (refunded["order"]["id"], refunded["order"]["status"]) == (order["id"], "CANCELLED")
    assert "cvc" not in str(refunded).lower()
    assert VISA not in str(refunds.hits()[0].body)
    cancelled = everything.one("order.statusChanged")
    assert (cancelled["previousStatus"], cancelled["newStatus"]) == ("APPROVED", "CANCELLED")


async def test_payment_refunded_is_in_the_documents_catalogue(client: httpx.AsyncClient) -> None:
    document = (await client.get("/v1/openapi.json")).json()
    webhook = document["webhooks"]["paymentRefunded"]["post"]
    schema = webhook["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/PaymentRefundedEvent"}
    data = document["components"]["schemas"]["PaymentRefundedEvent"]["properties"]["data"]
    assert data == {"$ref": "#/components/schemas/PaymentRefundedData"}
    refund = document["components"]["schemas"]["PaymentRefundedData"]["properties"]["refund"]
    assert refund == {"$ref": "#/components/schemas/Refund"}
    statuses = document["components"]["schemas"]["Payment"]["properties"]["status"]["enum"]
    assert "REFUNDED" in statuses


# --- who gets what ---------------------------------------------------------------------------


async def test_subscriptions_get_only_the_events_they_asked_for(
    client: httpx.AsyncClient,
    staff: Account,
    user: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    pets_only = await listen(client, staff, receiver, ("pet.available",))
    orders_only = await listen(client, user, receiver, ("order.created", "order.statusChanged"))
    everything = await listen(client, user, receiver, ("*",))
    payments = await listen(client, staff, receiver, ("payment.succeeded", "payment.failed"))

    pet = await make_pet()
    order = await place_order(client, user.auth, pet["id"])
    assert (await client.delete(f"/v1/orders/{order['id']}", headers=user.auth)).status_code == 204
    # pet.created, pet.available x2, pet.statusChanged x2, order.created, order.statusChanged
    await receive(worker, everything, 7)
    await settle(worker)

    assert everything.types() == {
        "pet.created": 1,
        "pet.available": 2,
        "pet.statusChanged": 2,
        "order.created": 1,
        "order.statusChanged": 1,
    }
    assert pets_only.types() == {"pet.available": 2}
    assert orders_only.types() == {"order.created": 1, "order.statusChanged": 1}
    assert payments.hits() == []
    all_ids = {e["eventId"] for e in everything.events()}
    assert {e["eventId"] for e in pets_only.events()} <= all_ids
    assert {e["eventId"] for e in orders_only.events()} <= all_ids
    # One event, one id, whoever receives it.
    assert len(all_ids) == 7


async def test_a_disabled_subscription_receives_nothing_new(
    client: httpx.AsyncClient,
    staff: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    inbox = await listen(client, staff, receiver, ("pet.available",))
    sub_path = f"/v1/webhooks/{inbox.sub['id']}"
    headers = {**staff.auth, **MERGE_PATCH}
    await make_pet(name="Before")
    await receive(worker, inbox, 1)

    # Queued while active, disabled before the worker got to it: abandoned, never sent.
    await make_pet(name="Queued")
    off = await client.patch(sub_path, json={"status": "DISABLED"}, headers=headers)
    assert off.status_code == 200, off.text
    await make_pet(name="While disabled")
    await settle(worker)
    assert len(inbox.hits()) == 1
    deliveries = await deliveries_of(client, staff, inbox.sub["id"])
    assert [d["status"] for d in deliveries] == ["FAILED", "SUCCEEDED"]  # newest first
    assert deliveries[0]["attempts"] == []

    on = await client.patch(sub_path, json={"status": "ACTIVE"}, headers=headers)
    assert on.status_code == 200, on.text
    after = await make_pet(name="After")
    await receive(worker, inbox, 2)
    assert [e["data"]["pet"]["name"] for e in inbox.events()] == ["Before", "After"]
    assert inbox.events()[1]["data"]["pet"]["id"] == after["id"]


# --- the outbox shares the change's transaction ----------------------------------------------


async def outbox_counts(app: FastAPI, tenant: str) -> Counter[str]:
    async with container_of(app).sessionmaker() as session:
        rows = await session.execute(
            select(OutboxEvent.event_type, func.count(Delivery.id))
            .join(Delivery, Delivery.event_id == OutboxEvent.id)
            .where(OutboxEvent.tenant == tenant)
            .group_by(OutboxEvent.event_type)
        )
        return Counter({str(kind): int(count) for kind, count in rows.all()})


async def test_a_refused_order_emits_nothing(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: str,
    staff: Account,
    user: Account,
    make_account: AccountFactory,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    inbox = await listen(client, staff, receiver)
    pet = await make_pet()
    await place_order(client, user.auth, pet["id"])
    late = await make_account()
    refused = await client.post("/v1/orders", json={"petId": pet["id"]}, headers=late.auth)
    assert refused.status_code == 409, refused.text
    await receive(worker, inbox, 4)
    assert inbox.types() == {
        "pet.created": 1, "pet.available": 1, "order.created": 1, "pet.statusChanged": 1
    }  # fmt: skip
    assert await outbox_counts(app, tenant) == inbox.types()


async def test_a_change_rolled_back_after_emitting_leaves_no_trace(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: str,
    staff: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    """An order is placed (pet reserved, pet.statusChanged and order.created recorded), then a
    later step of the same transaction fails. All of it rolls back."""
    inbox = await listen(client, staff, receiver)
    pet = await make_pet()
    await receive(worker, inbox, 2)
    before = await outbox_counts(app, tenant)

    buyer = principal_of(staff, tenant, Role.STAFF)

    async with container_of(app).sessionmaker() as session:
        await session.connection(execution_options={WRITE_INTENT: True})
        await orders_service.place_order(
            session, buyer, tenant, OrderCreate(petId=uuid.UUID(pet["id"])), BASE_URL
        )
        assert await outbox_counts(app, tenant) == before  # not visible before commit
        await session.rollback()  # a later step of the transaction failed

    assert await outbox_counts(app, tenant) == before
    await settle(worker)
    assert inbox.types() == {"pet.created": 1, "pet.available": 1}
    assert (await client.get(f"/v1/pets/{pet['id']}")).json()["status"] == "AVAILABLE"
