"""Resending and pinging, and what the operator reads of failures: ``POST .../redeliver`` and
``petstore webhook redeliver`` queue a new delivery of the same event and body, ``POST .../ping``
sends a test event, and each failed attempt is one log line without secrets."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
import pytest

from petstore.webhooks.delivery import DeliveryWorker
from tests.support.accounts import Account, AccountFactory
from tests.support.problems import assert_problem
from tests.support.servers import cli_failure, cli_output, run_cli, server_env
from tests.support.webhooks import (
    Receiver,
    Reply,
    deliver_until,
    deliveries_of,
    subscribe,
    verify_signed,
)

ATTEMPTS = 5  # webhook_settings' schedule
PATH_SECRET = "receiver-path-token-7f3a"  # receivers often put their own secret in the path


async def ping(client: httpx.AsyncClient, account: Account, sub: dict[str, Any]) -> str:
    response = await client.post(f"/v1/webhooks/{sub['id']}/ping", headers=account.auth)
    assert response.status_code == 202, response.text
    return str(response.json()["eventId"])


def redeliver_path(sub: dict[str, Any], delivery_id: str) -> str:
    return f"/v1/webhooks/{sub['id']}/deliveries/{delivery_id}/redeliver"


async def failed_delivery(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A subscription whose ping failed every attempt: it, the delivery, the receiver URL."""
    url = receiver.url(f"/hook/{uuid.uuid4().hex}/{PATH_SECRET}")
    receiver.script(url, *[Reply(503, "down for maintenance")] * ATTEMPTS)
    sub = await subscribe(client, user, url)
    await ping(client, user, sub)

    async def failed() -> bool:
        return [d["status"] for d in await deliveries_of(client, user, sub["id"])] == ["FAILED"]

    await deliver_until(worker, failed)
    [delivery] = await deliveries_of(client, user, sub["id"])
    return sub, delivery, url


async def test_ping_sends_a_signed_test_event(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    url = receiver.url()
    sub = await subscribe(client, user, url)
    event_id = await ping(client, user, sub)
    await deliver_until(worker, lambda: len(receiver.hits(url)) == 1)
    event = verify_signed(receiver.hits(url)[0], sub["secret"])
    assert (event["eventId"], event["eventType"]) == (event_id, "webhook.test")


async def test_failed_attempts_are_logged_without_secrets(
    client: httpx.AsyncClient,
    user: Account,
    receiver: Receiver,
    worker: DeliveryWorker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="petstore.webhooks"):
        sub, delivery, _ = await failed_delivery(client, user, receiver, worker)
    lines = [r.getMessage() for r in caplog.records if delivery["id"] in r.getMessage()]
    assert len(lines) == ATTEMPTS
    assert all("answered 503" in line for line in lines)
    assert all(f"to http://127.0.0.1:{receiver.port} failed" in line for line in lines)
    assert "will retry" in lines[0]
    assert f"gave up; resend with `petstore webhook redeliver {delivery['id']}`" in lines[-1]
    for line in lines:
        assert PATH_SECRET not in line
        assert sub["secret"] not in line
        assert "down for maintenance" not in line


async def test_redeliver_sends_the_same_event_again_as_a_new_delivery(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    sub, failed, url = await failed_delivery(client, user, receiver, worker)
    response = await client.post(redeliver_path(sub, failed["id"]), headers=user.auth)
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["id"] != failed["id"]
    assert (queued["eventId"], queued["status"]) == (failed["eventId"], "PENDING")

    await deliver_until(worker, lambda: len(receiver.hits(url)) == ATTEMPTS + 1)
    hits = receiver.hits(url)
    assert hits[-1].webhook_id == failed["eventId"]  # receivers de-duplicate on it
    assert hits[-1].body == hits[0].body
    statuses = {d["id"]: d["status"] for d in await deliveries_of(client, user, sub["id"])}
    assert statuses == {failed["id"]: "FAILED", queued["id"]: "SUCCEEDED"}


async def test_redeliver_refuses_what_it_cannot_resend(
    client: httpx.AsyncClient,
    user: Account,
    make_account: AccountFactory,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    sub, failed, _ = await failed_delivery(client, user, receiver, worker)
    stranger = await make_account()
    other = await client.post(redeliver_path(sub, failed["id"]), headers=stranger.auth)
    assert_problem(other, 404, "not-found")
    unknown = await client.post(redeliver_path(sub, str(uuid.uuid4())), headers=user.auth)
    assert_problem(unknown, 404, "not-found")

    queued = (await client.post(redeliver_path(sub, failed["id"]), headers=user.auth)).json()
    pending = await client.post(redeliver_path(sub, queued["id"]), headers=user.auth)
    assert "still pending" in assert_problem(pending, 409, "conflict")["detail"]

    disabled = await client.patch(
        f"/v1/webhooks/{sub['id']}",
        json={"status": "DISABLED"},
        headers={**user.auth, "Content-Type": "application/merge-patch+json"},
    )
    assert disabled.status_code == 200, disabled.text
    refused = await client.post(redeliver_path(sub, failed["id"]), headers=user.auth)
    assert "disabled" in assert_problem(refused, 409, "conflict")["detail"]


async def test_the_cli_redelivers_by_id_within_the_tenant(
    client: httpx.AsyncClient,
    user: Account,
    receiver: Receiver,
    worker: DeliveryWorker,
    database_url: str,
    tenant: str,
) -> None:
    sub, failed, url = await failed_delivery(client, user, receiver, worker)
    env = server_env(database_url)
    elsewhere = cli_failure(run_cli(env, "webhook", "redeliver", failed["id"]))
    assert f"delivery with ID '{failed['id']}' was not found" in elsewhere
    assert "a delivery id is a UUID" in cli_failure(run_cli(env, "webhook", "redeliver", "7"))

    said = cli_output(run_cli(env, "webhook", "redeliver", failed["id"], "--tenant", tenant))
    assert said.startswith("queued delivery ")
    await deliver_until(worker, lambda: len(receiver.hits(url)) == ATTEMPTS + 1)
    assert len(await deliveries_of(client, user, sub["id"])) == 2
