"""The sign-in an MCP client does, end to end: the ``mcp`` client library's own OAuth provider
against a server process, the person signing in and approving in headless Chromium.

401 -> protected resource metadata -> authorization server metadata -> dynamic client
registration -> authorization code with PKCE and ``resource`` (the browser) -> token for
``/v1/mcp`` -> the tools work, as that person."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)
from playwright.async_api import Browser, Route
from pydantic import AnyUrl

from tests.mcp.conftest import Store
from tests.support.accounts import PASSWORD, new_user
from tests.support.browser import headless_chromium, require_chromium
from tests.support.mcp import MCP_PATH, structured

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CALLBACK = "http://127.0.0.1:33418/callback"  # the assistant's loopback redirect (RFC 8252)

require_chromium()


class MemoryStorage(TokenStorage):
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with headless_chromium() as chromium:
        yield chromium


async def test_an_assistant_signs_a_person_in_and_uses_the_tools(
    store: Store, browser: Browser
) -> None:
    person = new_user()
    async with httpx.AsyncClient(base_url=store.base, timeout=30) as api:
        signed_up = await api.post("/v1/users", json=person)
    assert signed_up.status_code == 201, signed_up.text
    page = await browser.new_page()
    landed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    consent_text: list[str] = []

    async def loopback(route: Route) -> None:
        if not landed.done():
            landed.set_result(route.request.url)
        await route.fulfill(status=200, content_type="text/html", body="<p>You may close this.</p>")

    await page.route(f"{CALLBACK}**", loopback)

    async def open_browser(url: str) -> None:
        """The assistant opens the authorization URL; the person signs in and approves."""
        await page.goto(url)
        await page.fill("#username", person["username"])
        await page.fill("#password", PASSWORD)
        await page.click("#sign-in")
        await page.wait_for_selector("#approve")
        consent_text.append(await page.inner_text("main"))
        await page.click("#approve")

    async def wait_for_callback() -> AuthorizationCodeResult:
        query = parse_qs(urlsplit(await asyncio.wait_for(landed, timeout=30)).query)
        return AuthorizationCodeResult(
            code=query["code"][0], state=query["state"][0], iss=query.get("iss", [None])[0]
        )

    storage = MemoryStorage()
    provider = OAuthClientProvider(
        server_url=f"{store.base}{MCP_PATH}",
        client_metadata=OAuthClientMetadata(
            client_name="Test assistant",
            redirect_uris=[AnyUrl(CALLBACK)],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
        ),
        storage=storage,
        redirect_handler=open_browser,
        callback_handler=wait_for_callback,
    )
    http = create_mcp_http_client(auth=provider)
    async with (
        http,
        Client(streamable_http_client(f"{store.base}{MCP_PATH}", http_client=http)) as client,
    ):
        pet_id = store.pet_ids[0]
        order = structured(await client.call_tool("place_order", {"pet_id": pet_id}))
        mine = structured(await client.call_tool("list_my_orders", {}))
        assert [o["id"] for o in mine["data"]] == [order["id"]]
        assert structured(await client.call_tool("cancel_order", {"order_id": order["id"]}))
    await page.close()

    assert storage.client is not None
    assert storage.client.client_secret is None  # a public client
    assert "Test assistant" in consent_text[0]
    assert storage.tokens is not None
    claims = jwt.decode(storage.tokens.access_token, options={"verify_signature": False})
    assert claims["aud"] == f"{store.base}{MCP_PATH}"
    assert claims["sub"] == signed_up.json()["id"]
    # The client asks for what the metadata lists (the MCP scope selection); the person is
    # granted what a customer may hold: no staff scope.
    granted = set(claims["scope"].split())
    assert {"read:pets", "read:orders", "write:orders"} <= granted
    assert "write:pets" not in granted
