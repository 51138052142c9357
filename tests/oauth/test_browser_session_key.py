"""The sign-in cookie of the OAuth pages is signed with a key derived from the token-signing
key: instances that share a key file accept each other's signed-in browsers, and with the key
file mounted, nothing stored in the database is enough to forge a signed-in browser (which
would be as good as a token of that user)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from sqlalchemy import select

from petstore.app import create_app
from petstore.auth.keys import derive_key
from petstore.auth.models import SigningKey
from petstore.container import container_of
from petstore.core.secrets import ServerSecret
from petstore.oauth.browser import COOKIE, Sessions
from tests.support.accounts import Account
from tests.support.oauth import authorize_params, oauth_http, pkce, register, sign_in
from tests.support.settings import fast_settings


@pytest.fixture
def mounted_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key_file(tmp_path: Path, mounted_key: rsa.RSAPrivateKey) -> Path:
    path = tmp_path / "signing-key.pem"
    path.write_bytes(
        mounted_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.fixture
async def two_instances(database_url: str, key_file: Path) -> AsyncIterator[list[FastAPI]]:
    settings = fast_settings(database_url, jwt_private_key_file=key_file)
    instances = [create_app(settings), create_app(settings)]
    async with AsyncExitStack() as stack:
        for instance in instances:
            await stack.enter_async_context(instance.router.lifespan_context(instance))
        yield instances


def signed(payload: str, key: bytes) -> str:
    return f"{payload}.{hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()}"


async def is_signed_in(instance: FastAPI, cookie: str, params: dict[str, str]) -> bool:
    async with oauth_http(instance, None) as browser:
        browser.cookies.set(COOKIE, cookie)
        page = await browser.get("/oauth/authorize", params=params)
    assert page.status_code == 200, page.text[:500]
    return 'name="password"' not in page.text  # the consent page, not the sign-in form


async def test_the_sign_in_cookie_key_comes_from_the_key_file_not_the_database(
    app: FastAPI,
    oc: httpx.AsyncClient,
    staff: Account,
    user: Account,
    two_instances: list[FastAPI],
    mounted_key: rsa.RSAPrivateKey,
) -> None:
    first, second = two_instances
    registered = await register(oc, staff, grants=["authorization_code"], public=True)
    params = authorize_params(registered.client_id, pkce())
    async with oauth_http(first, None) as browser:
        consent = await sign_in(browser, params, user.username, user.password)
        assert consent.status_code == 200, consent.text[:500]
        cookie = browser.cookies[COOKIE]
    payload = cookie.rpartition(".")[0]

    # Another instance with the same key file knows this browser.
    assert await is_signed_in(second, cookie, params)
    # The cookie is re-signed the way the server signs it (a control for the forgeries below).
    resigned = signed(payload, derive_key(mounted_key, Sessions.KEY_PURPOSE))
    assert await is_signed_in(first, resigned, params)

    # Every secret and signing key the database holds fails to forge it.
    async with container_of(app).sessionmaker() as session:
        secrets = (await session.scalars(select(ServerSecret.value))).all()
        stored_keys = (await session.scalars(select(SigningKey.private_pem))).all()
    candidates = [value.encode() for value in secrets]
    for value in secrets:
        try:
            candidates.append(bytes.fromhex(value))
        except ValueError:
            continue
    for pem in stored_keys:
        stored = serialization.load_pem_private_key(pem.encode(), password=None)
        assert isinstance(stored, rsa.RSAPrivateKey)
        candidates.append(derive_key(stored, Sessions.KEY_PURPOSE))
    assert stored_keys, "the shared test app signs with a key stored in the database"
    for candidate in candidates:
        assert not await is_signed_in(first, signed(payload, candidate), params)
