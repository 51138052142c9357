"""The SDL is the GraphQL door's contract: committed beside the code, served, printed by the
CLI, and the same in all three; every field asks for what the REST operation it mirrors asks
for."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client import REGISTRY

from petstore.graphql import mutations, queries
from petstore.graphql.context import Requirement
from petstore.graphql.schema import SDL_PATH, sdl
from tests.support.contract import rest_operations, scopes_of
from tests.support.graphql import PATH, gql
from tests.support.servers import run_cli, server_env


async def test_the_served_schema_is_the_committed_one(client: httpx.AsyncClient) -> None:
    served = await client.get("/v1/graphql/schema.graphql")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/graphql")
    assert served.text == SDL_PATH.read_text() == sdl(), (
        "the schema changed: run `petstore graphql-schema > src/petstore/graphql/schema.graphql`"
    )


async def test_it_is_counted_under_its_path_and_errors_around_it_answer_as_rest(
    client: httpx.AsyncClient,
) -> None:
    labels = {"route": PATH, "method": "POST", "status": "200"}
    before = REGISTRY.get_sample_value("petstore_http_requests_total", labels) or 0.0
    assert "errors" not in await gql(client, "{ pets { id } }")
    after = REGISTRY.get_sample_value("petstore_http_requests_total", labels) or 0.0
    assert after == before + 1
    refused = await client.put(PATH)
    assert refused.status_code == 405
    assert {"GET", "POST"} <= set(refused.headers["allow"].split(", "))
    missing = await client.get(f"{PATH}/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["instance"] == f"{PATH}/nothing-here"


def test_the_cli_prints_it() -> None:
    printed = run_cli(server_env("sqlite+aiosqlite://"), "graphql-schema")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == SDL_PATH.read_text()


def test_the_published_names_are_in_it() -> None:
    text = SDL_PATH.read_text()
    for line in (
        "pets(species: Species = null, status: PetStatus! = AVAILABLE",
        "pet(id: ID!): Pet",
        "searchPets(criteria: PetSearchCriteriaInput",
        "petStatusChanged(petId: ID = null): PetEvent!",
        "orderStatusChanged(orderId: ID = null): OrderEvent!",
        "petAdded: Pet!",
        "createPet(input: PetInput!): Pet!",
    ):
        assert line in text, line


# GraphQL field -> the REST operation it mirrors, and what the field declares.
TWINS: dict[str, tuple[str, Requirement]] = {
    "me": ("getCurrentUser", queries.READ_USER),
    "order": ("getOrder", queries.READ_ORDERS),
    "orders": ("listOrders", queries.READ_ORDERS),
    "inventory": ("getStoreInventory", queries.READ_INVENTORY),
    "createPet": ("createPet", mutations.WRITE_PETS),
    "updatePet": ("patchPet", mutations.WRITE_PETS),
    "deletePet": ("deletePet", mutations.WRITE_PETS),
    "placeOrder": ("createOrder", mutations.WRITE_ORDERS),
    "cancelOrder": ("deleteOrder", mutations.WRITE_ORDERS),
    "payOrder": ("createOrderPayment", mutations.WRITE_ORDERS),
}


@pytest.mark.parametrize("field", sorted(TWINS))
async def test_a_field_needs_the_scopes_of_its_rest_twin(
    client: httpx.AsyncClient, field: str
) -> None:
    operation_id, requirement = TWINS[field]
    assert requirement.scopes == scopes_of((await rest_operations(client))[operation_id])
