"""Inventory figures through HTTP, on every database: exact counts, per tenant."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI

from tests.support.accounts import Account, sign_up_and_login
from tests.support.apps import make_client
from tests.support.pets import MakePet
from tests.support.problems import assert_problem


def zeros() -> dict[str, int]:
    return {"available": 0, "pending": 0, "adopted": 0, "notAvailable": 0, "total": 0}


@pytest.fixture
async def stocked(
    client: httpx.AsyncClient, make_pet: MakePet, staff: Account, user: Account
) -> None:
    """DOG: 3 available, 1 pending (by an order), 1 adopted; CAT: 1 available, 2 not available,
    1 pending (created so); RABBIT: 1 adopted."""
    for _ in range(4):
        await make_pet(species="DOG")
    await make_pet(species="DOG", status="ADOPTED")
    await make_pet(species="cat")
    await make_pet(species="CAT", status="NOT_AVAILABLE")
    await make_pet(species="CAT", status="not_available")
    await make_pet(species="CAT", status="PENDING")
    await make_pet(species="RABBIT", status="ADOPTED")
    dogs = await client.get("/v1/pets?species=DOG")
    ordered = await client.post(
        "/v1/orders", json={"petId": dogs.json()["data"][0]["id"]}, headers=user.auth
    )
    assert ordered.status_code == 201, ordered.text


@pytest.mark.usefixtures("stocked")
async def test_inventories_counts_every_status(
    client: httpx.AsyncClient, user: Account, staff: Account
) -> None:
    for who in (user, staff):
        response = await client.get("/v1/inventories", headers=who.auth)
        assert response.status_code == 200, response.text
        assert response.json() == {"AVAILABLE": 4, "PENDING": 2, "ADOPTED": 2, "NOT_AVAILABLE": 2}


@pytest.mark.usefixtures("stocked")
async def test_inventories_status_filter(client: httpx.AsyncClient, user: Account) -> None:
    async def counts(query: str) -> dict[str, int]:
        response = await client.get(f"/v1/inventories?{query}", headers=user.auth)
        assert response.status_code == 200, (query, response.text)
        return response.json()  # type: ignore[no-any-return]

    assert await counts("status=AVAILABLE,PENDING") == {"AVAILABLE": 4, "PENDING": 2}
    assert await counts("status=adopted&status=Not_Available") == {
        "ADOPTED": 2,
        "NOT_AVAILABLE": 2,
    }
    assert await counts("status=pending") == {"PENDING": 2}
    bad = await client.get("/v1/inventories?status=SOLD", headers=user.auth)
    assert_problem(bad, 400, "bad-request")


@pytest.mark.usefixtures("stocked")
async def test_inventory_summary_exact_numbers(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.get("/v1/inventory", headers=user.auth)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "available": 4,
        "pending": 2,
        "adopted": 2,
        "notAvailable": 2,
        "total": 10,
        "bySpecies": {
            "DOG": {"available": 3, "pending": 1, "adopted": 1, "notAvailable": 0, "total": 5},
            "CAT": {"available": 1, "pending": 1, "adopted": 0, "notAvailable": 2, "total": 4},
            "RABBIT": {"available": 0, "pending": 0, "adopted": 1, "notAvailable": 0, "total": 1},
        },
    }


@pytest.mark.usefixtures("stocked")
async def test_inventory_follows_orders(
    client: httpx.AsyncClient, user: Account, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet(species="BIRD")
    order = await client.post("/v1/orders", json={"petId": pet["id"]}, headers=user.auth)
    assert order.status_code == 201
    summary = (await client.get("/v1/inventory", headers=user.auth)).json()
    assert summary["bySpecies"]["BIRD"] == {**zeros(), "pending": 1, "total": 1}
    assert (summary["pending"], summary["total"]) == (3, 11)
    cancel = await client.delete(f"/v1/orders/{order.json()['id']}", headers=user.auth)
    assert cancel.status_code == 204
    summary = (await client.get("/v1/inventory", headers=user.auth)).json()
    assert summary["bySpecies"]["BIRD"] == {**zeros(), "available": 1, "total": 1}
    assert (summary["available"], summary["pending"]) == (5, 2)
    assert (await client.get("/v1/inventories", headers=user.auth)).json()["AVAILABLE"] == 5


@pytest.mark.usefixtures("stocked")
async def test_inventory_is_tenant_scoped(app: FastAPI) -> None:
    async with make_client(app, str(uuid.uuid4())) as other:
        auth = (await sign_up_and_login(other)).auth
        by_status = await other.get("/v1/inventories", headers=auth)
        assert by_status.status_code == 200, by_status.text
        assert by_status.json() == {"AVAILABLE": 0, "PENDING": 0, "ADOPTED": 0, "NOT_AVAILABLE": 0}
        summary = await other.get("/v1/inventory", headers=auth)
        assert summary.json() == {**zeros(), "bySpecies": {}}


async def test_an_empty_tenant_has_zero_everywhere(
    client: httpx.AsyncClient, user: Account
) -> None:
    response = await client.get("/v1/inventory", headers=user.auth)
    assert response.json() == {**zeros(), "bySpecies": {}}


@pytest.mark.usefixtures("stocked")
async def test_inventory_needs_a_token(client: httpx.AsyncClient) -> None:
    for path in ("/v1/inventories", "/v1/inventory", "/v1/inventories?status=AVAILABLE"):
        assert_problem(await client.get(path), 401, "unauthorized")
        bad_token = await client.get(path, headers={"Authorization": "Bearer nope"})
        assert_problem(bad_token, 401, "unauthorized")
