"""Helpers for the OAuth tests: clients of the app as ``http://localhost``, PKCE pairs,
registering clients, walking the HTML pages the way a browser would (cookies kept, CSRF tokens
taken from the forms) and calling the endpoints."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from petstore.container import container_of
from petstore.core.ids import utcnow
from petstore.oauth.models import AuthorizationCode, DeviceAuthorization
from tests.support.accounts import Account
from tests.support.apps import make_client

# Authlib refuses plain http except on loopback: tests talk to the app as http://localhost.
BASE = "http://localhost"
REDIRECT = "https://app.example.com/callback"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def oauth_http(app: FastAPI, tenant: str | None) -> httpx.AsyncClient:
    """A client of ``app`` at ``BASE`` (where Authlib accepts plain http)."""
    return make_client(app, tenant, BASE)


@dataclass
class Pkce:
    verifier: str
    challenge: str


def pkce() -> Pkce:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return Pkce(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode())


@dataclass
class RegisteredClient:
    client_id: str
    secret: str | None
    body: dict[str, Any]

    @property
    def basic(self) -> httpx.BasicAuth:
        assert self.secret is not None
        return httpx.BasicAuth(self.client_id, self.secret)

    def auth_params(self) -> dict[str, str]:
        """Form parameters that identify (public) or authenticate (confidential) the client."""
        params = {"client_id": self.client_id}
        if self.secret is not None:
            params["client_secret"] = self.secret
        return params


async def register(
    client: httpx.AsyncClient,
    staff: Account,
    *,
    grants: list[str],
    public: bool = False,
    redirect_uris: list[str] | None = None,
    scope: str | None = None,
    name: str = "Test app",
) -> RegisteredClient:
    body: dict[str, Any] = {"name": name, "grantTypes": grants, "public": public}
    if redirect_uris is not None:
        body["redirectUris"] = redirect_uris
    elif "authorization_code" in grants:
        body["redirectUris"] = [REDIRECT]
    if scope is not None:
        body["scope"] = scope
    response = await client.post("/v1/oauth/clients", json=body, headers=staff.auth)
    assert response.status_code == 201, response.text
    data = response.json()
    return RegisteredClient(data["clientId"], data["clientSecret"], data)


def csrf_of(page: httpx.Response) -> str:
    match = CSRF.search(page.text)
    assert match, page.text[:1000]
    return match.group(1)


def authorize_params(
    client_id: str, verifier: Pkce, *, scope: str | None = None, **extra: str
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "state": secrets.token_urlsafe(8),
        "code_challenge": verifier.challenge,
        "code_challenge_method": "S256",
    }
    if scope is not None:
        params["scope"] = scope
    params.update(extra)
    return {k: v for k, v in params.items() if v != ""}


async def sign_in(
    browser: httpx.AsyncClient,
    params: dict[str, str],
    username: str,
    password: str,
    **fields: str,
) -> httpx.Response:
    """GET the authorization page (the login form), then post the credentials; returns the
    consent page."""
    page = await browser.get("/oauth/authorize", params=params)
    assert page.status_code == 200, page.text[:1000]
    form = {"csrf_token": csrf_of(page), "action": "login", "username": username}
    form.update({"password": password, **fields})
    return await browser.post("/oauth/authorize", params=params, data=form)


async def approve(
    browser: httpx.AsyncClient, params: dict[str, str], consent: httpx.Response
) -> httpx.Response:
    assert consent.status_code == 200, consent.text[:1000]
    return await browser.post(
        "/oauth/authorize",
        params=params,
        data={"csrf_token": csrf_of(consent), "action": "approve"},
    )


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text[:1000]
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?"), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def get_code(
    browser: httpx.AsyncClient,
    registered: RegisteredClient,
    account: Account,
    verifier: Pkce,
    scope: str | None = None,
) -> str:
    params = authorize_params(registered.client_id, verifier, scope=scope)
    consent = await sign_in(browser, params, account.username, account.password)
    query = redirect_query(await approve(browser, params, consent))
    assert query["state"] == params["state"]
    return query["code"]


async def exchange(
    client: httpx.AsyncClient,
    registered: RegisteredClient,
    code: str,
    verifier: str | None,
    redirect_uri: str = REDIRECT,
    **extra: str,
) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, **extra}
    if verifier is not None:
        data["code_verifier"] = verifier
    data.update(registered.auth_params())
    return await client.post("/oauth/token", data=data)


async def refresh(
    client: httpx.AsyncClient, registered: RegisteredClient, token: str, **extra: str
) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": token, **extra}
    data.update(registered.auth_params())
    return await client.post("/oauth/token", data=data)


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    """An RFC 6749 §5.2 error: JSON with ``error``, never cached."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    return body


async def expire(
    app: FastAPI,
    table: type[AuthorizationCode] | type[DeviceAuthorization],
    client_id: str,
    ago: timedelta,
) -> int:
    """Backdate the expiry of a client's codes or device authorizations (instead of waiting);
    how many there were."""
    async with container_of(app).sessionmaker() as session:
        result = await session.execute(
            update(table).where(table.client_id == client_id).values(expires_at=utcnow() - ago)
        )
        await session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
