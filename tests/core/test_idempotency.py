"""``Idempotency-Key`` on POST, through HTTP on every database.

What the middleware does (``core/idempotency.py``): the key is reserved per caller (tenant +
user id, else client IP) before the request runs; every answer below 500 is stored and
replayed for the same key and the same request, 4xx answers included, so a key that met a
validation error stays bound to that failed request (a corrected body needs a new key).
Answers of 500 and above release the key so the client may retry.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.support.accounts import Account, AccountFactory
from tests.support.pets import PET
from tests.support.problems import assert_problem


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


async def test_client_errors_are_stored_and_replayed(
    client: httpx.AsyncClient, staff: Account
) -> None:
    key = str(uuid.uuid4())
    invalid = {**PET, "ageMonths": -1}
    first = await client.post("/v1/pets", json=invalid, headers=keyed(staff, key))
    assert_problem(first, 422, "validation-error")
    assert "idempotent-replayed" not in first.headers
    second = await client.post("/v1/pets", json=invalid, headers=keyed(staff, key))
    assert_problem(second, 422, "validation-error")
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    # The key stays bound to the failed request: a corrected body needs a new key.
    corrected = await client.post("/v1/pets", json=PET, headers=keyed(staff, key))
    assert_problem(corrected, 422, "idempotency-key-reused")
    assert await pet_count(client) == 0
    fresh = await client.post("/v1/pets", json=PET, headers=keyed(staff, str(uuid.uuid4())))
    assert fresh.status_code == 201


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
