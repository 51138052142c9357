"""GraphQL reads through HTTP against the real app, on SQLite and PostgreSQL: the reference's
published queries answer as it shows, the rest mirror REST, nested fields are batched."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from tests.support.accounts import Account, AccountFactory
from tests.support.graphql import codes, data_of, gql, statements
from tests.support.pets import MakePet

GET_PETS = "query GetPets { pets { id name species breed ageMonths status } }"
GET_PET = "query GetPet($id: ID!) { pet(id: $id) { id name species breed ageMonths status } }"


async def test_the_published_get_pets_query_answers_a_list(
    client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    buddy = await make_pet(name="Buddy", breed="Golden Retriever", ageMonths=24)
    await make_pet(name="Hidden", status="NOT_AVAILABLE")
    result = await gql(client, GET_PETS)
    assert set(result) == {"data"}
    pets = result["data"]["pets"]
    assert {"id": buddy["id"], "name": "Buddy", "species": "DOG", "breed": "Golden Retriever",
            "ageMonths": 24, "status": "AVAILABLE"} in pets  # fmt: skip
    assert all(p["status"] == "AVAILABLE" for p in pets)  # the default, as in REST


async def test_pets_filters_and_pages_as_rest(client: httpx.AsyncClient, make_pet: MakePet) -> None:
    for age in (300, 301, 302):
        await make_pet(species="RABBIT", ageMonths=age, size="SMALL", goodWithKids=True)
    query = """query($page: Int!) { pets(species: RABBIT, ageMin: 300, ageMax: 302, size: SMALL,
        goodWithKids: true, page: $page, limit: 2) { ageMonths } }"""
    first = data_of(await gql(client, query, {"page": 1}))["pets"]
    second = data_of(await gql(client, query, {"page": 2}))["pets"]
    rest = (
        await client.get("/v1/pets", params={"species": "RABBIT", "ageMin": 300, "limit": 100})
    ).json()
    assert len(first) + len(second) == 3 == rest["pagination"]["totalItems"]


async def test_get_pet_and_an_unknown_id_is_null_without_error(
    client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    pet = await make_pet(name="Solo")
    assert data_of(await gql(client, GET_PET, {"id": pet["id"]}))["pet"]["name"] == "Solo"
    for unknown in (str(uuid.uuid4()), "not-a-uuid"):
        assert await gql(client, GET_PET, {"id": unknown}) == {"data": {"pet": None}}


async def test_search_pets_has_the_rest_semantics_and_totals(
    client: httpx.AsyncClient, make_pet: MakePet
) -> None:
    for price in ("30.00", "10.00", "20.00"):
        await make_pet(species="BIRD", ageMonths=88, price=price)
    query = """{ searchPets(criteria: {species: [BIRD], ageRange: {min: 88, max: 88}},
        sort: {field: PRICE, order: DESC}, pagination: {page: 1, limit: 2}) {
        totalItems pageInfo { page limit totalPages } items { price } } }"""
    page = data_of(await gql(client, query))["searchPets"]
    assert page["totalItems"] == 3
    assert page["pageInfo"] == {"page": 1, "limit": 2, "totalPages": 2}
    assert [p["price"] for p in page["items"]] == ["30.00", "20.00"]
    bad = await gql(client, "{ searchPets(pagination: {limit: 500}) { totalItems } }")
    assert codes(bad) == ["BAD_USER_INPUT"]
    assert bad["errors"][0]["extensions"]["errors"][0]["field"] == "pagination.limit"


async def test_me_needs_a_token(client: httpx.AsyncClient, user: Account) -> None:
    assert codes(await gql(client, "{ me { id } }")) == ["UNAUTHENTICATED"]
    me = data_of(await gql(client, "{ me { id username } }", headers=user.auth))["me"]
    assert me == {"id": user.id, "username": user.username}
    bad = await gql(client, "{ me { id } }", headers={"Authorization": "Bearer forged"})
    assert codes(bad) == ["UNAUTHENTICATED"]


async def _order(client: httpx.AsyncClient, account: Account, pet_id: str) -> dict[str, Any]:
    placed = await client.post("/v1/orders", json={"petId": pet_id}, headers=account.auth)
    assert placed.status_code == 201, placed.text
    order: dict[str, Any] = placed.json()
    return order


async def test_orders_are_the_callers_own_and_staff_see_all(
    client: httpx.AsyncClient, make_account: AccountFactory, staff: Account, make_pet: MakePet
) -> None:
    owner, stranger = await make_account(), await make_account()
    order = await _order(client, owner, (await make_pet())["id"])
    query = "query($id: ID!) { order(id: $id) { id status totalAmount user { id } pet { id } } }"
    mine = data_of(await gql(client, query, {"id": order["id"]}, owner.auth))["order"]
    assert mine["user"] == {"id": owner.id}
    assert mine["pet"] == {"id": order["petId"]}
    assert data_of(await gql(client, query, {"id": order["id"]}, stranger.auth)) == {"order": None}
    listing = "{ orders { totalItems items { id } } }"
    assert data_of(await gql(client, listing, headers=stranger.auth))["orders"]["totalItems"] == 0
    seen = data_of(await gql(client, listing, headers=staff.auth))["orders"]["items"]
    assert {"id": order["id"]} in seen
    assert codes(await gql(client, listing)) == ["UNAUTHENTICATED"]
    typo = await gql(client, '{ orders(userId: "x") { totalItems } }', headers=staff.auth)
    assert codes(typo) == ["BAD_USER_INPUT"]


async def test_inventory_matches_rest(
    client: httpx.AsyncClient, staff: Account, make_pet: MakePet
) -> None:
    await make_pet()
    query = "{ inventory { counts { available total } bySpecies { species counts { total } } } }"
    inventory = data_of(await gql(client, query, headers=staff.auth))["inventory"]
    rest = (await client.get("/v1/inventory", headers=staff.auth)).json()
    assert inventory["counts"] == {"available": rest["available"], "total": rest["total"]}
    assert {s["species"]: s["counts"]["total"] for s in inventory["bySpecies"]} == {
        name: counts["total"] for name, counts in rest["bySpecies"].items()
    }


async def _orders_with_pets(
    app: FastAPI, client: httpx.AsyncClient, staff: Account, make_pet: MakePet, count: int
) -> int:
    for _ in range(count):
        await _order(client, staff, (await make_pet())["id"])
    query = f"""{{ orders(limit: {count}) {{ items {{ id pet {{ id name images {{ url }} }}
        user {{ username }} }} }} }}"""
    async with statements(app) as sent:
        orders = data_of(await gql(client, query, headers=staff.auth))["orders"]["items"]
    assert len(orders) == count
    assert all(o["pet"] is not None and o["user"]["username"] == staff.username for o in orders)
    return len(sent)


async def test_nested_fields_are_batched_whatever_the_page_size(
    app: FastAPI, client: httpx.AsyncClient, make_account: AccountFactory, make_pet: MakePet
) -> None:
    few = await _orders_with_pets(app, client, await make_account(staff=True), make_pet, 10)
    many = await _orders_with_pets(app, client, await make_account(staff=True), make_pet, 100)
    assert few == many
    assert many <= 8  # auth, the page and its count, then one per kind: pets, images, users


async def test_the_buyer_of_an_order_is_hidden_from_others(
    client: httpx.AsyncClient, make_account: AccountFactory, staff: Account, make_pet: MakePet
) -> None:
    buyer = await make_account()
    order = await _order(client, buyer, (await make_pet())["id"])
    query = "query($id: ID!) { order(id: $id) { id user { id } } }"
    as_staff = data_of(await gql(client, query, {"id": order["id"]}, staff.auth))
    assert as_staff["order"]["user"] == {"id": buyer.id}
