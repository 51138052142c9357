"""Webhook subscriptions through HTTP, on every database: CRUD, secrets shown once, rotation,
test events, the delivery log, owner-or-staff access, tenancy, validation and the SSRF guard.

Deliveries go to a real HTTP receiver on 127.0.0.1 (``Receiver``), signatures are checked with
the public Standard Webhooks algorithm. Shared helpers live in
``tests/support/webhooks.py``, fixtures in ``tests/webhooks/conftest.py``.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from petstore.webhooks.delivery import DeliveryWorker
from tests.support.accounts import Account, AccountFactory, account_in
from tests.support.apps import make_client, running_app
from tests.support.idempotency import assert_secret_shown_once
from tests.support.outbound import FORM_TABLE, ipv6_forms, url_of
from tests.support.problems import assert_problem
from tests.support.settings import fast_settings
from tests.support.webhooks import (
    MERGE_PATCH,
    RFC3339,
    SECRET_PREFIX,
    Receiver,
    Reply,
    deliver_until,
    deliveries_of,
    settle,
    signed_with,
    subscribe,
    verify_signed,
)

# --- create, read, list ----------------------------------------------------------------------


async def test_create_returns_the_secret_once(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, tenant: str
) -> None:
    url = receiver.url()
    response = await client.post(
        "/v1/webhooks",
        json={
            "url": url,
            "events": ["payment.succeeded", "order.statusChanged"],
            "description": "shop front",
        },
        headers=user.auth,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    location = f"http://petstore.test/v1/webhooks/{body['id']}"
    assert response.headers["location"] == location
    assert uuid.UUID(body["id"]).version == 7
    assert body["url"] == url
    assert sorted(body["events"]) == ["order.statusChanged", "payment.succeeded"]
    assert body["description"] == "shop front"
    assert (body["status"], body["disabledReason"]) == ("ACTIVE", None)
    assert body["tenantId"] == tenant
    assert RFC3339.match(body["createdAt"])
    assert body["links"]["self"] == location
    secret = body["secret"]
    assert secret.startswith(SECRET_PREFIX)
    assert len(base64.b64decode(secret.removeprefix(SECRET_PREFIX))) >= 24

    fetched = await client.get(f"/v1/webhooks/{body['id']}", headers=user.auth)
    assert fetched.status_code == 200, fetched.text
    assert "secret" not in fetched.json()
    assert secret not in fetched.text
    assert fetched.json() == {k: v for k, v in body.items() if k != "secret"}
    listed = await client.get("/v1/webhooks", headers=user.auth)
    assert listed.status_code == 200
    assert secret not in listed.text
    assert [w["id"] for w in listed.json()["data"]] == [body["id"]]
    patched = await client.patch(
        f"/v1/webhooks/{body['id']}",
        json={"description": "renamed"},
        headers={**user.auth, **MERGE_PATCH},
    )
    assert patched.status_code == 200, patched.text
    assert secret not in patched.text

    other = await subscribe(client, user, receiver.url())
    assert other["secret"] != secret


async def test_users_list_their_own_and_staff_lists_all(
    client: httpx.AsyncClient, make_account: AccountFactory, staff: Account, receiver: Receiver
) -> None:
    alice, bob = await make_account(), await make_account()
    mine = await subscribe(client, alice, receiver.url())
    theirs = await subscribe(client, bob, receiver.url(), ["pet.available"])

    async def ids(account: Account) -> set[str]:
        response = await client.get("/v1/webhooks", headers=account.auth)
        assert response.status_code == 200, response.text
        return {w["id"] for w in response.json()["data"]}

    assert await ids(alice) == {mine["id"]}
    assert await ids(bob) == {theirs["id"]}
    assert await ids(staff) == {mine["id"], theirs["id"]}


async def test_patch_changes_url_events_and_status(
    client: httpx.AsyncClient, user: Account, receiver: Receiver
) -> None:
    sub = await subscribe(client, user, receiver.url(), ["pet.available"])
    path = f"/v1/webhooks/{sub['id']}"
    headers = {**user.auth, **MERGE_PATCH}
    new_url = receiver.url()

    changed = await client.patch(
        path,
        json={"url": new_url, "events": ["order.created", "*"]},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["url"] == new_url
    assert sorted(changed.json()["events"]) == ["*", "order.created"]

    disabled = await client.patch(path, json={"status": "disabled"}, headers=headers)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["status"] == "DISABLED"
    assert disabled.json()["disabledReason"]

    enabled = await client.patch(path, json={"status": "ACTIVE"}, headers=headers)
    assert enabled.status_code == 200, enabled.text
    assert (enabled.json()["status"], enabled.json()["disabledReason"]) == ("ACTIVE", None)

    fetched = (await client.get(path, headers=user.auth)).json()
    assert (fetched["url"], fetched["status"]) == (new_url, "ACTIVE")
    assert sorted(fetched["events"]) == ["*", "order.created"]

    bad = await client.patch(path, json={"url": "ftp://example.com/x"}, headers=headers)
    assert_problem(bad, 422, "validation-error")
    unknown = await client.patch(path, json={"events": ["pet.sold"]}, headers=headers)
    assert_problem(unknown, 422, "validation-error")
    assert (await client.get(path, headers=user.auth)).json()["url"] == new_url


async def test_delete_is_204_and_the_subscription_is_gone(
    client: httpx.AsyncClient,
    user: Account,
    receiver: Receiver,
    worker: DeliveryWorker,
    make_pet: Callable[..., Awaitable[dict[str, Any]]],
) -> None:
    url = receiver.url()
    sub = await subscribe(client, user, url)
    deleted = await client.delete(f"/v1/webhooks/{sub['id']}", headers=user.auth)
    assert deleted.status_code == 204
    assert deleted.content == b""
    gone = await client.get(f"/v1/webhooks/{sub['id']}", headers=user.auth)
    assert_problem(gone, 404, "not-found")
    again = await client.delete(f"/v1/webhooks/{sub['id']}", headers=user.auth)
    assert_problem(again, 404, "not-found")
    assert (await client.get("/v1/webhooks", headers=user.auth)).json()["data"] == []

    await make_pet()  # a pet.available nobody listens to any more
    await settle(worker)
    assert receiver.hits(url) == []


# --- secrets, test events, the delivery log --------------------------------------------------


async def test_a_keyed_subscription_keeps_no_copy_of_its_secret(
    app: FastAPI, client: httpx.AsyncClient, user: Account, receiver: Receiver, tenant: str
) -> None:
    body = {"url": receiver.url(), "events": ["*"]}
    created = await assert_secret_shown_once(
        app, client, tenant, "/v1/webhooks", "secret", user.auth, json=body
    )
    assert created.json()["secret"].startswith(SECRET_PREFIX)
    listed = await client.get("/v1/webhooks", headers=user.auth)
    assert [w["id"] for w in listed.json()["data"]] == [created.json()["id"]]


async def test_a_keyed_rotation_keeps_no_copy_of_the_new_secret(
    app: FastAPI, client: httpx.AsyncClient, user: Account, receiver: Receiver, tenant: str
) -> None:
    sub = await subscribe(client, user, receiver.url())
    path = f"/v1/webhooks/{sub['id']}/rotate-secret"
    rotated = await assert_secret_shown_once(app, client, tenant, path, "secret", user.auth)
    assert rotated.json()["secret"] != sub["secret"]


async def test_rotated_secret_signs_later_deliveries(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    url = receiver.url()
    sub = await subscribe(client, user, url)
    old = sub["secret"]
    first = await client.post(f"/v1/webhooks/{sub['id']}/test", headers=user.auth)
    assert first.status_code == 202, first.text
    await deliver_until(worker, lambda: len(receiver.hits(url)) == 1)
    verify_signed(receiver.hits(url)[0], old)

    rotated = await client.post(f"/v1/webhooks/{sub['id']}/rotate-secret", headers=user.auth)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith(SECRET_PREFIX)
    assert new != old
    assert rotated.headers["cache-control"] == "no-store"
    assert new not in (await client.get(f"/v1/webhooks/{sub['id']}", headers=user.auth)).text

    second = await client.post(f"/v1/webhooks/{sub['id']}/test", headers=user.auth)
    assert second.status_code == 202, second.text
    await deliver_until(worker, lambda: len(receiver.hits(url)) == 2)
    latest = receiver.hits(url)[1]
    assert latest.webhook_id == second.json()["eventId"]
    verify_signed(latest, new)
    assert not signed_with(latest, old)


async def test_test_event_reaches_only_that_subscription(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    target_url, bystander_url = receiver.url(), receiver.url()
    target = await subscribe(client, user, target_url, ["pet.available"])
    bystander = await subscribe(client, user, bystander_url)

    response = await client.post(f"/v1/webhooks/{target['id']}/test", headers=user.auth)
    assert response.status_code == 202, response.text
    event_id = response.json()["eventId"]
    assert uuid.UUID(event_id).version == 7

    await deliver_until(worker, lambda: len(receiver.hits(target_url)) == 1)
    await settle(worker)
    [hit] = receiver.hits(target_url)
    payload = verify_signed(hit, target["secret"])
    assert hit.webhook_id == event_id
    assert payload["eventId"] == event_id
    assert payload["eventType"] == "webhook.test"
    assert RFC3339.match(payload["timestamp"])
    assert payload["data"]["webhookId"] == target["id"]
    assert receiver.hits(bystander_url) == []
    assert await deliveries_of(client, user, bystander["id"]) == []
    [delivery] = await deliveries_of(client, user, target["id"])
    assert (delivery["eventId"], delivery["eventType"]) == (event_id, "webhook.test")
    assert delivery["status"] == "SUCCEEDED"


async def test_delivery_log_shows_attempts_and_the_pending_retry(
    client: httpx.AsyncClient, user: Account, receiver: Receiver, worker: DeliveryWorker
) -> None:
    url = receiver.url()
    long_answer = "".join(chr(ord("a") + i % 26) for i in range(3000))
    receiver.script(url, Reply(500, long_answer), Reply(200, "thanks"))
    sub = await subscribe(client, user, url)
    sent = await client.post(f"/v1/webhooks/{sub['id']}/test", headers=user.auth)
    assert sent.status_code == 202, sent.text

    await deliver_until(worker, lambda: len(receiver.hits(url)) == 1)
    [delivery] = await deliveries_of(client, user, sub["id"])
    assert uuid.UUID(delivery["id"]).version == 7
    assert (delivery["eventId"], delivery["eventType"]) == (sent.json()["eventId"], "webhook.test")
    assert delivery["status"] == "PENDING"
    assert delivery["nextRetryAt"] is not None
    assert RFC3339.match(delivery["nextRetryAt"])
    assert RFC3339.match(delivery["createdAt"])
    [attempt] = delivery["attempts"]
    assert attempt["attempt"] == 1
    assert attempt["statusCode"] == 500
    assert isinstance(attempt["latencyMs"], int)
    assert attempt["latencyMs"] >= 0
    assert attempt["response"] == long_answer[:1024]
    assert attempt["error"] is None
    assert RFC3339.match(attempt["at"])

    async def succeeded() -> bool:
        latest = await deliveries_of(client, user, sub["id"])
        return bool(latest[0]["status"] == "SUCCEEDED")

    await deliver_until(worker, succeeded)
    [delivery] = await deliveries_of(client, user, sub["id"])
    assert delivery["nextRetryAt"] is None
    assert [(a["attempt"], a["statusCode"]) for a in delivery["attempts"]] == [(1, 500), (2, 200)]
    assert delivery["attempts"][1]["response"] == "thanks"
    assert len(receiver.hits(url)) == 2


# --- who may do what -------------------------------------------------------------------------


async def test_owner_or_staff_only_others_get_404(
    client: httpx.AsyncClient,
    user: Account,
    make_account: AccountFactory,
    staff: Account,
    receiver: Receiver,
) -> None:
    sub = await subscribe(client, user, receiver.url())
    path = f"/v1/webhooks/{sub['id']}"
    stranger = await make_account()
    for method, suffix in [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/test"),
        ("POST", "/rotate-secret"),
        ("GET", "/deliveries"),
    ]:
        kwargs: dict[str, Any] = {"headers": {**stranger.auth, **MERGE_PATCH}}
        if method == "PATCH":
            kwargs["json"] = {"status": "DISABLED"}
        response = await client.request(method, path + suffix, **kwargs)
        assert_problem(response, 404, "not-found")
    assert (await client.get(path, headers=user.auth)).json()["status"] == "ACTIVE"

    assert (await client.get(path, headers=staff.auth)).status_code == 200
    assert (await client.get(f"{path}/deliveries", headers=staff.auth)).status_code == 200
    by_staff = await client.patch(
        path, json={"description": "checked"}, headers={**staff.auth, **MERGE_PATCH}
    )
    assert by_staff.status_code == 200, by_staff.text
    assert by_staff.json()["description"] == "checked"


async def test_unauthenticated_is_401(client: httpx.AsyncClient, user: Account) -> None:
    sub_id = str(uuid.uuid4())
    for method, path in [
        ("GET", "/v1/webhooks"),
        ("POST", "/v1/webhooks"),
        ("GET", f"/v1/webhooks/{sub_id}"),
        ("PATCH", f"/v1/webhooks/{sub_id}"),
        ("DELETE", f"/v1/webhooks/{sub_id}"),
        ("POST", f"/v1/webhooks/{sub_id}/test"),
        ("POST", f"/v1/webhooks/{sub_id}/rotate-secret"),
        ("GET", f"/v1/webhooks/{sub_id}/deliveries"),
    ]:
        response = await client.request(
            method, path, json={"url": "ftp://nope", "events": []}, headers=MERGE_PATCH
        )
        assert_problem(response, 401, "unauthorized")


async def test_a_token_without_write_user_may_read_but_not_subscribe(
    client: httpx.AsyncClient, make_account: AccountFactory, receiver: Receiver
) -> None:
    reader = await make_account(scope="read:user")
    response = await client.post(
        "/v1/webhooks", json={"url": receiver.url(), "events": ["*"]}, headers=reader.auth
    )
    assert_problem(response, 403, "forbidden")
    assert (await client.get("/v1/webhooks", headers=reader.auth)).status_code == 200


async def test_subscriptions_are_tenant_scoped(
    app: FastAPI, client: httpx.AsyncClient, user: Account, receiver: Receiver
) -> None:
    sub = await subscribe(client, user, receiver.url())
    elsewhere = str(uuid.uuid4())
    outsider = await account_in(app, elsewhere, staff=True)
    async with make_client(app, elsewhere) as other:
        response = await other.get(f"/v1/webhooks/{sub['id']}", headers=outsider.auth)
        assert_problem(response, 404, "not-found")
        deleted = await other.delete(f"/v1/webhooks/{sub['id']}", headers=outsider.auth)
        assert_problem(deleted, 404, "not-found")
        listed = await other.get("/v1/webhooks", headers=outsider.auth)
        assert listed.status_code == 200
        assert listed.json()["data"] == []
    assert (await client.get(f"/v1/webhooks/{sub['id']}", headers=user.auth)).status_code == 200


# --- validation and the SSRF guard -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://example.com/hook", "events": ["pet.sold"]}, "events"),
        ({"url": "https://example.com/hook", "events": []}, "events"),
        ({"url": "https://example.com/hook"}, "events"),
        ({"url": "ftp://example.com/hook", "events": ["*"]}, "url"),
        ({"url": "not a url", "events": ["*"]}, "url"),
        ({"events": ["*"]}, "url"),
    ],
    ids=["unknown-event", "empty-events", "no-events", "ftp", "garbage-url", "no-url"],
)
async def test_invalid_subscriptions_are_422(
    client: httpx.AsyncClient, user: Account, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/v1/webhooks", json=body, headers=user.auth)
    problem = assert_problem(response, 422, "validation-error")
    assert any(field in str(error["field"]) for error in problem["errors"]), problem


async def test_malformed_id_is_400(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.get("/v1/webhooks/not-a-uuid", headers=user.auth)
    assert_problem(response, 400, "bad-request")


PRIVATE_URLS = [
    "http://127.0.0.1:8080/hook",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://localhost:8080/hook",
]
DISGUISED_PRIVATE_URLS = [
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "http://[::ffff:169.254.169.254]/",
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://0177.0.0.1/",  # octal
    "http://127.1/",
    "http://0.0.0.0/",
    "http://192.168.1.1/",
    "http://[fd00::1]/",
    "http://LOCALHOST/",
]


async def test_private_targets_are_refused_by_default(
    database_url: str, tenant: str, user: Account
) -> None:
    """An app whose outbound allow-list is empty (the production default)."""
    async with (
        running_app(fast_settings(database_url, outbound_allow="")) as strict,
        make_client(strict, tenant) as client,
    ):
        for url in PRIVATE_URLS + DISGUISED_PRIVATE_URLS:
            response = await client.post(
                "/v1/webhooks", json={"url": url, "events": ["*"]}, headers=user.auth
            )
            problem = assert_problem(response, 422, "validation-error")
            [error] = problem["errors"]
            assert error["field"] == "url", url
            assert error["code"] == "url_refused", url
            assert "PETSTORE_OUTBOUND_ALLOW" in error["message"], url  # how to allow it
        assert (await client.get("/v1/webhooks", headers=user.auth)).json()["data"] == []

        # Nor can an existing subscription be pointed at one.
        allowed = await client.post(
            "/v1/webhooks",
            json={"url": "http://93.184.215.14/hook", "events": ["*"]},
            headers=user.auth,
        )
        assert allowed.status_code == 201, allowed.text
        moved = await client.patch(
            f"/v1/webhooks/{allowed.json()['id']}",
            json={"url": "http://169.254.169.254/"},
            headers={**user.auth, **MERGE_PATCH},
        )
        assert_problem(moved, 422, "validation-error")


async def test_private_targets_are_allowed_when_the_allow_list_covers_them(
    database_url: str, tenant: str, user: Account
) -> None:
    allow = "127.0.0.0/8,10.0.0.0/8,169.254.169.254/32,::1/128"
    async with (
        running_app(fast_settings(database_url, outbound_allow=allow)) as lenient,
        make_client(lenient, tenant) as client,
    ):
        for url in PRIVATE_URLS:
            response = await client.post(
                "/v1/webhooks", json={"url": url, "events": ["*"]}, headers=user.auth
            )
            assert response.status_code == 201, (url, response.text)
        refused = await client.post(
            "/v1/webhooks", json={"url": "http://192.168.1.1/", "events": ["*"]}, headers=user.auth
        )
        assert_problem(refused, 422, "validation-error")


async def test_ipv6_forms_of_private_ipv4_are_refused(
    database_url: str, tenant: str, user: Account
) -> None:
    """Every IPv6 encoding of a private IPv4 (mapped, compatible, 6to4, Teredo, NAT64) is
    refused as the IPv4 itself would be; the same encodings of a public address are not."""
    async with (
        running_app(fast_settings(database_url, outbound_allow="")) as strict,
        make_client(strict, tenant) as client,
    ):
        for form, ipv4, allowed in FORM_TABLE:
            url = url_of(ipv6_forms(ipv4)[form], port=8443)
            response = await client.post(
                "/v1/webhooks", json={"url": url, "events": ["*"]}, headers=user.auth
            )
            if allowed:
                assert response.status_code == 201, (form, ipv4, response.text)
                continue
            problem = assert_problem(response, 422, "validation-error")
            [error] = problem["errors"]
            assert (error["field"], error["code"]) == ("url", "url_refused"), (form, ipv4)
