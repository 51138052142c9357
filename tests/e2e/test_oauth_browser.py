"""A real browser against a real server process: headless Chromium (Debian's, installed by
scripts/chromium.sh) driven by Playwright. A user signs in and approves on the server's own
pages; the test then plays the client application (exchanges the code with its PKCE verifier,
or polls as a TV would)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, Route

from tests.support.browser import headless_chromium, require_chromium
from tests.support.servers import RunningServer, create_staff, petstore, run_server, server_env

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

STAFF = ("browser-staff", "staff in a headless browser")
USER = ("browser-user", "a user in a headless browser")
REDIRECT = "https://app.example.com/callback"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("browser")
    env = server_env(f"sqlite+aiosqlite:///{root / 'browser.db'}")
    petstore(env, "migrate")
    create_staff(env, *STAFF)
    with run_server(env, root / "server.log") as running:
        signup = httpx.post(
            f"{running.base_url}/v1/users",
            json={"username": USER[0], "email": "browser-user@example.com", "password": USER[1]},
        )
        assert signup.status_code == 201, signup.text
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with headless_chromium() as chromium:
        yield chromium


def staff_token(server: RunningServer) -> str:
    response = httpx.post(
        f"{server.base_url}/v1/auth/tokens", json={"username": STAFF[0], "password": STAFF[1]}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def register(server: RunningServer, **body: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{server.base_url}/v1/oauth/clients",
        json={"name": "Browser test app", **body},
        headers={"Authorization": f"Bearer {staff_token(server)}"},
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def sign_in(page: Page, username: str, password: str) -> None:
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("#sign-in")


async def test_user_signs_in_and_approves_then_the_app_exchanges_the_code(
    server: RunningServer, browser: Browser
) -> None:
    client = register(
        server,
        redirectUris=[REDIRECT],
        grantTypes=["authorization_code", "refresh_token"],
        scope="read:pets read:user chat:write",
    )
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    state = secrets.token_urlsafe(8)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client["clientId"],
            "redirect_uri": REDIRECT,
            "scope": "read:pets read:user",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page = await browser.new_page()
    landed: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def client_app(route: Route) -> None:
        """The client's redirect endpoint (no network: the browser hands us the URL)."""
        if not landed.done():
            landed.set_result(route.request.url)
        await route.fulfill(status=200, content_type="text/html", body="<p>signed in</p>")

    await page.route("https://app.example.com/**", client_app)
    await page.goto(f"{server.base_url}/oauth/authorize?{query}")
    assert await page.title() == "Sign in - Petstore"
    await sign_in(page, *USER)
    await page.wait_for_selector("#approve")
    consent = await page.inner_text("main")
    assert "Browser test app" in consent
    assert "read:pets" in consent
    assert "read:user" in consent
    assert "chat:write" not in consent  # not requested, not shown
    await page.click("#approve")
    url = await asyncio.wait_for(landed, timeout=15)
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert params["state"] == state
    await page.close()

    async with httpx.AsyncClient(base_url=server.base_url) as api:
        token = await api.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": params["code"],
                "redirect_uri": REDIRECT,
                "code_verifier": verifier,
            },
            auth=(client["clientId"], client["clientSecret"]),
        )
        assert token.status_code == 200, token.text
        tokens = token.json()
        assert tokens["scope"] == "read:pets read:user"
        me = await api.get(
            "/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
    assert me.status_code == 200
    assert me.json()["username"] == USER[0]
    assert "server error" not in server.log().lower()


async def test_device_flow_through_the_device_page(server: RunningServer, browser: Browser) -> None:
    client = register(server, grantTypes=[DEVICE_GRANT], public=True)
    api = httpx.AsyncClient(base_url=server.base_url)
    started = await api.post(
        "/oauth/device/authorize",
        data={"client_id": client["clientId"], "scope": "read:pets chat:write"},
    )
    assert started.status_code == 200, started.text
    grant = started.json()
    interval = grant["interval"]

    async def poll() -> httpx.Response:
        return await api.post(
            "/oauth/token",
            data={
                "grant_type": DEVICE_GRANT,
                "device_code": grant["device_code"],
                "client_id": client["clientId"],
            },
        )

    assert (await poll()).json()["error"] == "authorization_pending"
    polled_at = asyncio.get_running_loop().time()

    page = await browser.new_page()
    await page.goto(grant["verification_uri_complete"])
    assert await page.input_value("#user_code") == grant["user_code"]
    await page.click("#continue")
    await sign_in(page, *USER)
    await page.wait_for_selector("#approve")
    consent = await page.inner_text("main")
    assert grant["user_code"] in consent
    assert "read:pets" in consent
    await page.click("#approve")
    await page.wait_for_selector("text=Device connected")
    await page.close()

    # The TV keeps its polling interval, as RFC 8628 asks.
    wait = interval - (asyncio.get_running_loop().time() - polled_at)
    if wait > 0:
        await asyncio.sleep(wait + 0.2)
    token = await poll()
    assert token.status_code == 200, token.text
    assert token.json()["scope"] == "chat:write read:pets"
    pets = await api.get(
        "/v1/pets", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert pets.status_code == 200
    await api.aclose()


async def test_the_docs_authorize_button_completes_the_code_flow_with_pkce(
    server: RunningServer, browser: Browser
) -> None:
    page = await browser.new_page()
    # Every page of the context (the docs and the redirect popup) reports CSP violations to the
    # console; none may appear, or the docs' policy broke a part of Swagger UI.
    violations: list[str] = []
    page.context.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    await page.goto(f"{server.base_url}/v1/docs")
    await page.locator(".opblock").first.wait_for(timeout=15_000)  # the operations rendered
    await page.click("button.authorize")
    client_id = page.locator("#client_id_authorizationCode")
    section = page.locator(".auth-container", has=client_id)
    assert await client_id.input_value() == "petstore-docs"
    await section.get_by_text("select all").click()
    async with page.expect_popup() as popup_info:
        await section.locator("button.authorize").click()
    popup = await popup_info.value
    await popup.wait_for_selector("#username")
    assert popup.url.startswith(f"{server.base_url}/oauth/authorize?")
    assert "code_challenge_method=S256" in popup.url
    await sign_in(popup, *USER)
    await popup.click("#approve")
    # The popup lands on the docs' redirect page, which hands the code to the docs; they
    # exchange it (with the PKCE verifier) at the token endpoint and show "Logout".
    # (once authorized, the flow's form, client_id field included, gives way to "Logout")
    await page.locator(".auth-container button", has_text="Logout").first.wait_for(timeout=15_000)
    stored = await page.evaluate("() => window.localStorage.getItem('authorized')")
    assert stored is not None
    token = json.loads(stored)["oauth2"]["token"]["access_token"]
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        me = await api.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == USER[0]
    assert violations == []
    await page.close()
