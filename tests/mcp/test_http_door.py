"""The ``/v1/mcp`` door end to end: the ``mcp`` client library over streamable HTTP against a
server process. Every tool, allowed and denied; resources; prompts; and the protocol's own
errors for what is not a valid call."""

from __future__ import annotations

import base64
import json
import uuid

import httpx
import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, TextContent

from tests.mcp.conftest import Store, customer
from tests.support.images import blank_png
from tests.support.mcp import blob_of, mcp_session, problem_of, structured, text_of

pytestmark = pytest.mark.e2e

TOOLS = {
    "search_pets",
    "get_pet",
    "list_available_pets",
    "place_order",
    "get_order",
    "list_my_orders",
    "cancel_order",
    "pay_order",
    "get_inventory",
    "ask_advisor",
    "create_pet",
    "update_pet_status",
}
READ_ONLY = {
    "search_pets",
    "get_pet",
    "list_available_pets",
    "get_order",
    "list_my_orders",
    "get_inventory",
    "ask_advisor",
}
DESTRUCTIVE = {"cancel_order", "pay_order", "update_pet_status"}


async def test_lists_tools_resources_and_prompts_with_their_schemas(store: Store) -> None:
    async with mcp_session(store.base, store.customer_token) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        templates = (await client.list_resource_templates()).resource_templates
        resources = (await client.list_resources()).resources
        prompts = (await client.list_prompts()).prompts
    assert set(tools) == TOOLS
    for name, tool in tools.items():
        assert tool.description, name
        assert len(tool.description) > 40, name
        assert tool.output_schema is not None, name
        assert tool.input_schema["type"] == "object", name
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is (name in READ_ONLY), name
        if name not in READ_ONLY:
            assert tool.annotations.destructive_hint is (name in DESTRUCTIVE), name
    assert tools["pay_order"].input_schema["properties"]["test_card"]["$ref"]
    assert "criteria" in tools["search_pets"].input_schema["properties"]
    assert {t.uri_template for t in templates} == {
        "petstore://pets/{pet_id}",
        "petstore://pets/{pet_id}/image",
        "petstore://orders/{order_id}",
    }
    assert [str(r.uri) for r in resources] == ["petstore://openapi"]
    assert {p.name for p in prompts} == {"find_pet_for_household", "explain_my_order"}


async def test_a_customer_finds_orders_pays_and_cancels(store: Store) -> None:
    token, _ = await customer(store.base)
    async with mcp_session(store.base, token) as client:
        found = structured(
            await client.call_tool(
                "search_pets",
                {"criteria": {"species": ["DOG"], "size": ["MEDIUM"]}, "pagination": {"limit": 50}},
            )
        )
        assert {p["id"] for p in found["data"]} >= set(store.pet_ids)
        listed = structured(await client.call_tool("list_available_pets", {"species": "DOG"}))
        assert listed["pagination"]["totalItems"] >= 1
        pet_id = next(p["id"] for p in listed["data"] if p["id"] in store.pet_ids)
        pet = structured(await client.call_tool("get_pet", {"pet_id": pet_id}))
        assert pet["status"] == "AVAILABLE"

        order = structured(await client.call_tool("place_order", {"pet_id": pet_id}))
        assert order["status"] == "PLACED"
        assert order["totalAmount"] == pet["price"]
        held = structured(await client.call_tool("get_pet", {"pet_id": pet_id}))
        assert held["status"] == "PENDING"

        declined = problem_of(
            await client.call_tool("pay_order", {"order_id": order["id"], "test_card": "DECLINED"})
        )
        assert declined["status"] == 402
        assert declined["payment"]["status"] == "FAILED"
        paid = await client.call_tool("pay_order", {"order_id": order["id"]})
        payment = structured(paid)
        assert payment["status"] == "SUCCEEDED"
        assert payment["source"]["last4"] == "4242"
        rendered = json.dumps([b.model_dump() for b in paid.content]) + json.dumps(payment)
        assert "4242424242424242" not in rendered

        mine = structured(await client.call_tool("list_my_orders", {}))
        assert [o["id"] for o in mine["data"]] == [order["id"]]
        approved = structured(await client.call_tool("get_order", {"order_id": order["id"]}))
        assert approved["status"] == "APPROVED"
        cancelled = structured(await client.call_tool("cancel_order", {"order_id": order["id"]}))
        assert cancelled["status"] == "CANCELLED"
        again = structured(await client.call_tool("get_pet", {"pet_id": pet_id}))
        assert again["status"] == "AVAILABLE"

        inventory = structured(await client.call_tool("get_inventory", {}))
        assert inventory["available"] >= 1
        advice = structured(await client.call_tool("ask_advisor", {"question": "A calm dog?"}))
        assert advice["answer"]


async def test_staff_tools_are_for_staff(store: Store) -> None:
    pet = {
        "name": "Nibbles",
        "species": "RABBIT",
        "ageMonths": 5,
        "price": "30.00",
        "currency": "USD",
    }
    async with mcp_session(store.base, store.customer_token) as client:
        refused = problem_of(await client.call_tool("create_pet", {"pet": pet}))
        assert refused["status"] == 403
        assert "write:pets" in refused["detail"]
        status = {"pet_id": store.pet_ids[2], "status": "NOT_AVAILABLE"}
        assert problem_of(await client.call_tool("update_pet_status", status))["status"] == 403
    async with mcp_session(store.base, store.staff_token) as client:
        made = structured(await client.call_tool("create_pet", {"pet": pet}))
        assert made["name"] == "Nibbles"
        changed = {"pet_id": made["id"], "status": "NOT_AVAILABLE"}
        updated = structured(await client.call_tool("update_pet_status", changed))
        assert updated["status"] == "NOT_AVAILABLE"


