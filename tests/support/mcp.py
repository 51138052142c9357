"""Helpers for the MCP tests: access tokens for ``/v1/mcp`` got the way an MCP client gets
them (dynamic registration, then the authorization code with PKCE and a ``resource``, the
pages walked as a browser would), and MCP clients of a server process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp_types import (
    BlobResourceContents,
    CallToolResult,
    ReadResourceResult,
    TextContent,
    TextResourceContents,
)

from tests.support.oauth import (
    REDIRECT,
    RegisteredClient,
    approve,
    authorize_params,
    exchange,
    pkce,
    redirect_query,
    sign_in,
)

MCP_PATH = "/v1/mcp"


async def mcp_token(
    base_url: str, username: str, password: str, scope: str, tenant: str = ""
) -> str:
    """An access token for ``base_url``'s ``/v1/mcp``, for ``username`` with ``scope``."""
    resource = f"{base_url}{MCP_PATH}"
    headers = {"X-Tenant-ID": tenant} if tenant else {}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as browser:
        registered = await browser.post(
            "/oauth/register", json={"client_name": "MCP test", "redirect_uris": [REDIRECT]}
        )
        assert registered.status_code == 201, registered.text
        client_id = registered.json()["client_id"]
        verifier = pkce()
        params = authorize_params(client_id, verifier, scope=scope, resource=resource)
        consent = await sign_in(browser, params, username, password)
        code = redirect_query(await approve(browser, params, consent))["code"]
        public = RegisteredClient(client_id, None, registered.json())
        token = await exchange(browser, public, code, verifier.verifier, resource=resource)
    assert token.status_code == 200, token.text
    return str(token.json()["access_token"])


@asynccontextmanager
async def mcp_session(base_url: str, token: str | None, tenant: str = "") -> AsyncIterator[Client]:
    """An MCP client of ``base_url``'s ``/v1/mcp`` over streamable HTTP."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if tenant:
        headers["X-Tenant-ID"] = tenant
    http = create_mcp_http_client(headers=headers)
    async with (
        http,
        Client(streamable_http_client(f"{base_url}{MCP_PATH}", http_client=http)) as client,
    ):
        yield client


def problem_of(result: CallToolResult) -> dict[str, Any]:
    """The problem document of a tool error."""
    assert result.is_error, result
    block = result.content[0]
    assert isinstance(block, TextContent)
    problem: dict[str, Any] = json.loads(block.text)
    return problem


def structured(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert isinstance(result.structured_content, dict)
    return result.structured_content


def text_of(result: ReadResourceResult) -> str:
    content = result.contents[0]
    assert isinstance(content, TextResourceContents), content
    return content.text


def blob_of(result: ReadResourceResult) -> str:
    content = result.contents[0]
    assert isinstance(content, BlobResourceContents), content
    return content.blob
