"""GraphQL subscriptions over ``graphql-transport-ws``, end to end: a real WebSocket client on
one server process hears what a REST call commits on another, when both share PostgreSQL, or
SQLite and Redis; tenant-scoped and permission-checked."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.accounts import PASSWORD, Account, login, new_user
from tests.support.databases import empty_database, redis_database
from tests.support.graphql import Subscription, subscribe
from tests.support.pets import PET
from tests.support.servers import RunningServer, create_staff, petstore, run_server, server_env
from tests.support.settings import POSTGRES_URL, REDIS_URL

pytestmark = pytest.mark.e2e

REDIS_DB = 8  # pub/sub only: nothing is stored there
SHARED = [
    pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="no PostgreSQL")),
    pytest.param("sqlite+redis", marks=pytest.mark.skipif(not REDIS_URL, reason="no Redis")),
]
PET_STATUS = """subscription($petId: ID) { petStatusChanged(petId: $petId) {
    eventId eventType pet { id status } previousStatus } }"""
ORDER_STATUS = "subscription { orderStatusChanged { eventType order { id status userId } } }"
PET_ADDED = "subscription { petAdded { id name } }"


@dataclass
class Pair:
    """Two server processes on one database, each with a REST client in one tenant."""

    a: RunningServer
    b: RunningServer
    tenant: str
    staff: Account

    def rest(self, server: RunningServer) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=server.base_url, headers={"X-Tenant-ID": self.tenant}, timeout=30
        )

    @property
    def init(self) -> dict[str, str]:
        return {"X-Tenant-ID": self.tenant}


@pytest.fixture(scope="module", params=SHARED)
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    root = tmp_path_factory.mktemp("graphql-pair")
    backend = "postgres" if request.param == "postgres" else "sqlite"
    tenant = str(uuid.uuid4())
    with empty_database(backend, root, "gqlpair") as url, ExitStack() as stack:
        extra = {} if backend == "postgres" else {"PETSTORE_REDIS_URL": redis_database(REDIS_DB)}
        env = server_env(url, PETSTORE_READ_CACHE="false", **extra)
        petstore(env, "migrate")
        create_staff(env, "gqlstaff", PASSWORD, tenant)
        a = stack.enter_context(run_server(env, root / "a.log"))
        b = stack.enter_context(run_server(env, root / "b.log"))
        with httpx.Client(base_url=a.base_url, headers={"X-Tenant-ID": tenant}) as client:
            staff = Account.logged_in(login(client, "gqlstaff"), "gqlstaff", PASSWORD)
        yield Pair(a, b, tenant, staff)
        for server in (a, b):
            assert "Traceback" not in server.log()


async def heard(
    subscription: Subscription, change: Callable[[], Awaitable[Any]], within: float = 60
) -> dict[str, Any]:
    """Make ``change`` until the subscription hears of one (it may start listening a moment
    after its ``subscribe`` was sent: the protocol has no acknowledgement for that)."""
    deadline = time.monotonic() + within
    while True:
        await change()
        try:
            return await subscription.next(within=1.0)
        except TimeoutError:
            if time.monotonic() > deadline:
                raise


async def _customer(client: httpx.AsyncClient) -> Account:
    body = new_user()
    assert (await client.post("/v1/users", json=body)).status_code == 201
    answer = await client.post(
        "/v1/auth/tokens", json={"username": body["username"], "password": PASSWORD}
    )
    return Account.logged_in(answer, body["username"], PASSWORD)


async def test_a_change_on_one_instance_is_heard_on_the_other(pair: Pair) -> None:
    async with pair.rest(pair.b) as rest:
        pet = (await rest.post("/v1/pets", json=PET, headers=pair.staff.auth)).json()
        statuses = iter(["NOT_AVAILABLE", "AVAILABLE"] * 100)

        async def toggle() -> None:
            patch = {"status": next(statuses)}
            headers = {**pair.staff.auth, "Content-Type": "application/merge-patch+json"}
            assert (
                await rest.patch(f"/v1/pets/{pet['id']}", json=patch, headers=headers)
            ).status_code == 200

        async with subscribe(pair.a.base_url, PET_STATUS, {"petId": pet["id"]}, pair.init) as sub:
            first = await heard(sub, toggle)
            event = first["data"]["petStatusChanged"]
            assert event["eventType"] == "pet.statusChanged"
            assert event["pet"]["id"] == pet["id"]
            await toggle()  # now listening: every change is heard, in order
            second = (await sub.next())["data"]["petStatusChanged"]
            assert second["previousStatus"] == event["pet"]["status"]


async def test_pets_added_elsewhere_are_heard(pair: Pair) -> None:
    async with pair.rest(pair.b) as rest:

        async def add() -> None:
            assert (
                await rest.post("/v1/pets", json=PET, headers=pair.staff.auth)
            ).status_code == 201

        async with subscribe(pair.a.base_url, PET_ADDED, init=pair.init) as sub:
            added = await heard(sub, add)
            assert added["data"]["petAdded"]["name"] == PET["name"]


async def test_a_user_hears_only_their_own_orders(pair: Pair) -> None:
    async with pair.rest(pair.b) as rest:
        me, other = await _customer(rest), await _customer(rest)

        async def order_for(account: Account) -> str:
            pet = (await rest.post("/v1/pets", json=PET, headers=pair.staff.auth)).json()
            placed = await rest.post("/v1/orders", json={"petId": pet["id"]}, headers=account.auth)
            assert placed.status_code == 201, placed.text
            return str(placed.json()["id"])

        async def my_order() -> None:
            await order_for(me)

        init = {**pair.init, "Authorization": f"Bearer {me.token}"}
        async with subscribe(pair.a.base_url, ORDER_STATUS, init=init) as sub:
            await heard(sub, my_order)  # listening now
            theirs = await order_for(other)
            assert (
                await rest.delete(f"/v1/orders/{theirs}", headers=other.auth)
            ).status_code == 204
            mine = await order_for(me)
            event = (await sub.next())["data"]["orderStatusChanged"]
            assert event["order"]["userId"] == me.id  # the other user's changes never came
            assert event["order"]["id"] == mine


async def _open(base_url: str, init: dict[str, str]) -> None:
    async with subscribe(base_url, ORDER_STATUS, init=init) as sub:
        await sub.next()


async def test_subscriptions_refuse_bad_credentials_and_unknown_pets(pair: Pair) -> None:
    bad = {**pair.init, "Authorization": "Bearer forged"}
    with pytest.raises(ConnectionClosed) as closed:
        await _open(pair.a.base_url, bad)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    async with subscribe(pair.a.base_url, ORDER_STATUS, init=pair.init) as anonymous:
        refused = await anonymous.next()
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with subscribe(
        pair.a.base_url, PET_STATUS, {"petId": str(uuid.uuid4())}, pair.init
    ) as sub:
        refused = await sub.next()
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