async def test_a_token_without_a_scope_is_refused_that_tool(store: Store) -> None:
    reader, _ = await customer(store.base, scopes="read:pets")
    async with mcp_session(store.base, reader) as client:
        assert structured(await client.call_tool("get_inventory", {}))["total"] >= 3
        refused = problem_of(await client.call_tool("place_order", {"pet_id": store.pet_ids[0]}))
        assert refused["status"] == 403
        assert "write:orders" in refused["detail"]
        assert problem_of(await client.call_tool("list_my_orders", {}))["status"] == 403
        assert (
            problem_of(await client.call_tool("ask_advisor", {"question": "hi"}))["status"] == 403
        )


async def test_another_customers_order_is_not_found(store: Store) -> None:
    async with mcp_session(store.base, store.customer_token) as client:
        order = structured(await client.call_tool("place_order", {"pet_id": store.pet_ids[1]}))
    other, _ = await customer(store.base)
    async with mcp_session(store.base, other) as client:
        for tool in ("get_order", "cancel_order", "pay_order"):
            missing = problem_of(await client.call_tool(tool, {"order_id": order["id"]}))
            assert missing["status"] == 404, tool
        with pytest.raises(MCPError) as caught:
            await client.read_resource(f"petstore://orders/{order['id']}")
        assert caught.value.error.code == INVALID_PARAMS
    async with mcp_session(store.base, store.customer_token) as client:
        kept = structured(await client.call_tool("cancel_order", {"order_id": order["id"]}))
    assert kept["status"] == "CANCELLED"


async def test_resources_read_pets_orders_images_and_the_openapi_document(store: Store) -> None:
    pet_id = store.pet_ids[0]
    async with httpx.AsyncClient(base_url=store.base, timeout=30) as api:
        uploaded = await api.post(
            f"/v1/pets/{pet_id}/images",
            files={"file": ("p.png", blank_png(64, 48), "image/png")},
            headers={"Authorization": f"Bearer {store.staff_rest_token}"},
        )
    assert uploaded.status_code == 201, uploaded.text
    async with mcp_session(store.base, store.customer_token) as client:
        pet = await client.read_resource(f"petstore://pets/{pet_id}")
        assert pet.contents[0].mime_type == "application/json"
        assert json.loads(text_of(pet))["id"] == pet_id
        image = await client.read_resource(f"petstore://pets/{pet_id}/image")
        assert base64.b64decode(blob_of(image))[:4] in (b"\x89PNG", b"RIFF", b"\xff\xd8\xff\xe0")
        document = await client.read_resource("petstore://openapi")
        assert json.loads(text_of(document))["openapi"].startswith("3.2")
        for uri in (f"petstore://pets/{uuid.uuid4()}", "petstore://pets/not-an-id"):
            with pytest.raises(MCPError) as caught:
                await client.read_resource(uri)
            assert caught.value.error.code == INVALID_PARAMS


async def test_prompts_carry_the_household_and_the_order(store: Store) -> None:
    async with mcp_session(store.base, store.customer_token) as client:
        household = await client.get_prompt(
            "find_pet_for_household", {"household": "two kids and a small garden"}
        )
        text = household.messages[0].content
        assert isinstance(text, TextContent)
        assert "two kids and a small garden" in text.text
        order = structured(await client.call_tool("place_order", {"pet_id": store.pet_ids[2]}))
        explained = await client.get_prompt("explain_my_order", {"order_id": order["id"]})
        content = explained.messages[0].content
        assert isinstance(content, TextContent)
        assert order["id"] in content.text
        assert structured(await client.call_tool("cancel_order", {"order_id": order["id"]}))


async def test_bad_calls_get_protocol_errors_never_a_crash(store: Store) -> None:
    async with mcp_session(store.base, store.customer_token) as client:
        with pytest.raises(MCPError) as caught:
            await client.call_tool("adopt_everything", {})
        assert caught.value.error.code == INVALID_PARAMS
        invalid = await client.call_tool(
            "search_pets", {"pagination": {"limit": 5000}, "criteria": {"species": ["DRAGON"]}}
        )
        problem = problem_of(invalid)
        assert problem["status"] == 422
        assert {e["field"] for e in problem["errors"]} >= {"pagination.limit"}
        assert "DRAGON" not in json.dumps(problem)
        assert problem_of(await client.call_tool("get_pet", {"pet_id": "x"}))["status"] == 422
        unknown = problem_of(await client.call_tool("get_pet", {"pet_id": str(uuid.uuid4())}))
        assert unknown["status"] == 404
        assert (await client.list_tools()).tools  # the session survived


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        (b"{not json", {-32700}),
        # not a request (no method): the SDK says invalid params where JSON-RPC says request
        (b'{"jsonrpc": "2.0", "id": 1}', {-32600, -32602}),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "no/such/method"}', {-32601}),
        (b'{"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": 7}}', {-32602}),
    ],
)
def test_malformed_json_rpc_gets_a_json_rpc_error(
    store: Store, body: bytes, codes: set[int]
) -> None:
    response = httpx.post(
        f"{store.base}/v1/mcp",
        content=body,
        headers={
            "Authorization": f"Bearer {store.customer_token}",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": "2025-11-25",
        },
    )
    assert response.status_code < 500, response.text
    assert response.json()["error"]["code"] in codes, response.text
