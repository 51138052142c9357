"""GraphQL writes through HTTP against the real app, on SQLite and PostgreSQL: the REST rules,
scopes, tenancy and BOLA apply; an operation is one transaction."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.accounts import Account, AccountFactory, bearer
from tests.support.graphql import codes, data_of, gql
from tests.support.payments import DECLINED_CARD, VISA, YEAR
from tests.support.pets import MakePet

CREATE = """mutation($input: PetInput!) { createPet(input: $input) {
    id name species price currency status goodWithKids medicalInfo { vaccinated } } }"""
PET_INPUT = {"name": "Graph", "species": "CAT", "ageMonths": 12, "price": "45.50",
             "goodWithKids": True, "medicalInfo": {"vaccinated": True}}  # fmt: skip
UPDATE = """mutation($id: ID!, $input: PetUpdateInput!) {
    updatePet(id: $id, input: $input) { name breed price } }"""
DELETE = "mutation($id: ID!) { deletePet(id: $id) }"
PLACE = """mutation($petId: ID!) {
    placeOrder(input: {petId: $petId}) { id status totalAmount pet { status } } }"""
CANCEL = "mutation($id: ID!) { cancelOrder(id: $id) { id status } }"
PAY = """mutation($input: PayOrderInput!) { payOrder(input: $input) {
    id status amount last4 brand method receiptId failureMessage } }"""


def card(order: dict[str, Any], number: str = VISA) -> dict[str, Any]:
    source = {"card": {"name": "Ada", "number": number, "expMonth": 12, "expYear": YEAR + 2}}
    return {
        "orderId": order["id"],
        "amount": order["totalAmount"],
        "currency": "USD",
        "source": source,
    }


async def test_staff_create_update_and_delete_a_pet(
    client: httpx.AsyncClient, staff: Account
) -> None:
    pet = data_of(await gql(client, CREATE, {"input": PET_INPUT}, staff.auth))["createPet"]
    assert pet["name"] == "Graph"
    assert (pet["species"], pet["price"], pet["currency"], pet["status"]) == (
        "CAT",
        "45.50",
        "USD",
        "AVAILABLE",
    )
    assert (await client.get(f"/v1/pets/{pet['id']}")).json()["goodWithKids"] is True

    changed = await gql(
        client, UPDATE, {"id": pet["id"], "input": {"breed": "Siamese", "price": "50"}}, staff.auth
    )
    assert data_of(changed)["updatePet"] == {"name": "Graph", "breed": "Siamese", "price": "50.00"}
    cleared = await gql(client, UPDATE, {"id": pet["id"], "input": {"breed": None}}, staff.auth)
    assert data_of(cleared)["updatePet"]["breed"] is None
    required = await gql(client, UPDATE, {"id": pet["id"], "input": {"name": None}}, staff.auth)
    assert codes(required) == ["BAD_USER_INPUT"]

    assert data_of(await gql(client, DELETE, {"id": pet["id"]}, staff.auth)) == {"deletePet": True}
    assert (await client.get(f"/v1/pets/{pet['id']}")).status_code == 404
    again = await gql(client, DELETE, {"id": pet["id"]}, staff.auth)
    assert codes(again) == ["NOT_FOUND"]


async def test_pet_writes_need_staff_and_valid_input(
    client: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    assert codes(await gql(client, CREATE, {"input": PET_INPUT})) == ["UNAUTHENTICATED"]
    denied = await gql(client, CREATE, {"input": PET_INPUT}, user.auth)
    assert codes(denied) == ["FORBIDDEN"]
    assert "write:pets" in denied["errors"][0]["message"]
    bad = await gql(
        client, CREATE, {"input": {**PET_INPUT, "ageMonths": -3, "price": "1.001"}}, staff.auth
    )
    assert codes(bad) == ["BAD_USER_INPUT"]
    fields = {e["field"] for e in bad["errors"][0]["extensions"]["errors"]}
    assert {"input.ageMonths", "input.price"} <= fields
    wrong_type = await gql(
        client, CREATE, {"input": {**PET_INPUT, "ageMonths": "twelve"}}, staff.auth
    )
    assert codes(wrong_type) == ["BAD_USER_INPUT"]  # a variable of the wrong type


async def test_orders_place_cancel_and_conflict(
    client: httpx.AsyncClient, make_account: AccountFactory, make_pet: MakePet
) -> None:
    buyer, rival = await make_account(), await make_account()
    pet = await make_pet(price="42.00")
    order = data_of(await gql(client, PLACE, {"petId": pet["id"]}, buyer.auth))["placeOrder"]
    assert order["status"] == "PLACED"
    assert order["totalAmount"] == "42.00"
    assert order["pet"] == {"status": "PENDING"}
    taken = await gql(client, PLACE, {"petId": pet["id"]}, rival.auth)
    assert codes(taken) == ["CONFLICT"]
    assert taken["errors"][0]["extensions"]["petStatus"] == "PENDING"
    assert codes(await gql(client, CANCEL, {"id": order["id"]}, rival.auth)) == ["NOT_FOUND"]
    cancelled = data_of(await gql(client, CANCEL, {"id": order["id"]}, buyer.auth))["cancelOrder"]
    assert cancelled["status"] == "CANCELLED"
    assert (await client.get(f"/v1/pets/{pet['id']}")).json()["status"] == "AVAILABLE"


async def test_pay_order_masks_the_card_and_records_a_decline(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    order = data_of(await gql(client, PLACE, {"petId": (await make_pet())["id"]}, user.auth))[
        "placeOrder"
    ]
    declined = data_of(await gql(client, PAY, {"input": card(order, DECLINED_CARD)}, user.auth))[
        "payOrder"
    ]
    assert declined["status"] == "FAILED"
    assert declined["failureMessage"]
    paid = data_of(await gql(client, PAY, {"input": card(order)}, user.auth))["payOrder"]
    assert (paid["status"], paid["last4"], paid["method"]) == ("SUCCEEDED", "4242", "card")
    assert paid["receiptId"]
    attempts = (await client.get(f"/v1/orders/{order['id']}/payments", headers=user.auth)).json()
    assert [a["status"] for a in attempts["data"]] == ["FAILED", "SUCCEEDED"]
    wrong = await gql(client, PAY, {"input": {**card(order), "amount": "1.00"}}, user.auth)
    assert codes(wrong) == ["BAD_USER_INPUT"]
    both = {**card(order), "source": {"card": card(order)["source"]["card"], "bankAccount": None}}
    assert codes(await gql(client, PAY, {"input": both}, user.auth)) == ["BAD_USER_INPUT"]


async def test_bank_account_payments_and_short_numbers(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet
) -> None:
    order = data_of(await gql(client, PLACE, {"petId": (await make_pet())["id"]}, user.auth))[
        "placeOrder"
    ]
    bank = {
        "accountHolderName": "Ada",
        "accountNumber": "000123456789",
        "routingNumber": "110000000",
    }
    short = {**card(order), "source": {"card": {**card(order)["source"]["card"], "number": "42"}}}
    refused = await gql(client, PAY, {"input": short}, user.auth)
    assert codes(refused) == ["BAD_USER_INPUT"]
    assert any("number" in e["field"] for e in refused["errors"][0]["extensions"]["errors"])
    paid = await gql(
        client, PAY, {"input": {**card(order), "source": {"bankAccount": bank}}}, user.auth
    )
    assert data_of(paid)["payOrder"]["method"] == "bank_account"


async def test_create_user_is_public_and_checks_passwords(client: httpx.AsyncClient) -> None:
    mutation = "mutation($input: CreateUserInput!) { createUser(input: $input) { id username } }"
    name = f"g{uuid.uuid4().hex[:10]}"
    body = {"username": name, "email": f"{name}@example.com", "password": "correct horse battery"}
    created = data_of(await gql(client, mutation, {"input": body}))["createUser"]
    assert created["username"] == name
    assert codes(await gql(client, mutation, {"input": body})) == ["CONFLICT"]
    weak = {**body, "username": name + "x", "email": f"x{name}@example.com", "password": "password"}
    assert codes(await gql(client, mutation, {"input": weak})) == ["BAD_USER_INPUT"]


async def test_an_operation_is_one_transaction(client: httpx.AsyncClient, staff: Account) -> None:
    both = """mutation($ok: PetInput!, $bad: PetInput!) {
        first: createPet(input: $ok) { id } second: createPet(input: $bad) { id } }"""
    variables = {"ok": {**PET_INPUT, "name": "Rolled"}, "bad": {**PET_INPUT, "price": "-1"}}
    result = await gql(client, both, variables, staff.auth)
    assert codes(result) == ["BAD_USER_INPUT"]
    listed = (await client.get("/v1/pets", params={"limit": 100})).json()["data"]
    assert all(p["name"] != "Rolled" for p in listed)  # the first one was rolled back


async def test_tenants_are_isolated(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    pet = await make_pet()
    other = {"X-Tenant-ID": str(uuid.uuid4())}
    query = "query($id: ID!) { pet(id: $id) { id } }"
    assert data_of(await gql(client, query, {"id": pet["id"]}, other)) == {"pet": None}
    elsewhere = await gql(client, CREATE, {"input": PET_INPUT}, {**staff.auth, **other})
    assert codes(elsewhere) == ["FORBIDDEN"]  # a token works in its own tenant only
    bad = await gql(client, "{ pets { id } }", headers={"X-Tenant-ID": "acme"})
    assert codes(bad) == ["BAD_USER_INPUT"]
    assert bearer("x")  # the helper the tests above build headers with
