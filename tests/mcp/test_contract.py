"""Each tool needs what its REST twin needs: the scopes of its OpenAPI security, and no more
(a test per tool, so a new tool without a twin fails here)."""

from __future__ import annotations

import httpx
import pytest

from petstore.mcp.local import ACCESS, PUBLIC_READ
from tests.support.contract import rest_operations, scopes_of

TWINS = {
    "search_pets": "searchPets",
    "get_pet": "getPet",
    "list_available_pets": "listPets",
    "place_order": "createOrder",
    "get_order": "getOrder",
    "list_my_orders": "listOrders",
    "cancel_order": "deleteOrder",
    "pay_order": "createOrderPayment",
    "get_inventory": "getStoreInventory",
    "ask_advisor": "createChatCompletion",
    "create_pet": "createPet",
    "update_pet_status": "patchPet",
}


def test_every_tool_has_a_rest_twin() -> None:
    assert set(ACCESS) == set(TWINS)


@pytest.mark.parametrize("tool", sorted(TWINS))
async def test_a_tool_needs_the_scopes_of_its_rest_twin(
    client: httpx.AsyncClient, tool: str
) -> None:
    operation = (await rest_operations(client))[TWINS[tool]]
    access = ACCESS[tool]
    assert access.scopes == scopes_of(operation)
    assert (access is PUBLIC_READ) == (not operation.get("security"))
