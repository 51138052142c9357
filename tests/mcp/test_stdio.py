"""``petstore mcp`` over stdio, started by the ``mcp`` client library as an assistant starts
it: against a server process's REST API (``PETSTORE_API_BASE``), and on the database itself
(no base). Both offer the HTTP door's tools and answer them the same way."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from mcp import Client, StdioServerParameters

from tests.mcp.conftest import Store, customer
from tests.mcp.test_http_door import TOOLS
from tests.support.mcp import problem_of, structured, text_of
from tests.support.servers import VENV_BIN

pytestmark = pytest.mark.e2e


@asynccontextmanager
async def stdio(store: Store, key: str, *, remote: bool) -> AsyncIterator[Client]:
    env = {k: v for k, v in store.server.env.items() if k.startswith("PETSTORE_") or k == "PATH"}
    env["PETSTORE_API_KEY"] = key
    if remote:
        env["PETSTORE_API_BASE"] = f"{store.base}/v1"
    params = StdioServerParameters(command=str(VENV_BIN / "petstore"), args=["mcp"], env=env)
    async with Client(params) as client:
        yield client


@pytest.mark.parametrize("remote", [True, False], ids=["over-rest", "on-the-database"])
async def test_a_customer_orders_and_cancels_over_stdio(store: Store, remote: bool) -> None:
    _, rest_token = await customer(store.base)
    async with stdio(store, rest_token, remote=remote) as client:
        assert {t.name for t in (await client.list_tools()).tools} == TOOLS
        listed = structured(await client.call_tool("list_available_pets", {"limit": 100}))
        pet_id = next(p["id"] for p in listed["data"] if p["id"] in store.pet_ids)
        order = structured(await client.call_tool("place_order", {"pet_id": pet_id}))
        assert order["status"] == "PLACED"
        paid = structured(await client.call_tool("pay_order", {"order_id": order["id"]}))
        assert paid["status"] == "SUCCEEDED"
        mine = structured(await client.call_tool("list_my_orders", {}))
        assert [o["id"] for o in mine["data"]] == [order["id"]]
        cancelled = structured(await client.call_tool("cancel_order", {"order_id": order["id"]}))
        assert cancelled["status"] == "CANCELLED"
        refused = problem_of(await client.call_tool("create_pet", {"pet": {"name": "x"}}))
        assert refused["status"] in (403, 422)
        status = {"pet_id": pet_id, "status": "ADOPTED"}
        assert problem_of(await client.call_tool("update_pet_status", status))["status"] == 403
        document = await client.read_resource("petstore://openapi")
        assert json.loads(text_of(document))["openapi"].startswith("3.2")


@pytest.mark.parametrize("remote", [True, False], ids=["over-rest", "on-the-database"])
async def test_a_bad_key_is_a_tool_error_not_a_dead_server(store: Store, remote: bool) -> None:
    async with stdio(store, "not-a-token", remote=remote) as client:
        listed = structured(await client.call_tool("list_available_pets", {}))
        assert listed["pagination"]["totalItems"] >= 1  # public: the key is not looked at
        refused = problem_of(await client.call_tool("list_my_orders", {}))
        assert refused["status"] == 401
        assert (await client.list_tools()).tools
