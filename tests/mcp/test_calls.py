"""Tool calls as JSON-RPC over HTTP against the app in process, on SQLite and PostgreSQL:
the services behind the door, racing buyers, and REST's middleware in front of it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from prometheus_client import REGISTRY

from petstore.auth.scopes import ROLE_SCOPES, Role
from petstore.container import container_of
from tests.support.accounts import Account, AccountFactory
from tests.support.mcp import MCP_PATH
from tests.support.pets import MakePet

HEADERS = {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25"}


def mcp_token(app: FastAPI, client: httpx.AsyncClient, account: Account, tenant: str) -> str:
    """A customer's token minted for the door (as the OAuth server mints it with ``resource``)."""
    issued = container_of(app).tokens.issue(
        user_id=uuid.UUID(account.id),
        username=account.username,
        role=Role.USER,
        scopes=ROLE_SCOPES[Role.USER],
        tenant=tenant,
        audience=f"{str(client.base_url).rstrip('/')}{MCP_PATH}",
    )
    return issued.token


async def call_tool(
    client: httpx.AsyncClient, token: str, name: str, arguments: dict[str, Any]
) -> dict[str, Any]:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    response = await client.post(
        MCP_PATH, json=body, headers={**HEADERS, "Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["result"]
    return result


async def test_two_buyers_race_for_one_pet_and_one_wins(
    app: FastAPI,
    client: httpx.AsyncClient,
    tenant: str,
    make_account: AccountFactory,
    make_pet: MakePet,
) -> None:
    pet = await make_pet()
    buyers = [mcp_token(app, client, await make_account(), tenant) for _ in range(4)]
    results = await asyncio.gather(
        *(call_tool(client, token, "place_order", {"pet_id": pet["id"]}) for token in buyers)
    )
    won = [r for r in results if not r["isError"]]
    lost = [orjson.loads(r["content"][0]["text"]) for r in results if r["isError"]]
    assert len(won) == 1
    assert {problem["status"] for problem in lost} == {409}
    assert won[0]["structuredContent"]["status"] == "PLACED"
    pending = await client.get(f"/v1/pets/{pet['id']}")
    assert pending.json()["status"] == "PENDING"


async def test_the_door_is_metered_and_size_limited_as_rest_is(
    app: FastAPI, client: httpx.AsyncClient, tenant: str, make_account: AccountFactory
) -> None:
    token = mcp_token(app, client, await make_account(), tenant)
    labels = {"route": MCP_PATH, "method": "POST", "status": "200"}
    before = REGISTRY.get_sample_value("petstore_http_requests_total", labels) or 0.0
    listed = await call_tool(client, token, "get_inventory", {})
    assert listed["structuredContent"]["total"] >= 0
    after = REGISTRY.get_sample_value("petstore_http_requests_total", labels) or 0.0
    assert after == before + 1
    huge = {"question": "x" * (container_of(app).settings.max_json_body_bytes + 1)}
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "ask_advisor", "arguments": huge},
    }
    refused = await client.post(
        MCP_PATH, json=body, headers={**HEADERS, "Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
