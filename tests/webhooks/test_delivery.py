"""The delivery engine against real receivers, on every database: retries per schedule, the
final FAILED, 410 unsubscribing, timeouts, redirects not followed, the SSRF guard at delivery
time, the order callback example, and concurrent workers never sending one delivery twice."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from petstore.container import container_of
from petstore.core import events as events_bus
from petstore.core.database import WRITE_INTENT
from petstore.core.ids import utcnow
from petstore.pets.events import PET_AVAILABLE
from petstore.webhooks.delivery import DeliveryWorker, callback_secret
from petstore.webhooks.models import Delivery, DeliveryAttempt
from tests.support.accounts import Account, AccountFactory
from tests.support.apps import running_app
from tests.support.pets import MakePet
from tests.support.problems import assert_problem, field_errors
from tests.support.webhooks import (
    Receiver,
    Reply,
    deliver_until,
    deliveries_of,
    settle,
    subscribe,
    verify_signed,
    webhook_settings,
)

ATTEMPTS = 5  # webhook_settings' schedule: "0,0.1,0.1,0.1,0.1"


async def send_test(client: httpx.AsyncClient, account: Account, sub: dict[str, Any]) -> str:
    response = await client.post(f"/v1/webhooks/{sub['id']}/test", headers=account.auth)
    assert response.status_code == 202, response.text
    event_id: str = response.json()["eventId"]
    return event_id


async def only_delivery(
    client: httpx.AsyncClient, account: Account, sub: dict[str, Any]
) -> dict[str, Any]:
    [delivery] = await deliveries_of(client, account, sub["id"])
    return delivery


def finished(
    client: httpx.AsyncClient, account: Account, sub: dict[str, Any]
) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return bool((await only_delivery(client, account, sub))["status"] != "PENDING")

    return check


# --- retries, the end of the schedule, 410 ----------------------------------------------------


async def test_retries_until_delivered(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    url = receiver.url()
    receiver.script(url, Reply(500, "busy"), Reply(500, "still busy"))
    sub = await subscribe(client, user, url)
    event_id = await send_test(client, user, sub)

    await deliver_until(worker, finished(client, user, sub))
    delivery = await only_delivery(client, user, sub)
    assert delivery["status"] == "SUCCEEDED"
    assert [(a["attempt"], a["statusCode"], a["response"]) for a in delivery["attempts"]] == [
        (1, 500, "busy"),
        (2, 500, "still busy"),
        (3, 200, "ok"),
    ]
    hits = receiver.hits(url)
    assert len(hits) == 3
    for hit in hits:  # the same event, the same id, signed afresh each time
        assert hit.webhook_id == event_id
        assert verify_signed(hit, sub["secret"])["eventId"] == event_id
    assert len({hit.body for hit in hits}) == 1


async def test_failed_once_the_schedule_is_exhausted(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    url = receiver.url()
    receiver.script(url, *[Reply(503, "down")] * ATTEMPTS)  # a sixth attempt would get 200
    sub = await subscribe(client, user, url)
    await send_test(client, user, sub)

    await deliver_until(worker, finished(client, user, sub))
    await settle(worker)
    delivery = await only_delivery(client, user, sub)
    assert delivery["status"] == "FAILED"
    assert delivery["nextRetryAt"] is None
    assert [a["statusCode"] for a in delivery["attempts"]] == [503] * ATTEMPTS
    assert [a["attempt"] for a in delivery["attempts"]] == list(range(1, ATTEMPTS + 1))
    assert len(receiver.hits(url)) == ATTEMPTS
    # Failing deliveries do not disable the subscription; only 410 does.
    sub_now = (await client.get(f"/v1/webhooks/{sub['id']}", headers=user.auth)).json()
    assert sub_now["status"] == "ACTIVE"


async def test_410_disables_the_subscription(
    client: httpx.AsyncClient,
    staff: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    url = receiver.url()
    receiver.script(url, Reply(410, "gone"))
    sub = await subscribe(client, staff, url, ["pet.available", "pet.statusChanged"])
    await make_pet()
    await deliver_until(worker, finished(client, staff, sub))

    fetched = await client.get(f"/v1/webhooks/{sub['id']}", headers=staff.auth)
    assert fetched.json()["status"] == "DISABLED"
    assert "410" in fetched.json()["disabledReason"]
    delivery = await only_delivery(client, staff, sub)
    assert delivery["status"] == "FAILED"
    assert [a["statusCode"] for a in delivery["attempts"]] == [410]

    await make_pet()
    await settle(worker)
    assert len(receiver.hits(url)) == 1
    assert len(await deliveries_of(client, staff, sub["id"])) == 1


async def test_a_slow_receiver_times_out_and_is_retried(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    url = receiver.url()
    receiver.script(url, Reply(200, "too late", delay=2.5))  # the timeout is 1 s
    sub = await subscribe(client, user, url)
    await send_test(client, user, sub)

    await deliver_until(worker, finished(client, user, sub))
    delivery = await only_delivery(client, user, sub)
    assert delivery["status"] == "SUCCEEDED"
    first, second = delivery["attempts"]
    assert first["statusCode"] is None
    assert "timeout" in first["error"].lower()
    assert first["response"] is None
    assert (second["attempt"], second["statusCode"], second["error"]) == (2, 200, None)
    assert len(receiver.hits(url)) == 2


async def test_redirects_are_not_followed(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    url, elsewhere = receiver.url(), receiver.url()
    redirect = Reply(302, "moved", headers=(("Location", elsewhere),))
    receiver.script(url, *[redirect] * ATTEMPTS)
    sub = await subscribe(client, user, url)
    await send_test(client, user, sub)

    await deliver_until(worker, finished(client, user, sub))
    delivery = await only_delivery(client, user, sub)
    assert delivery["status"] == "FAILED"
    assert [a["statusCode"] for a in delivery["attempts"]] == [302] * ATTEMPTS
    assert len(receiver.hits(url)) == ATTEMPTS
    assert receiver.hits(elsewhere) == []


async def test_a_private_target_is_refused_at_delivery_time(
    database_url: str,
    client: httpx.AsyncClient,
    user: Account,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    """Created while loopback was allowed; delivered by a server that no longer allows it."""
    url = receiver.url()
    sub = await subscribe(client, user, url)
    await send_test(client, user, sub)

    async with running_app(webhook_settings(database_url, outbound_allow="")) as strict:
        strict_worker = DeliveryWorker(
            container_of(strict).sessionmaker, container_of(strict).settings
        )
        try:
            await deliver_until(strict_worker, finished(client, user, sub))
        finally:
            await strict_worker.aclose()
    delivery = await only_delivery(client, user, sub)
    assert delivery["status"] == "FAILED"
    [attempt] = delivery["attempts"]
    assert attempt["statusCode"] is None
    assert "refused" in attempt["error"]
    await settle(worker)  # a permissive worker does not revive it
    assert receiver.hits(url) == []


async def test_retries_follow_the_schedule_then_fail(
    app: FastAPI,
    database_url: str,
    client: httpx.AsyncClient,
    user: Account,
    receiver: Receiver,
) -> None:
    """A worker with a real-looking schedule: each retry is due the listed delay after the
    previous attempt; as many attempts as the schedule lists, then FAILED. (Time passing is
    simulated by making the pending retry due now.)"""
    url = receiver.url()
    receiver.script(url, *[Reply(500, "nope")] * 3)  # a fourth attempt would get 200
    sub = await subscribe(client, user, url)
    await send_test(client, user, sub)
    settings = webhook_settings(database_url, webhook_retry_schedule="0,60,300")
    scheduled = DeliveryWorker(container_of(app).sessionmaker, settings)

    async def make_due() -> None:
        async with container_of(app).sessionmaker() as session:
            await session.connection(execution_options={WRITE_INTENT: True})
            await session.execute(
                update(Delivery)
                .where(Delivery.subscription_id == uuid.UUID(sub["id"]))
                .values(next_attempt_at=utcnow())
            )
            await session.commit()

    try:
        for attempt, delay in [(1, 60), (2, 300)]:
            await deliver_until(scheduled, hits_reach(receiver, url, attempt))
            delivery = await only_delivery(client, user, sub)
            assert delivery["status"] == "PENDING"
            last = delivery["attempts"][-1]
            assert (last["attempt"], last["statusCode"]) == (attempt, 500)
            gap = parse_rfc3339(delivery["nextRetryAt"]) - parse_rfc3339(last["at"])
            assert delay - 1 <= gap.total_seconds() <= delay + 1, (delay, gap)
            await settle(scheduled, rounds=2)  # not due yet: nothing is sent
            assert len(receiver.hits(url)) == attempt
            await make_due()
        await deliver_until(scheduled, finished(client, user, sub))
    finally:
        await scheduled.aclose()
    delivery = await only_delivery(client, user, sub)
    assert delivery["status"] == "FAILED"
    assert [a["statusCode"] for a in delivery["attempts"]] == [500, 500, 500]
    assert len(receiver.hits(url)) == 3


def hits_reach(receiver: Receiver, url: str, count: int) -> Callable[[], bool]:
    return lambda: len(receiver.hits(url)) == count


def parse_rfc3339(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


async def test_an_answer_with_nul_characters_is_recorded(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    """Whatever the receiver answers, the attempt is recorded and the delivery settled; one
    odd answer must not stall its delivery (or the rest of the batch) in an endless resend."""
    odd_url, plain_url = receiver.url(), receiver.url()
    receiver.script(odd_url, Reply(200, "ok\x00\x00 binary"))
    odd = await subscribe(client, user, odd_url)
    plain = await subscribe(client, user, plain_url)
    await send_test(client, user, odd)
    await send_test(client, user, plain)

    await deliver_until(
        worker,
        lambda: len(receiver.hits(odd_url)) >= 1 and len(receiver.hits(plain_url)) >= 1,
    )
    await settle(worker)
    for sub in (odd, plain):
        delivery = await only_delivery(client, user, sub)
        assert delivery["status"] == "SUCCEEDED", delivery
        assert [a["statusCode"] for a in delivery["attempts"]] == [200]
    response = (await only_delivery(client, user, odd))["attempts"][0]["response"]
    assert response.startswith("ok")
    assert len(receiver.hits(odd_url)) == len(receiver.hits(plain_url)) == 1


async def test_a_trickling_answer_cannot_hold_the_worker(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    """The receiver sends its headers at once, then dribbles the body for far longer than
    the delivery timeout (1 s). The timeout bounds the whole attempt, so a subscriber cannot
    hold the (shared) worker for as long as it likes."""
    url = receiver.url()
    receiver.script(url, Reply(200, trickle=20))
    sub = await subscribe(client, user, url)
    await send_test(client, user, sub)
    try:
        await asyncio.wait_for(worker.run_once(), timeout=6)  # generous: 6 x the timeout
    except TimeoutError:
        pytest.fail("one delivery held the worker far beyond webhook_timeout_seconds")
    [attempt] = (await only_delivery(client, user, sub))["attempts"]
    assert attempt["attempt"] == 1


# --- the callback example ---------------------------------------------------------------------


async def test_order_callback_reports_completed_or_failed(
    app: FastAPI,
    client: httpx.AsyncClient,
    user: Account,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    pet = await make_pet(price="738.05", currency="USD")
    order_response = await client.post("/v1/orders", json={"petId": pet["id"]}, headers=user.auth)
    assert order_response.status_code == 201, order_response.text
    order = order_response.json()
    good_url, bad_url = receiver.url(), receiver.url()
    for amount, url in [("738.05", good_url), ("700.00", bad_url)]:
        response = await client.post(
            f"/v1/orders/{order['id']}",
            json={
                "amount": amount,
                "currency": "USD",
                "timestamp": "1758613403",
                "callbackUrl": url,
            },
            headers=user.auth,
        )
        assert response.status_code == 201, response.text
        assert response.json() == {}

    await deliver_until(
        worker, lambda: len(receiver.hits(good_url)) == 1 and len(receiver.hits(bad_url)) == 1
    )
    secret = await callback_secret(container_of(app).sessionmaker)
    completed = verify_signed(receiver.hits(good_url)[0], secret)
    failed = verify_signed(receiver.hits(bad_url)[0], secret)
    for body in (completed, failed):
        assert set(body) >= {"requestId", "orderId", "status", "result", "timestamp"}
        assert uuid.UUID(body["requestId"])
        assert body["orderId"] == order["id"]
        assert body["timestamp"].isdigit()
    assert completed["status"] == "COMPLETED"
    assert failed["status"] == "FAILED"
    assert completed["requestId"] != failed["requestId"]
    assert completed["result"]["totalAmount"] == "738.05"
    assert failed["result"]["requestedAmount"] == "700.00"
    await settle(worker)
    assert len(receiver.hits(good_url)) == len(receiver.hits(bad_url)) == 1


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/cb", "ftp://127.0.0.1/cb"],
)
async def test_order_callback_to_a_refused_url_is_422(
    app: FastAPI,
    tenant: str,
    client: httpx.AsyncClient,
    user: Account,
    make_pet: MakePet,
    url: str,
) -> None:
    order = await client.post(
        "/v1/orders", json={"petId": (await make_pet())["id"]}, headers=user.auth
    )
    assert order.status_code == 201, order.text
    response = await client.post(
        f"/v1/orders/{order.json()['id']}",
        json={"amount": "120.00", "currency": "USD", "timestamp": "1", "callbackUrl": url},
        headers=user.auth,
    )
    problem = assert_problem(response, 422, "validation-error")
    assert [e["field"] for e in problem["errors"]] == ["callbackUrl"]
    async with container_of(app).sessionmaker() as session:
        queued = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.url == url)
        )
    assert queued == 0


@pytest.mark.parametrize(
    ("amount", "currency"), [("0", "USD"), ("0.00", "USD"), ("120.001", "USD"), ("120.5", "JPY")]
)
async def test_order_callback_amount_must_fit_its_currency(
    app: FastAPI,
    client: httpx.AsyncClient,
    user: Account,
    make_pet: MakePet,
    receiver: Receiver,
    amount: str,
    currency: str,
) -> None:
    order = await client.post(
        "/v1/orders", json={"petId": (await make_pet())["id"]}, headers=user.auth
    )
    assert order.status_code == 201, order.text
    url = receiver.url()
    response = await client.post(
        f"/v1/orders/{order.json()['id']}",
        json={"amount": amount, "currency": currency, "timestamp": "1", "callbackUrl": url},
        headers=user.auth,
    )
    assert list(field_errors(response)) == ["amount"]
    async with container_of(app).sessionmaker() as session:
        queued = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.url == url)
        )
    assert queued == 0


async def test_order_callback_for_someone_elses_order_is_404(
    client: httpx.AsyncClient,
    user: Account,
    make_account: AccountFactory,
    make_pet: MakePet,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    order = await client.post(
        "/v1/orders", json={"petId": (await make_pet())["id"]}, headers=user.auth
    )
    assert order.status_code == 201, order.text
    stranger = await make_account()
    url = receiver.url()
    response = await client.post(
        f"/v1/orders/{order.json()['id']}",
        json={"amount": "120.00", "currency": "USD", "timestamp": "1", "callbackUrl": url},
        headers=stranger.auth,
    )
    assert_problem(response, 404, "not-found")
    await settle(worker)
    assert receiver.hits(url) == []


# --- concurrent workers -------------------------------------------------------------------------


async def test_two_workers_never_send_one_delivery_twice(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: str,
    staff: Account,
    receiver: Receiver,
) -> None:
    url = receiver.url()
    sub = await subscribe(client, staff, url, ["pet.available"])
    events = 100  # more than one claim batch (64), so both workers get work
    async with container_of(app).sessionmaker() as session:
        await session.connection(execution_options={WRITE_INTENT: True})
        for n in range(events):
            await events_bus.record(session, PET_AVAILABLE, tenant, {"pet": {"n": n}})
        await session.commit()

    def received() -> Counter[str]:
        return Counter(hit.webhook_id for hit in receiver.hits(url))

    # No attempt may time out and no lease run out during the test (the module's 1 s and 2 s
    # can on a busy machine, and then a retry or a re-claim is a legitimate second send): a
    # double send here can only come from two workers claiming the same delivery.
    settings = container_of(app).settings.model_copy(
        update={"webhook_timeout_seconds": 60, "webhook_lease_seconds": 120}
    )
    first = DeliveryWorker(container_of(app).sessionmaker, settings)
    second = DeliveryWorker(container_of(app).sessionmaker, settings)
    deadline = time.monotonic() + 30
    try:
        while len(received()) < events:
            assert time.monotonic() < deadline, len(received())
            claimed = await asyncio.gather(first.run_once(), second.run_once())
            assert received(), claimed
            # Every attempt answered 200: a second request for an id is a double delivery.
            assert max(received().values()) == 1, received().most_common(3)
        await asyncio.gather(first.run_once(), second.run_once())
    finally:
        await first.aclose()
        await second.aclose()

    per_id = Counter(hit.webhook_id for hit in receiver.hits(url))
    assert len(per_id) == events
    assert set(per_id.values()) == {1}
    for hit in receiver.hits(url)[:5]:
        verify_signed(hit, sub["secret"])
    async with container_of(app).sessionmaker() as session:
        rows = (
            await session.execute(
                select(Delivery.status, Delivery.attempts, func.count(DeliveryAttempt.id))
                .join(DeliveryAttempt, DeliveryAttempt.delivery_id == Delivery.id)
                .where(Delivery.subscription_id == uuid.UUID(sub["id"]))
                .group_by(Delivery.id, Delivery.status, Delivery.attempts)
            )
        ).all()
    assert len(rows) == events
    assert set(rows) == {("SUCCEEDED", 1, 1)}
