"""OpenAPI links in the served document: every created resource leads to what can be done
with it next, and a link to an operation that does not exist (or with the wrong parameters)
cannot be declared. That stateful tools follow them is checked by the contract run."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from petstore.core.openapi_links import LINKS, Link, add_links


def operation(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise AssertionError(f"no operation {operation_id}")


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/v1/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


async def test_created_resources_link_to_their_operations(document: dict[str, Any]) -> None:
    pet_links = operation(document, "createPet")["responses"]["201"]["links"]
    assert pet_links["getPet"] == {
        "operationId": "getPet",
        "parameters": {"id": "$response.body#/id"},
        "description": "The pet just created.",
    }
    assert {"getPet", "updatePet", "patchPet", "deletePet", "createOrder"} <= set(pet_links)
    assert pet_links["createOrder"]["requestBody"] == {"petId": "$response.body#/id"}

    expected = {
        "createUser": {"getUserById", "updateUser", "deleteUser"},
        "createOrder": {"getOrder", "updateOrderStatus", "deleteOrder", "createOrderPayment"},
        "createWebhook": {"getWebhook", "updateWebhook", "deleteWebhook"},
        "createOrderPayment": {"getOrderPayment", "getReceipt"},
    }
    for source, targets in expected.items():
        links = operation(document, source)["responses"]["201"]["links"]
        assert targets <= set(links), source

    payment = operation(document, "createOrderPayment")["responses"]["201"]["links"]
    assert payment["getOrderPayment"]["parameters"] == {
        "id": "$request.path.id",
        "paymentId": "$response.body#/id",
    }


async def test_every_declared_link_is_in_the_document(document: dict[str, Any]) -> None:
    for link in LINKS:
        links = operation(document, link.source)["responses"][link.status]["links"]
        assert links[link.target]["operationId"] == link.target


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (Link("createPet", "getPetty"), "unknown operation"),
        (Link("createPot", "getPet"), "unknown operation"),
        (Link("createPet", "getPet", status="202"), "never answers 202"),
        (Link("createPet", "getPet", parameters={"petId": "$response.body#/id"}), "parameters"),
        (Link("createOrderPayment", "getOrderPayment"), "parameters"),
    ],
)
async def test_a_dangling_link_is_refused(
    document: dict[str, Any], link: Link, message: str
) -> None:
    clean = copy.deepcopy(document)
    with pytest.raises(ValueError, match=message):
        add_links(clean, (link,))
