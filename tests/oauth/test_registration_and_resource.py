"""RFC 7591 dynamic registration of public clients and RFC 8707 resource indicators: a token
asked for ``/v1/mcp`` carries that audience (kept across refresh), the REST API refuses it,
and a resource this server does not protect is refused with ``invalid_target``."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
from fastapi import FastAPI

from petstore.auth import service as auth_service
from petstore.container import container_of
from tests.support.accounts import Account, bearer
from tests.support.oauth import (
    BASE,
    REDIRECT,
    RegisteredClient,
    approve,
    assert_oauth_error,
    authorize_params,
    exchange,
    pkce,
    redirect_query,
    refresh,
    sign_in,
)

MCP = f"{BASE}/v1/mcp"


async def register_public(oc: httpx.AsyncClient, **metadata: Any) -> httpx.Response:
    body = {"client_name": "An assistant", "redirect_uris": [REDIRECT], **metadata}
    return await oc.post("/oauth/register", json=body)


async def registered(oc: httpx.AsyncClient) -> RegisteredClient:
    response = await register_public(oc, token_endpoint_auth_method="none")
    assert response.status_code == 201, response.text
    body = response.json()
    return RegisteredClient(body["client_id"], None, body)


async def test_metadata_names_the_registration_endpoint(oc: httpx.AsyncClient) -> None:
    body = (await oc.get("/.well-known/oauth-authorization-server")).json()
    assert body["registration_endpoint"] == f"{BASE}/oauth/register"


async def test_registration_makes_a_public_code_client(oc: httpx.AsyncClient) -> None:
    response = await register_public(oc, scope="read:pets read:orders")
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_endpoint_auth_method"] == "none"
    assert "client_secret" not in body
    assert body["redirect_uris"] == [REDIRECT]
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    assert body["scope"] == "read:orders read:pets"


async def test_registration_refuses_what_it_cannot_hand_out(oc: httpx.AsyncClient) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"redirect_uris": ["http://evil.example.com/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://app.example.com/cb#frag"]}, "invalid_redirect_uri"),
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"token_endpoint_auth_method": "client_secret_basic"}, "invalid_client_metadata"),
        ({"grant_types": ["client_credentials"]}, "invalid_client_metadata"),
        ({"response_types": ["token"]}, "invalid_client_metadata"),
        ({"scope": "read:pets admin:everything"}, "invalid_client_metadata"),
        ({"redirect_uris": "not a list"}, "invalid_client_metadata"),
    ]
    for metadata, error in cases:
        assert_oauth_error(await register_public(oc, **metadata), 400, error)
    malformed = await oc.post(
        "/oauth/register", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_oauth_error(malformed, 400, "invalid_client_metadata")


async def _mcp_code(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, user: Account, resource: str
) -> tuple[RegisteredClient, str, str]:
    client = await registered(oc)
    verifier = pkce()
    params = authorize_params(client.client_id, verifier, scope="read:pets", resource=resource)
    consent = await sign_in(browser, params, user.username, user.password)
    query = redirect_query(await approve(browser, params, consent))
    return client, query["code"], verifier.verifier


async def test_a_token_for_mcp_carries_its_audience_and_rest_refuses_it(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, user: Account
) -> None:
    client, code, verifier = await _mcp_code(oc, browser, user, MCP)
    response = await exchange(oc, client, code, verifier)
    assert response.status_code == 200, response.text
    tokens = response.json()
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["aud"] == MCP
    refused = await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))
    assert refused.status_code == 401, refused.text
    renewed = await refresh(oc, client, tokens["refresh_token"], resource=MCP)
    assert renewed.status_code == 200, renewed.text
    again = jwt.decode(renewed.json()["access_token"], options={"verify_signature": False})
    assert again["aud"] == MCP


async def test_a_token_request_for_another_resource_is_refused(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, user: Account
) -> None:
    client, code, verifier = await _mcp_code(oc, browser, user, MCP)
    data = {"resource": "https://other.example.com/api"}
    response = await oc.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": client.client_id,
            **data,
        },
    )
    assert_oauth_error(response, 400, "invalid_target")


async def test_an_unknown_resource_is_refused_at_the_authorization_endpoint(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    client = await registered(oc)
    params = authorize_params(
        client.client_id, pkce(), scope="read:pets", resource="https://other.example.com/mcp"
    )
    response = await browser.get("/oauth/authorize", params=params)
    assert response.status_code == 302, response.text[:500]
    assert redirect_query(response)["error"] == "invalid_target"


async def test_tokens_without_a_resource_still_work_at_rest(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, user: Account
) -> None:
    client = await registered(oc)
    verifier = pkce()
    params = authorize_params(client.client_id, verifier, scope="read:user")
    consent = await sign_in(browser, params, user.username, user.password)
    code = redirect_query(await approve(browser, params, consent))["code"]
    tokens = (await exchange(oc, client, code, verifier.verifier)).json()
    me = await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200, me.text


async def test_a_token_for_mcp_can_be_revoked(
    app: FastAPI, oc: httpx.AsyncClient, browser: httpx.AsyncClient, user: Account
) -> None:
    client, code, verifier = await _mcp_code(oc, browser, user, MCP)
    access = (await exchange(oc, client, code, verifier)).json()["access_token"]
    jti = jwt.decode(access, options={"verify_signature": False})["jti"]
    response = await oc.post("/oauth/revoke", data={"token": access, "client_id": client.client_id})
    assert response.status_code == 200, response.text
    async with container_of(app).sessionmaker() as session:
        assert await auth_service.is_revoked(session, jti)
