"""Orders through HTTP, on every database: placing reserves the pet, visibility (own orders;
staff: all), cancelling, the staff lifecycle, and pet and order changing in one transaction."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from petstore.container import container_of
from petstore.core.database import WRITE_INTENT
from petstore.pets.models import Pet
from petstore.store import service as orders_service
from petstore.store.models import Order
from petstore.store.schemas import OrderCreate
from tests.support.accounts import Account, AccountFactory, principal_of
from tests.support.payments import card_payment
from tests.support.pets import MakePet
from tests.support.problems import assert_problem

BASE_URL = "http://petstore.test"  # where event links point when a test calls a service


MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


# --- helpers -----------------------------------------------------------------------------


async def place(
    client: httpx.AsyncClient, account: Account, pet_id: str, **extra: Any
) -> httpx.Response:
    return await client.post("/v1/orders", json={"petId": pet_id, **extra}, headers=account.auth)


async def place_ok(client: httpx.AsyncClient, account: Account, pet_id: str) -> dict[str, Any]:
    response = await place(client, account, pet_id)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def pet_status(client: httpx.AsyncClient, pet_id: str) -> str:
    response = await client.get(f"/v1/pets/{pet_id}")
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


async def get_order(client: httpx.AsyncClient, account: Account, order_id: str) -> httpx.Response:
    return await client.get(f"/v1/orders/{order_id}", headers=account.auth)


async def patch_status(
    client: httpx.AsyncClient, account: Account, order_id: str, status: str
) -> httpx.Response:
    return await client.patch(
        f"/v1/orders/{order_id}",
        content=orjson.dumps({"status": status}),
        headers={**account.auth, **MERGE_PATCH},
    )


async def pay(client: httpx.AsyncClient, account: Account, order: dict[str, Any]) -> None:
    """Approve the order the documented way: a successful card payment."""
    response = await client.post(
        f"/v1/orders/{order['id']}/payment", json=card_payment(order), headers=account.auth
    )
    assert response.status_code == 201, response.text
    assert (await get_order(client, account, order["id"])).json()["status"] == "APPROVED"


async def list_ids(client: httpx.AsyncClient, account: Account, query: str = "") -> list[str]:
    response = await client.get(f"/v1/orders?{query}", headers=account.auth)
    assert response.status_code == 200, response.text
    return [o["id"] for o in response.json()["data"]]


# --- placing an order --------------------------------------------------------------------


async def test_place_order_needs_only_pet_id(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet, tenant: str
) -> None:
    pet = await make_pet(price="75.50", currency="EUR")
    response = await client.post("/v1/orders", json={"petId": pet["id"]}, headers=user.auth)
    assert response.status_code == 201, response.text
    order = response.json()
    assert response.headers["location"] == f"http://petstore.test/v1/orders/{order['id']}"
    assert uuid.UUID(order["id"]).version == 7
    assert order["status"] == "PLACED"
    assert order["petId"] == pet["id"]
    assert order["userId"] == user.id
    assert (order["totalAmount"], order["currency"]) == ("75.50", "EUR")
    assert order["tenantId"] == tenant
    assert order["links"]["self"] == response.headers["location"]
    assert await pet_status(client, pet["id"]) == "PENDING"
    fetched = await get_order(client, user, order["id"])
    assert fetched.status_code == 200
    assert fetched.json() == order


async def test_the_amount_is_the_pets_whatever_the_body_says(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    pet = await make_pet(price="300.00", currency="USD")
    response = await place(client, user, pet["id"], totalAmount="1.00", currency="EUR")
    assert response.status_code == 201, response.text
    assert (response.json()["totalAmount"], response.json()["currency"]) == ("300.00", "USD")


async def test_staff_may_order_for_an_existing_user(
    client: httpx.AsyncClient, staff: Account, user: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    response = await place(client, staff, pet["id"], userId=user.id)
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["userId"] == user.id
    # It is the user's order now: they see it, and it is not the staff member's own.
    assert (await get_order(client, user, order["id"])).status_code == 200
    assert await list_ids(client, user) == [order["id"]]
    assert await list_ids(client, staff, f"userId={staff.id}") == []


async def test_staff_order_for_an_unknown_user_is_404(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    response = await place(client, staff, pet["id"], userId=str(uuid.uuid4()))
    assert_problem(response, 404, "not-found")
    assert await pet_status(client, pet["id"]) == "AVAILABLE"
    assert await list_ids(client, staff, f"petId={pet['id']}") == []


async def test_a_user_cannot_order_for_someone_else(
    client: httpx.AsyncClient, make_account: AccountFactory, make_pet: MakePet
) -> None:
    buyer = await make_account()
    other = await make_account()
    pet = await make_pet()
    response = await place(client, buyer, pet["id"], userId=other.id)
    assert_problem(response, 403, "forbidden")
    assert await pet_status(client, pet["id"]) == "AVAILABLE"
    # Naming yourself is fine.
    own = await place(client, buyer, pet["id"], userId=buyer.id)
    assert own.status_code == 201, own.text
    assert own.json()["userId"] == buyer.id


@pytest.mark.parametrize("status", ["PENDING", "ADOPTED", "NOT_AVAILABLE"])
async def test_only_available_pets_can_be_ordered(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet, status: str
) -> None:
    pet = await make_pet(status=status)
    body = assert_problem(await place(client, user, pet["id"]), 409, "conflict")
    assert body["petStatus"] == status
    assert await pet_status(client, pet["id"]) == status
    assert await list_ids(client, user) == []


async def test_a_pet_stored_without_a_price_cannot_be_ordered(
    app: FastAPI, client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    """A price of 0 was accepted before prices had to be greater than zero; an order for such
    a pet could never be paid (a payment of 0 is refused), so it is not placed."""
    pet = await make_pet()
    async with container_of(app).sessionmaker() as session, session.begin():
        stored = await session.get(Pet, uuid.UUID(pet["id"]))
        assert stored is not None
        stored.price_minor = 0
    body = assert_problem(await place(client, user, pet["id"]), 409, "conflict")
    assert body["petPrice"] == "0.00"
    assert await pet_status(client, pet["id"]) == "AVAILABLE"
    assert await list_ids(client, user) == []


async def test_a_reserved_pet_cannot_be_ordered_twice(
    client: httpx.AsyncClient, make_account: AccountFactory, make_pet: MakePet
) -> None:
    first, second = await make_account(), await make_account()
    pet = await make_pet()
    await place_ok(client, first, pet["id"])
    body = assert_problem(await place(client, second, pet["id"]), 409, "conflict")
    assert body["petStatus"] == "PENDING"
    assert await list_ids(client, second) == []


async def test_unknown_or_malformed_pet(client: httpx.AsyncClient, user: Account) -> None:
    assert_problem(await place(client, user, str(uuid.uuid4())), 404, "not-found")
    assert_problem(await place(client, user, "not-a-uuid"), 422, "validation-error")
    missing = await client.post("/v1/orders", json={}, headers=user.auth)
    body = assert_problem(missing, 422, "validation-error")
    assert body["errors"][0]["field"] == "petId"


async def test_orders_need_a_token_before_anything_else(
    client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    pet = await make_pet()
    assert_problem(await client.post("/v1/orders", json={"petId": pet["id"]}), 401, "unauthorized")
    broken = await client.post(
        "/v1/orders", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(broken, 401, "unauthorized")
    assert_problem(await client.get("/v1/orders"), 401, "unauthorized")
    assert await pet_status(client, pet["id"]) == "AVAILABLE"


# --- reading orders ----------------------------------------------------------------------


async def test_users_see_their_own_orders_staff_see_all(
    client: httpx.AsyncClient, make_account: AccountFactory, staff: Account, make_pet: MakePet
) -> None:
    alice, bob = await make_account(), await make_account()
    a1 = await place_ok(client, alice, (await make_pet(name="A1"))["id"])
    a2 = await place_ok(client, alice, (await make_pet(name="A2"))["id"])
    b1 = await place_ok(client, bob, (await make_pet(name="B1"))["id"])

    assert await list_ids(client, alice) == [a2["id"], a1["id"]]  # newest first
    assert await list_ids(client, bob) == [b1["id"]]
    # userId is ignored for non-staff: Alice still sees only her own orders.
    assert await list_ids(client, alice, f"userId={bob.id}") == [a2["id"], a1["id"]]
    assert await list_ids(client, staff) == [b1["id"], a2["id"], a1["id"]]
    assert await list_ids(client, staff, f"userId={bob.id}") == [b1["id"]]
    assert await list_ids(client, staff, f"petId={a1['petId']}") == [a1["id"]]
    assert await list_ids(client, bob, f"petId={a1['petId']}") == []

    # One-order views: owner and staff yes, anyone else 404 (not 403: ids do not leak).
    assert (await get_order(client, alice, a1["id"])).json()["id"] == a1["id"]
    assert (await get_order(client, staff, a1["id"])).status_code == 200
    assert_problem(await get_order(client, bob, a1["id"]), 404, "not-found")
    assert_problem(await get_order(client, alice, str(uuid.uuid4())), 404, "not-found")
    assert_problem(await get_order(client, alice, "nope"), 400, "bad-request")


async def test_status_filter_is_case_insensitive(
    client: httpx.AsyncClient, user: Account, staff: Account, make_pet: MakePet
) -> None:
    kept = await place_ok(client, user, (await make_pet())["id"])
    cancelled = await place_ok(client, user, (await make_pet())["id"])
    delete = await client.delete(f"/v1/orders/{cancelled['id']}", headers=user.auth)
    assert delete.status_code == 204
    assert await list_ids(client, user, "status=placed") == [kept["id"]]
    assert await list_ids(client, user, "status=PLACED") == [kept["id"]]
    assert await list_ids(client, user, "status=Cancelled") == [cancelled["id"]]
    assert await list_ids(client, user, "status=delivered") == []
    assert await list_ids(client, staff, "status=cancelled") == [cancelled["id"]]
    bad = await client.get("/v1/orders?status=LOST", headers=user.auth)
    assert_problem(bad, 400, "bad-request")


async def test_order_list_pagination_and_link_header(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    placed = [await place_ok(client, user, (await make_pet())["id"]) for _ in range(3)]
    newest_first = [o["id"] for o in reversed(placed)]
    first = await client.get("/v1/orders?limit=2&status=placed", headers=user.auth)
    assert first.status_code == 200
    body = first.json()
    assert [o["id"] for o in body["data"]] == newest_first[:2]
    assert body["pagination"] == {"page": 1, "limit": 2, "totalItems": 3, "totalPages": 2}
    assert body["links"]["prev"] is None
    assert body["links"]["next"] == "http://petstore.test/v1/orders?status=placed&page=2&limit=2"
    assert f'<{body["links"]["next"]}>; rel="next"' in first.headers["link"]
    second = await client.get(body["links"]["next"], headers=user.auth)
    assert [o["id"] for o in second.json()["data"]] == newest_first[2:]
    assert second.json()["links"]["next"] is None
    assert 'rel="prev"' in second.headers["link"]
    assert_problem(await client.get("/v1/orders?limit=101", headers=user.auth), 400, "bad-request")


# --- cancelling --------------------------------------------------------------------------


async def test_delete_cancels_keeps_the_order_and_frees_the_pet(
    client: httpx.AsyncClient, make_account: AccountFactory, make_pet: MakePet
) -> None:
    buyer, other = await make_account(), await make_account()
    pet = await make_pet()
    order = await place_ok(client, buyer, pet["id"])

    assert_problem(
        await client.delete(f"/v1/orders/{order['id']}", headers=other.auth), 404, "not-found"
    )
    assert await pet_status(client, pet["id"]) == "PENDING"

    response = await client.delete(f"/v1/orders/{order['id']}", headers=buyer.auth)
    assert response.status_code == 204
    assert response.content == b""
    kept = await get_order(client, buyer, order["id"])
    assert kept.status_code == 200
    assert kept.json()["status"] == "CANCELLED"
    assert await pet_status(client, pet["id"]) == "AVAILABLE"

    again = await client.delete(f"/v1/orders/{order['id']}", headers=buyer.auth)
    assert again.status_code == 204  # a no-op, not an error
    assert (await get_order(client, buyer, order["id"])).json()["status"] == "CANCELLED"
    assert await pet_status(client, pet["id"]) == "AVAILABLE"

    # The pet is really free: someone else can order it now.
    second = await place_ok(client, other, pet["id"])
    assert await pet_status(client, pet["id"]) == "PENDING"
    # ...and cancelling the old order again does not free the pet under the new buyer.
    assert (await client.delete(f"/v1/orders/{order['id']}", headers=buyer.auth)).status_code == 204
    assert await pet_status(client, pet["id"]) == "PENDING"
    assert (await get_order(client, other, second["id"])).json()["status"] == "PLACED"


async def test_a_paid_order_is_cancelled_with_a_refund_and_frees_the_pet(
    client: httpx.AsyncClient, user: Account, make_account: AccountFactory, make_pet: MakePet
) -> None:
    """Regression: cancelling an APPROVED order left its payment SUCCEEDED, unrefunded, while
    the pet was sold again. The refund itself is tested in tests/payments/test_refunds.py."""
    pet = await make_pet()
    order = await place_ok(client, user, pet["id"])
    await pay(client, user, order)
    assert (await client.delete(f"/v1/orders/{order['id']}", headers=user.auth)).status_code == 204
    assert (await get_order(client, user, order["id"])).json()["status"] == "CANCELLED"
    assert await pet_status(client, pet["id"]) == "AVAILABLE"
    payments = await client.get(f"/v1/orders/{order['id']}/payments", headers=user.auth)
    assert [p["status"] for p in payments.json()["data"]] == ["REFUNDED"]
    await place_ok(client, await make_account(), pet["id"])  # free for someone else


@pytest.mark.parametrize(
    ("moves", "pet_after"),
    [(("SHIPPED",), "PENDING"), (("SHIPPED", "DELIVERED"), "ADOPTED")],
    ids=["shipped", "delivered"],
)
async def test_shipped_and_delivered_orders_cannot_be_cancelled(
    client: httpx.AsyncClient,
    user: Account,
    staff: Account,
    make_pet: MakePet,
    moves: tuple[str, ...],
    pet_after: str,
) -> None:
    pet = await make_pet()
    order = await place_ok(client, user, pet["id"])
    await pay(client, user, order)
    for status in moves:
        assert (await patch_status(client, staff, order["id"], status)).status_code == 200
    url = f"/v1/orders/{order['id']}"
    refusals = [
        await client.delete(url, headers=user.auth),
        await client.delete(url, headers=staff.auth),
    ]
    refusals.append(await patch_status(client, staff, order["id"], "CANCELLED"))
    for response in refusals:
        body = assert_problem(response, 409, "conflict")
        assert (body["currentStatus"], body["requestedStatus"]) == (moves[-1], "CANCELLED")
        assert "Only PLACED and APPROVED orders can be cancelled" in body["detail"]
    assert (await get_order(client, user, order["id"])).json()["status"] == moves[-1]
    assert await pet_status(client, pet["id"]) == pet_after
    payments = await client.get(f"{url}/payments", headers=user.auth)
    assert [p["status"] for p in payments.json()["data"]] == ["SUCCEEDED"]


# --- the staff lifecycle -----------------------------------------------------------------


async def test_staff_move_an_order_through_its_lifecycle(
    client: httpx.AsyncClient, user: Account, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    order = await place_ok(client, user, pet["id"])

    # Users may not move orders, not even their own.
    assert_problem(await patch_status(client, user, order["id"], "CANCELLED"), 403, "forbidden")
    assert (await get_order(client, user, order["id"])).json()["status"] == "PLACED"

    skipped = await patch_status(client, staff, order["id"], "SHIPPED")
    body = assert_problem(skipped, 409, "conflict")
    assert (body["currentStatus"], body["requestedStatus"]) == ("PLACED", "SHIPPED")
    assert "PLACED" in body["detail"]
    assert "SHIPPED" in body["detail"]
    assert (await get_order(client, user, order["id"])).json()["status"] == "PLACED"

    await pay(client, user, order)
    assert await pet_status(client, pet["id"]) == "PENDING"

    shipped = await patch_status(client, staff, order["id"], "shipped")
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["status"] == "SHIPPED"
    assert shipped.json()["id"] == order["id"]
    assert await pet_status(client, pet["id"]) == "PENDING"

    backwards = await patch_status(client, staff, order["id"], "APPROVED")
    body = assert_problem(backwards, 409, "conflict")
    assert (body["currentStatus"], body["requestedStatus"]) == ("SHIPPED", "APPROVED")

    delivered = await patch_status(client, staff, order["id"], "DELIVERED")
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["status"] == "DELIVERED"
    assert await pet_status(client, pet["id"]) == "ADOPTED"

    for target in ("PLACED", "APPROVED", "SHIPPED", "CANCELLED"):
        response = await patch_status(client, staff, order["id"], target)
        body = assert_problem(response, 409, "conflict")
        assert (body["currentStatus"], body["requestedStatus"]) == ("DELIVERED", target)
    assert (await get_order(client, staff, order["id"])).json()["status"] == "DELIVERED"
    assert await pet_status(client, pet["id"]) == "ADOPTED"


async def test_patch_checks_status_value_and_order(
    client: httpx.AsyncClient, user: Account, staff: Account, make_pet: MakePet
) -> None:
    order = await place_ok(client, user, (await make_pet())["id"])
    assert_problem(await patch_status(client, staff, order["id"], "LOST"), 422, "validation-error")
    assert_problem(
        await patch_status(client, staff, str(uuid.uuid4()), "SHIPPED"), 404, "not-found"
    )
    unauthenticated = await client.patch(
        f"/v1/orders/{order['id']}", content=b'{"status": "SHIPPED"}', headers=MERGE_PATCH
    )
    assert_problem(unauthenticated, 401, "unauthorized")


# --- atomicity: the pet and the order change in one transaction ---------------------------


async def stored_state(app: FastAPI, tenant: str, pet_id: str) -> tuple[str | None, int]:
    """The pet's status and the number of orders for it, read in a fresh session."""
    pid = uuid.UUID(pet_id)
    async with container_of(app).sessionmaker() as session:
        status = await session.scalar(select(Pet.status).where(Pet.id == pid))
        count = await session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.tenant == tenant, Order.pet_id == pid)
        )
    return status, int(count or 0)


