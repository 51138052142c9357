"""No double sale, against a real server process on SQLite and on PostgreSQL: fifty buyers
order one pet at the same moment and exactly one order is placed, everyone else gets 409; a
buyer pays and cancels an order at the same moment and never keeps a charge on a cancelled
order whose pet is for sale again."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.accounts import PASSWORD, auth_of, login, sign_up_and_login
from tests.support.databases import empty_database
from tests.support.payments import pay_by_card, place_order
from tests.support.pets import PET
from tests.support.problems import PROBLEM_BASE
from tests.support.servers import (
    RunningServer,
    create_staff,
    petstore,
    run_server,
    server_env,
    server_limits,
)
from tests.support.settings import DATABASES

pytestmark = [pytest.mark.e2e]

BUYERS = 50
ROUNDS = 3  # three pets, one race each
PAY_CANCEL_RACES = 12
STAFF = "racestaff"


@pytest.fixture(scope="module")
def tenant() -> str:
    return str(uuid.uuid4())


@pytest.fixture(scope="module")
def other_tenant() -> str:
    """Where the pay/cancel race runs, so that it does not add to the other race's orders."""
    return str(uuid.uuid4())


@pytest.fixture(scope="module", params=DATABASES)
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    tenant: str,
    other_tenant: str,
) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp(f"race-{request.param}")
    with empty_database(request.param, root, "race") as url:
        env = server_env(url)
        petstore(env, "migrate")
        create_staff(env, STAFF, PASSWORD, tenant)
        create_staff(env, STAFF, PASSWORD, other_tenant)
        with run_server(env, root / "server.log", workers=1) as running:
            yield running


async def test_fifty_buyers_one_pet_one_sale(server: RunningServer, tenant: str) -> None:
    limits = server_limits(BUYERS * 2)
    async with httpx.AsyncClient(
        base_url=server.base_url, headers={"X-Tenant-ID": tenant}, timeout=60, limits=limits
    ) as client:
        staff = auth_of(await login(client, STAFF))
        buyers = [await sign_up_and_login(client) for _ in range(BUYERS)]
        buyer_ids = {buyer.id for buyer in buyers}
        assert len(buyer_ids) == BUYERS

        for round_no in range(ROUNDS):
            created = await client.post(
                "/v1/pets", json={**PET, "name": f"Contested {round_no}"}, headers=staff
            )
            assert created.status_code == 201, created.text
            pet_id = created.json()["id"]

            # Open one connection per buyer first, so the orders leave together.
            warm = await asyncio.gather(*(client.get("/healthz") for _ in range(BUYERS)))
            assert {r.status_code for r in warm} == {200}

            responses = await asyncio.gather(
                *(
                    client.post("/v1/orders", json={"petId": pet_id}, headers=buyer.auth)
                    for buyer in buyers
                )
            )
            statuses = Counter(r.status_code for r in responses)
            assert statuses == {201: 1, 409: BUYERS - 1}, (
                statuses,
                [r.text[:300] for r in responses if r.status_code not in (201, 409)],
            )
            for response in responses:
                if response.status_code == 409:
                    problem: dict[str, Any] = response.json()
                    assert response.headers["content-type"] == "application/problem+json"
                    assert problem["type"] == f"{PROBLEM_BASE}/conflict"
            winner = next(r.json() for r in responses if r.status_code == 201)
            assert winner["petId"] == pet_id
            assert winner["status"] == "PLACED"
            assert winner["userId"] in buyer_ids

            pet = await client.get(f"/v1/pets/{pet_id}")
            assert pet.json()["status"] == "PENDING"
            orders = await client.get(f"/v1/orders?petId={pet_id}", headers=staff)
            assert orders.status_code == 200, orders.text
            body = orders.json()
            assert body["pagination"]["totalItems"] == 1
            assert [o["id"] for o in body["data"]] == [winner["id"]]

        everything = await client.get("/v1/orders?limit=100", headers=staff)
        assert everything.json()["pagination"]["totalItems"] == ROUNDS
    assert " 500 " not in server.log()
    assert '"status": 500' not in server.log()


async def test_paying_and_cancelling_at_once_never_keeps_the_money(
    server: RunningServer, other_tenant: str
) -> None:
    """Regression: a cancel racing a payment (or following it) left the payment SUCCEEDED on a
    cancelled order while the pet went back on sale. Whichever request goes first, the order
    ends CANCELLED with the pet AVAILABLE, and either nothing was charged (the payment got 409)
    or the charge was refunded in full."""
    async with httpx.AsyncClient(
        base_url=server.base_url, headers={"X-Tenant-ID": other_tenant}, timeout=60
    ) as client:
        staff = auth_of(await login(client, STAFF))
        buyer = await sign_up_and_login(client)
        outcomes: Counter[str] = Counter()
        for round_no in range(PAY_CANCEL_RACES):
            created = await client.post(
                "/v1/pets", json={**PET, "name": f"Raced {round_no}"}, headers=staff
            )
            assert created.status_code == 201, created.text
            pet_id = created.json()["id"]
            order = await place_order(client, buyer.auth, pet_id)
            warm = await asyncio.gather(client.get("/healthz"), client.get("/healthz"))
            assert {r.status_code for r in warm} == {200}

            paid, cancelled = await asyncio.gather(
                pay_by_card(client, buyer.auth, order),
                client.delete(f"/v1/orders/{order['id']}", headers=buyer.auth),
            )
            assert cancelled.status_code == 204, cancelled.text
            assert paid.status_code in (201, 409), paid.text
            outcomes["paid, then refunded" if paid.status_code == 201 else "never charged"] += 1

            final = await client.get(f"/v1/orders/{order['id']}", headers=buyer.auth)
            assert final.json()["status"] == "CANCELLED"
            assert (await client.get(f"/v1/pets/{pet_id}")).json()["status"] == "AVAILABLE"
            attempts = await client.get(f"/v1/orders/{order['id']}/payments", headers=buyer.auth)
            payments = attempts.json()["data"]
            if paid.status_code == 409:
                assert payments == []
            else:
                [payment] = payments
                assert payment["status"] == "REFUNDED", payment
                assert payment["amountRefunded"] == payment["amount"]
                assert len(payment["refunds"]) == 1
    print(f"\npay/cancel races: {dict(outcomes)}")
    assert " 500 " not in server.log()
