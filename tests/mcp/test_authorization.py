"""``/v1/mcp`` as an OAuth protected resource (RFC 9728, RFC 6750, RFC 8707): what a client
learns from a refusal, where the metadata leads it, and which tokens the door takes."""

from __future__ import annotations

import uuid

import httpx
import jwt
import pytest

from tests.mcp.conftest import Store
from tests.support.mcp import MCP_PATH, mcp_session, structured

pytestmark = pytest.mark.e2e

LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
MCP_HEADERS = {
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2025-11-25",
}


def call(store: Store, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{store.base}{MCP_PATH}", json=LIST_TOOLS, headers={**MCP_HEADERS, **headers}
    )


def test_without_a_token_the_answer_says_where_the_metadata_is(store: Store) -> None:
    response = call(store, {})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    challenge = response.headers["www-authenticate"]
    metadata_url = f"{store.base}/.well-known/oauth-protected-resource{MCP_PATH}"
    assert challenge.startswith("Bearer ")
    assert f'resource_metadata="{metadata_url}"' in challenge
    assert "error=" not in challenge  # RFC 6750 §3.1: no error code when none was sent


def test_the_metadata_leads_to_an_authorization_server_that_registers_clients(
    store: Store,
) -> None:
    for path in (
        "/.well-known/oauth-protected-resource",
        f"/.well-known/oauth-protected-resource{MCP_PATH}",
    ):
        metadata = httpx.get(f"{store.base}{path}").json()
        assert metadata["resource"] == f"{store.base}{MCP_PATH}"
        assert metadata["authorization_servers"] == [store.base]
        assert "write:orders" in metadata["scopes_supported"]
        assert metadata["bearer_methods_supported"] == ["header"]
    issuer = metadata["authorization_servers"][0]
    server = httpx.get(f"{issuer}/.well-known/oauth-authorization-server").json()
    assert server["issuer"] == issuer  # RFC 8414 §3.3, which MCP clients check
    assert server["registration_endpoint"] == f"{store.base}/oauth/register"
    assert server["code_challenge_methods_supported"] == ["S256"]


def test_a_token_for_mcp_carries_its_audience(store: Store) -> None:
    claims = jwt.decode(store.customer_token, options={"verify_signature": False})
    assert claims["aud"] == f"{store.base}{MCP_PATH}"
    refused_by_rest = httpx.get(
        f"{store.base}/v1/users/me", headers={"Authorization": f"Bearer {store.customer_token}"}
    )
    assert refused_by_rest.status_code == 401


@pytest.mark.parametrize("kind", ["rest-audience", "garbage", "not-bearer"])
def test_tokens_not_for_this_resource_are_refused(store: Store, kind: str) -> None:
    value = {
        "rest-audience": f"Bearer {store.customer_rest_token}",
        "garbage": "Bearer not.a.token",
        "not-bearer": f"Basic {store.customer_token}",
    }[kind]
    response = call(store, {"Authorization": value})
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    assert 'error="invalid_token"' in challenge
    assert "resource_metadata=" in challenge
    assert response.json()["status"] == 401


def test_a_revoked_token_is_refused(store: Store) -> None:
    import asyncio

    from tests.mcp.conftest import customer

    token, _ = asyncio.run(customer(store.base))
    assert call(store, {"Authorization": f"Bearer {token}"}).status_code == 200
    claims = jwt.decode(token, options={"verify_signature": False})
    revoked = httpx.post(
        f"{store.base}/oauth/revoke", data={"token": token, "client_id": claims["client_id"]}
    )
    assert revoked.status_code == 200, revoked.text
    refused = call(store, {"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]


def test_the_tenant_must_be_the_tokens(store: Store) -> None:
    other = {"Authorization": f"Bearer {store.customer_token}", "X-Tenant-ID": str(uuid.uuid4())}
    refused = call(store, other)
    assert refused.status_code == 403
    assert "tenant" in refused.json()["detail"]
    malformed = call(store, {"Authorization": f"Bearer {store.customer_token}", "X-Tenant-ID": "x"})
    assert malformed.status_code == 422


async def test_with_a_token_for_this_resource_the_tools_work(store: Store) -> None:
    async with mcp_session(store.base, store.customer_token) as client:
        assert structured(await client.call_tool("get_inventory", {}))["total"] >= 3