async def test_nothing_is_written_until_the_transaction_commits(
    app: FastAPI, client: httpx.AsyncClient, tenant: str, user: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    buyer = principal_of(user, tenant)

    class LaterStepError(Exception):
        pass

    async def place_then_fail() -> None:
        async with container_of(app).sessionmaker() as session:
            await session.connection(execution_options={WRITE_INTENT: True})
            order = await orders_service.place_order(
                session, buyer, tenant, OrderCreate(petId=uuid.UUID(pet["id"])), BASE_URL
            )
            assert order.status == "PLACED"
            # Another connection sees neither change yet: both are in this transaction.
            assert await stored_state(app, tenant, pet["id"]) == ("AVAILABLE", 0)
            raise LaterStepError  # a later step of the request fails: the session rolls back

    with pytest.raises(LaterStepError):
        await place_then_fail()
    assert await stored_state(app, tenant, pet["id"]) == ("AVAILABLE", 0)
    assert await pet_status(client, pet["id"]) == "AVAILABLE"

    # Control: the same calls, committed, do change both together.
    async with container_of(app).sessionmaker() as session:
        await session.connection(execution_options={WRITE_INTENT: True})
        await orders_service.place_order(
            session, buyer, tenant, OrderCreate(petId=uuid.UUID(pet["id"])), BASE_URL
        )
        await session.commit()
    assert await stored_state(app, tenant, pet["id"]) == ("PENDING", 1)


async def test_an_explicit_transaction_is_atomic_outside_requests(
    app: FastAPI, client: httpx.AsyncClient, tenant: str, user: Account, make_pet: MakePet
) -> None:
    """Code outside a request (the CLI, background jobs) uses ``session.begin()`` without the
    request's write-intent option: that must still be one transaction on every database."""
    pet = await make_pet()
    buyer = principal_of(user, tenant)

    class LaterStepError(Exception):
        pass

    async def place_then_fail() -> None:
        async with container_of(app).sessionmaker() as session, session.begin():
            await orders_service.place_order(
                session, buyer, tenant, OrderCreate(petId=uuid.UUID(pet["id"])), BASE_URL
            )
            raise LaterStepError

    with pytest.raises(LaterStepError):
        await place_then_fail()
    assert await stored_state(app, tenant, pet["id"]) == ("AVAILABLE", 0)
    assert await pet_status(client, pet["id"]) == "AVAILABLE"
