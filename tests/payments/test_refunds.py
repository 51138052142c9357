"""Cancelling a paid order refunds it, on every database: the payment becomes REFUNDED and
lists its refund, the pet is free again, all in the cancellation's one transaction; cancelling
again refunds nothing twice; an unpaid order has nothing to refund."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.container import container_of
from petstore.core.database import WRITE_INTENT
from petstore.core.errors import DependencyFailed
from petstore.core.outbox import OutboxEvent
from petstore.payments import service as payments_service
from petstore.payments.models import Payment, Refund
from petstore.payments.processor import ChargeRequest, ChargeResult, RefundRequest
from petstore.pets.models import Pet
from petstore.store import service as orders_service
from petstore.store.models import Order
from petstore.store.service import CancelHook
from tests.support.accounts import Account, AccountFactory, principal_of
from tests.support.payments import DECLINED_CARD, paid_order, pay_by_card, place_order
from tests.support.pets import MakePet
from tests.support.webhooks import MERGE_PATCH, RFC3339

BASE_URL = "http://petstore.test"  # where event links point when a test calls a service


async def payments_of(
    client: httpx.AsyncClient, account: Account, order: dict[str, Any]
) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/orders/{order['id']}/payments", headers=account.auth)
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def pet_status(client: httpx.AsyncClient, pet_id: str) -> str:
    return str((await client.get(f"/v1/pets/{pet_id}")).json()["status"])


async def test_cancelling_a_paid_order_refunds_it_in_full(
    client: httpx.AsyncClient, user: Account, make_account: AccountFactory, make_pet: MakePet
) -> None:
    pet = await make_pet(price="75.50", currency="EUR")
    order, payment = await paid_order(client, user.auth, pet["id"])
    assert (payment["status"], payment["amountRefunded"], payment["refunds"]) == (
        "SUCCEEDED",
        "0.00",
        [],
    )

    cancelled = await client.delete(f"/v1/orders/{order['id']}", headers=user.auth)
    assert cancelled.status_code == 204, cancelled.text
    [refunded] = await payments_of(client, user, order)
    assert refunded["id"] == payment["id"]
    assert (refunded["status"], refunded["amountRefunded"]) == ("REFUNDED", "75.50")
    assert refunded["receiptId"] == payment["receiptId"]  # the charge's receipt stays
    [refund] = refunded["refunds"]
    assert uuid.UUID(refund["id"]).version == 7
    assert refund == {
        "id": refund["id"],
        "paymentId": payment["id"],
        "orderId": order["id"],
        "amount": "75.50",
        "currency": "EUR",
        "reason": "REQUESTED_BY_CUSTOMER",
        "status": "SUCCEEDED",
        "createdAt": refund["createdAt"],
    }
    assert RFC3339.match(refund["createdAt"])
    single = await client.get(refunded["links"]["self"], headers=user.auth)
    assert single.json() == refunded
    assert await pet_status(client, pet["id"]) == "AVAILABLE"

    again = await client.delete(f"/v1/orders/{order['id']}", headers=user.auth)
    assert again.status_code == 204  # a no-op: nothing is refunded twice
    assert await payments_of(client, user, order) == [refunded]

    # The pet is really free: another buyer orders and pays for it.
    other = await make_account()
    _, second = await paid_order(client, other.auth, pet["id"])
    assert second["status"] == "SUCCEEDED"
    assert await pet_status(client, pet["id"]) == "PENDING"


@pytest.mark.parametrize("how", ["DELETE", "PATCH"])
async def test_staff_cancelling_a_paid_order_refunds_the_buyer(
    client: httpx.AsyncClient, user: Account, staff: Account, make_pet: MakePet, how: str
) -> None:
    pet = await make_pet(price="15000", currency="JPY")
    order, _ = await paid_order(client, user.auth, pet["id"])
    url = f"/v1/orders/{order['id']}"
    if how == "DELETE":
        response = await client.delete(url, headers=staff.auth)
        assert response.status_code == 204, response.text
    else:
        response = await client.patch(
            url, json={"status": "CANCELLED"}, headers={**staff.auth, **MERGE_PATCH}
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "CANCELLED"
    [refunded] = await payments_of(client, user, order)
    assert (refunded["status"], refunded["amountRefunded"]) == ("REFUNDED", "15000")
    assert [(r["reason"], r["amount"], r["currency"]) for r in refunded["refunds"]] == [
        ("CANCELLED_BY_STAFF", "15000", "JPY")
    ]
    assert await pet_status(client, pet["id"]) == "AVAILABLE"


async def test_an_unpaid_order_is_cancelled_with_nothing_to_refund(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    order = await place_order(client, user.auth, (await make_pet())["id"])
    assert (await pay_by_card(client, user.auth, order, DECLINED_CARD)).status_code == 402
    assert (await client.delete(f"/v1/orders/{order['id']}", headers=user.auth)).status_code == 204
    [declined] = await payments_of(client, user, order)
    assert (declined["status"], declined["amountRefunded"], declined["refunds"]) == (
        "FAILED",
        "0.00",
        [],
    )


# --- one transaction ---------------------------------------------------------------------


async def stored_state(app: FastAPI, tenant: str, order_id: str) -> tuple[Any, ...]:
    """Order, payment and pet statuses, refunds and payment.refunded events, read apart."""
    oid = uuid.UUID(order_id)
    async with container_of(app).sessionmaker() as session:
        order = await session.get(Order, oid)
        assert order is not None
        payment = await session.scalar(select(Payment.status).where(Payment.order_id == oid))
        pet = await session.scalar(select(Pet.status).where(Pet.id == order.pet_id))
        refunds = await session.scalar(
            select(func.count()).select_from(Refund).where(Refund.order_id == oid)
        )
        refunded_events = await session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.tenant == tenant, OutboxEvent.event_type == "payment.refunded")
        )
    return order.status, payment, pet, refunds, refunded_events


PAID = ("APPROVED", "SUCCEEDED", "PENDING", 0, 0)


class RefusingProcessor:
    """A gateway that cannot refund right now."""

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        raise AssertionError("nothing is charged when cancelling")

    async def refund(self, request: RefundRequest) -> str:
        raise DependencyFailed("The payment processor could not refund the charge.")


async def test_the_refund_and_the_cancellation_are_one_transaction(
    app: FastAPI, client: httpx.AsyncClient, tenant: str, user: Account, make_pet: MakePet
) -> None:
    order, _ = await paid_order(client, user.auth, (await make_pet())["id"])
    buyer = principal_of(user, tenant)
    hooks = container_of(app).order_cancel_hooks

    class LaterStepError(Exception):
        pass

    async def cancel(on_cancel: Sequence[CancelHook], then_fail: bool) -> None:
        async with container_of(app).sessionmaker() as session:
            await session.connection(execution_options={WRITE_INTENT: True})
            row = await orders_service.visible_order(
                session, buyer, tenant, uuid.UUID(order["id"]), for_update=True
            )
            await orders_service.cancel_order(session, buyer, row, BASE_URL, on_cancel=on_cancel)
            # Done, yet nobody else sees any of it: it is all in this transaction.
            assert await stored_state(app, tenant, order["id"]) == PAID
            if then_fail:
                raise LaterStepError  # a later step of the request fails: all rolls back
            await session.commit()

    with pytest.raises(LaterStepError):
        await cancel(hooks, then_fail=True)
    assert await stored_state(app, tenant, order["id"]) == PAID

    async def refuse(
        session: AsyncSession, actor: Principal | None, row: Order, base_url: str
    ) -> None:
        await payments_service.refund_order(session, RefusingProcessor(), actor, row, base_url)

    with pytest.raises(DependencyFailed):
        await cancel((refuse,), then_fail=False)
    assert await stored_state(app, tenant, order["id"]) == PAID

    await cancel(hooks, then_fail=False)
    assert await stored_state(app, tenant, order["id"]) == (
        "CANCELLED",
        "REFUNDED",
        "AVAILABLE",
        1,
        1,
    )


async def test_the_document_says_what_cancelling_does(client: httpx.AsyncClient) -> None:
    operation = (await client.get("/v1/openapi.json")).json()["paths"]["/v1/orders/{id}"]["delete"]
    assert "refunded in full" in operation["description"]
    assert "SHIPPED and DELIVERED orders cannot be cancelled" in operation["description"]
    assert "too late to cancel" in operation["responses"]["409"]["description"]
