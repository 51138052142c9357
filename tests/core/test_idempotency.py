"""``Idempotency-Key`` on POST, through HTTP on every database.

What the middleware does (``core/idempotency/``): the key is reserved per caller (tenant +
user id, else client IP) before the request runs. The stored answer is replayed only where the
operation itself would run again: after the route's authentication, scope checks and request
validation have passed, so a revoked or expired token, a token without the scopes, or another
caller never sees it. Only the answers of an operation that began are stored (4xx it gave
included); an answer given before it began (401, 403 from the auth check, 400/422 from request
validation) and answers of 500 and above release the key, so the client may retry with it.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import datetime, timedelta

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import select
from starlette.routing import Route

from petstore.app import NO_IDEMPOTENCY_PATHS, ROUTERS
from petstore.container import container_of
from petstore.core.idempotency import is_guarded, secret_fields
from petstore.core.idempotency.models import IdempotencyKey
from petstore.core.idempotency.repository import PURGE_BATCH
from petstore.core.ids import utcnow
from petstore.core.routing import PetstoreRoute
from tests.support.accounts import PASSWORD, Account, AccountFactory, bearer, login
from tests.support.pets import PET
from tests.support.problems import assert_problem
from tests.support.tokens import expire, sign, unverified_claims


def keyed(account: Account, key: str) -> dict[str, str]:
    return {**account.auth, "Idempotency-Key": key}


async def pet_count(client: httpx.AsyncClient) -> int:
    response = await client.get("/v1/pets", params={"limit": 100})
    assert response.status_code == 200, response.text
    total: int = response.json()["pagination"]["totalItems"]
    return total


async def test_same_key_same_body_is_replayed(client: httpx.AsyncClient, staff: Account) -> None:
    key = str(uuid.uuid4())
    first = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    # The same JSON with other key order and whitespace is the same request.
    reordered = dict(reversed(list(PET.items())))
    second = await client.post("/v1/pets", json=reordered, headers=keyed(staff, key))
    assert second.status_code == 201, second.text
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert second.content == first.content
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-type"] == "application/json"
    # Replays still carry the per-request headers of the outer middleware.
    assert "x-request-id" in second.headers
    assert "ratelimit-limit" in second.headers
    third = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert third.json()["id"] == first.json()["id"]
    assert await pet_count(client) == 1


async def test_without_a_key_every_post_creates(client: httpx.AsyncClient, staff: Account) -> None:
    for _ in range(2):
        response = await client.post("/v1/pets", json=PET, headers=staff.auth)
        assert response.status_code == 201
        assert "idempotent-replayed" not in response.headers
    assert await pet_count(client) == 2


async def test_same_key_other_body_is_422(client: httpx.AsyncClient, staff: Account) -> None:
    key = str(uuid.uuid4())
    first = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert first.status_code == 201
    other = await client.post(
        "/v1/pets", json={**PET, "name": "Someone else"}, headers=keyed(staff, key)
    )
    body = assert_problem(other, 422, "idempotency-key-reused")
    assert body["status"] == 422
    assert "idempotent-replayed" not in other.headers
    # Another path with the same key is another request too.
    elsewhere = await client.post("/v1/pets/search", json={}, headers=keyed(staff, key))
    assert_problem(elsewhere, 422, "idempotency-key-reused")
    assert await pet_count(client) == 1


async def test_key_length_is_checked(client: httpx.AsyncClient, staff: Account) -> None:
    too_long = await client.post("/v1/pets", json=PET, headers=keyed(staff, "k" * 256))
    body = assert_problem(too_long, 400, "bad-request")
    assert "255" in body["detail"]
    empty = await client.post("/v1/pets", json=PET, headers=keyed(staff, ""))
    assert_problem(empty, 400, "bad-request")
    assert await pet_count(client) == 0
    longest = await client.post("/v1/pets", json=PET, headers=keyed(staff, "k" * 255))
    assert longest.status_code == 201, longest.text
    assert await pet_count(client) == 1


async def test_keys_are_per_caller(
    client: httpx.AsyncClient, staff: Account, make_account: AccountFactory
) -> None:
    other_staff = await make_account(staff=True)
    key = str(uuid.uuid4())
    mine = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    theirs = await client.post("/v1/pets", json=PET, headers=keyed(other_staff, key))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]
    assert await pet_count(client) == 2
    # Each caller's key still replays that caller's own answer.
    again = await client.post("/v1/pets", json=PET, headers=keyed(other_staff, key))
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == theirs.json()["id"]


async def test_errors_of_the_operation_are_stored_and_replayed(
    client: httpx.AsyncClient, staff: Account
) -> None:
    key = str(uuid.uuid4())
    unknown_pet = {"petId": str(uuid.uuid4())}
    first = await client.post("/v1/orders", json=unknown_pet, headers=keyed(staff, key))
    assert_problem(first, 404, "not-found")
    assert "idempotent-replayed" not in first.headers
    second = await client.post("/v1/orders", json=unknown_pet, headers=keyed(staff, key))
    assert_problem(second, 404, "not-found")
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    # The key stays bound to the request the operation answered.
    other = await client.post(
        "/v1/orders", json={"petId": str(uuid.uuid4())}, headers=keyed(staff, key)
    )
    assert_problem(other, 422, "idempotency-key-reused")


async def test_a_request_that_failed_validation_leaves_the_key_free(
    client: httpx.AsyncClient, staff: Account
) -> None:
    key = str(uuid.uuid4())
    invalid = {**PET, "ageMonths": -1}
    first = await client.post("/v1/pets", json=invalid, headers=keyed(staff, key))
    assert_problem(first, 422, "validation-error")
    again = await client.post("/v1/pets", json=invalid, headers=keyed(staff, key))
    assert_problem(again, 422, "validation-error")
    assert "idempotent-replayed" not in again.headers
    assert await pet_count(client) == 0
    # The operation never began, so the corrected request may use the same key (Stripe's rule).
    corrected = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert corrected.status_code == 201, corrected.text
    replayed = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert replayed.headers["idempotent-replayed"] == "true"
    assert await pet_count(client) == 1


async def test_a_replay_after_logout_is_refused(client: httpx.AsyncClient, staff: Account) -> None:
    key = str(uuid.uuid4())
    created = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert created.status_code == 201, created.text
    assert (await client.post("/v1/logout", headers=staff.auth)).status_code == 204
    replay = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    body = assert_problem(replay, 401, "unauthorized")
    assert "revoked" in body["detail"]
    assert "idempotent-replayed" not in replay.headers
    assert created.json()["id"] not in replay.text
    # Signed in again, the same caller gets the stored answer: the key was not spent.
    again = Account.logged_in(await login(client, staff.username), staff.username, PASSWORD)
    replay = await client.post("/v1/pets", json=PET, headers=keyed(again, key))
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == created.json()["id"]
    assert await pet_count(client) == 1


async def test_a_replay_with_an_expired_token_is_refused(
    app: FastAPI, client: httpx.AsyncClient, staff: Account
) -> None:
    key = str(uuid.uuid4())
    created = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert created.status_code == 201, created.text
    claims = unverified_claims(staff.token)  # the same token (same jti), expired
    expire(claims)
    headers = {**bearer(sign(app, claims)), "Idempotency-Key": key}
    replay = await client.post("/v1/pets", json=PET, headers=headers)
    assert_problem(replay, 401, "unauthorized")
    assert "idempotent-replayed" not in replay.headers
    assert await pet_count(client) == 1


async def test_a_replay_needs_the_scopes_of_the_operation(
    client: httpx.AsyncClient, staff: Account
) -> None:
    key = str(uuid.uuid4())
    created = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert created.status_code == 201, created.text
    # The same staff member, signed in with a token that may only read.
    reader = await login(client, staff.username, scope="read:pets")
    narrow = Account.logged_in(reader, staff.username, PASSWORD)
    replay = await client.post("/v1/pets", json=PET, headers=keyed(narrow, key))
    assert_problem(replay, 403, "forbidden")
    assert "idempotent-replayed" not in replay.headers
    assert created.json()["id"] not in replay.text


async def test_an_auth_failure_is_not_stored(client: httpx.AsyncClient, staff: Account) -> None:
    key = str(uuid.uuid4())
    assert (await client.post("/v1/logout", headers=staff.auth)).status_code == 204
    refused = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert_problem(refused, 401, "unauthorized")
    again = Account.logged_in(await login(client, staff.username), staff.username, PASSWORD)
    created = await client.post("/v1/pets", json=PET, headers=keyed(again, key))
    assert created.status_code == 201, created.text
    assert "idempotent-replayed" not in created.headers
    assert await pet_count(client) == 1


def test_every_keyed_operation_replays_only_after_its_checks(app: FastAPI) -> None:
    """The replay happens in the route's endpoint guard: a POST route without it would run its
    operation a second time instead of replaying."""
    routes = [*(r for router in ROUTERS for r in router.routes), *app.router.routes]
    posts = [r for r in routes if isinstance(r, Route) and "POST" in (r.methods or ())]
    unguarded = [
        route.path
        for route in posts
        if route.path not in NO_IDEMPOTENCY_PATHS
        and not (isinstance(route, PetstoreRoute) and is_guarded(route.endpoint))
    ]
    assert len(posts) > len(NO_IDEMPOTENCY_PATHS)
    assert unguarded == []


async def test_simultaneous_requests_with_one_key_create_one_pet(
    client: httpx.AsyncClient, staff: Account
) -> None:
    key = str(uuid.uuid4())
    responses = await asyncio.gather(
        *(client.post("/v1/pets", json=PET, headers=keyed(staff, key)) for _ in range(2))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses in ([201, 201], [201, 409]), [r.text for r in responses]
    created = [r for r in responses if r.status_code == 201]
    if len(created) == 2:
        # Then one of them is a replay of the other.
        assert created[0].json()["id"] == created[1].json()["id"]
        assert sorted(r.headers.get("idempotent-replayed", "") for r in created) == ["", "true"]
    else:
        conflict = next(r for r in responses if r.status_code == 409)
        assert_problem(conflict, 409, "conflict")
    assert await pet_count(client) == 1
    # Once the first has finished, the key replays.
    later = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert later.status_code == 201
    assert later.headers["idempotent-replayed"] == "true"
    assert later.json()["id"] == created[0].json()["id"]


SECRET_NAME = re.compile(r"secret|token|password|api_?key", re.IGNORECASE)


def test_every_secret_in_a_keyed_answer_is_kept_out_of_the_store(app: FastAPI) -> None:
    """A field named like a credential in the answer of a keyed POST must be marked
    ``OneTimeSecret`` (the stored copy then holds ``null``), or the path must be exempt from
    idempotency (the token endpoints are)."""
    routes = [*(r for router in ROUTERS for r in router.routes), *app.router.routes]
    unmarked = [
        f"{route.path} {name}"
        for route in routes
        if isinstance(route, APIRoute)
        and "POST" in (route.methods or ())
        and route.path not in NO_IDEMPOTENCY_PATHS
        and isinstance(route.response_model, type)
        and issubclass(route.response_model, BaseModel)
        for name, field in route.response_model.model_fields.items()
        if SECRET_NAME.search(field.alias or name)
        and (field.alias or name) not in secret_fields(route.response_model)
    ]
    assert unmarked == []
    marked = {r.path for r in routes if isinstance(r, APIRoute) and secret_fields(r.response_model)}
    assert {"/v1/webhooks", "/v1/webhooks/{id}/rotate-secret", "/v1/oauth/clients"} <= marked


async def test_the_contract_names_the_redacted_replays(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/v1/openapi.json")).json()
    assert "Idempotent-Redacted" in doc["components"]["headers"]
    for path, status in (
        ("/v1/webhooks", "201"),
        ("/v1/webhooks/{id}/rotate-secret", "200"),
        ("/v1/oauth/clients", "201"),
    ):
        headers = doc["paths"][path]["post"]["responses"][status]["headers"]
        assert "Idempotent-Redacted" in headers, path
    pets = doc["paths"]["/v1/pets"]["post"]["responses"]["201"]["headers"]
    assert "Idempotent-Redacted" not in pets


async def test_expired_answers_are_purged_as_new_keys_arrive(
    app: FastAPI, client: httpx.AsyncClient, staff: Account
) -> None:
    """Stored answers (bodies of other callers included) do not outlive their day: every
    reservation deletes a batch of expired rows, whoever they belong to."""
    now = utcnow()
    maker = container_of(app).sessionmaker
    expired = [expired_row(f"ip:10.0.0.{n}", now) for n in range(PURGE_BATCH + 5)]
    async with maker() as session:
        session.add_all(expired)
        await session.commit()

    async def expired_left() -> int:
        async with maker() as session:
            rows = await session.scalars(
                select(IdempotencyKey.id).where(IdempotencyKey.expires_at < now)
            )
            return len(list(rows))

    for round_no in range(2):
        key = str(uuid.uuid4())
        response = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
        assert response.status_code == 201, response.text
        assert await expired_left() == max(len(expired) - PURGE_BATCH * (round_no + 1), 0)
        # The key just used is live: its retry is still answered from the store.
        again = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
        assert again.headers["idempotent-replayed"] == "true"


def expired_row(owner: str, now: datetime) -> IdempotencyKey:
    return IdempotencyKey(
        id=uuid.uuid4(),
        owner=owner,
        key="stale",
        fingerprint="0" * 64,
        status_code=201,
        headers=[],
        body=b'{"secret": "whsec_old"}',
        created_at=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )
