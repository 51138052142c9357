"""The device flow (RFC 8628) through the ``/device`` page, client credentials, revocation
(RFC 7009), introspection (RFC 7662), the RFC 8414 metadata and the protocol's error format."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from authlib.oauth2.rfc8628 import endpoint as rfc8628_endpoint
from fastapi import FastAPI
from sqlalchemy import select, update

from petstore.app import create_app
from petstore.auth.scopes import Role
from petstore.container import container_of
from petstore.core.ids import utcnow
from petstore.oauth.models import DeviceAuthorization
from petstore.users import service as users_service
from petstore.users.schemas import UserCreate
from tests.support.accounts import PASSWORD, Account, bearer
from tests.support.oauth import (
    BASE,
    DEVICE_GRANT,
    RegisteredClient,
    assert_oauth_error,
    csrf_of,
    exchange,
    expire,
    get_code,
    oauth_http,
    pkce,
    register,
)
from tests.support.pets import PET
from tests.support.settings import fast_settings

DEVICE_GRANTS = [DEVICE_GRANT, "refresh_token"]
USER_CODE = re.compile(r"[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}")


async def device_start(
    oc: httpx.AsyncClient, registered: RegisteredClient, scope: str | None = None
) -> httpx.Response:
    data = registered.auth_params()
    if scope is not None:
        data["scope"] = scope
    return await oc.post("/oauth/device/authorize", data=data)


async def poll(
    oc: httpx.AsyncClient, registered: RegisteredClient, device_code: str
) -> httpx.Response:
    return await oc.post(
        "/oauth/token",
        data={"grant_type": DEVICE_GRANT, "device_code": device_code, **registered.auth_params()},
    )


async def allow_last_poll(app: FastAPI, client_id: str) -> None:
    """Pretend the device waited its interval (instead of sleeping 5 s in a test)."""
    async with container_of(app).sessionmaker() as session:
        await session.execute(
            update(DeviceAuthorization)
            .where(DeviceAuthorization.client_id == client_id)
            .values(last_polled_at=utcnow() - timedelta(seconds=60))
        )
        await session.commit()


async def device_page_decide(
    browser: httpx.AsyncClient, user_code: str, account: Account, action: str
) -> httpx.Response:
    """What a user does at /device: enter the code, sign in, approve or deny."""
    page = await browser.get("/device", params={"user_code": user_code})
    assert page.status_code == 200
    assert user_code in page.text
    login = await browser.post(
        "/device", data={"csrf_token": csrf_of(page), "action": "lookup", "user_code": user_code}
    )
    assert login.status_code == 200, login.text
    assert 'name="password"' in login.text
    consent = await browser.post(
        "/device",
        data={
            "csrf_token": csrf_of(login),
            "action": "login",
            "user_code": user_code,
            "username": account.username,
            "password": account.password,
        },
    )
    assert consent.status_code == 200, consent.text
    assert user_code in consent.text
    return await browser.post(
        "/device",
        data={"csrf_token": csrf_of(consent), "action": action, "user_code": user_code},
    )


# --- device flow --------------------------------------------------------------------------


async def test_device_flow_end_to_end(
    app: FastAPI, oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True, name="Living-room TV")
    started = await device_start(oc, registered)
    assert started.status_code == 200, started.text
    grant = started.json()
    assert grant["verification_uri"] == f"{BASE}/device"
    assert grant["verification_uri_complete"] == f"{BASE}/device?user_code={grant['user_code']}"
    assert grant["interval"] == 5
    assert grant["expires_in"] == 600
    assert len(grant["user_code"]) == 9
    assert_oauth_error(
        await poll(oc, registered, grant["device_code"]), 400, "authorization_pending"
    )
    # Polling again at once is too fast, and the device must now wait 5 s longer (RFC 8628 §3.5).
    assert_oauth_error(await poll(oc, registered, grant["device_code"]), 400, "slow_down")
    async with container_of(app).sessionmaker() as session:
        interval = await session.scalar(
            select(DeviceAuthorization.interval).where(
                DeviceAuthorization.client_id == registered.client_id
            )
        )
    assert interval == grant["interval"] + 5

    done = await device_page_decide(browser, grant["user_code"], user, "approve")
    assert done.status_code == 200
    assert "Device connected" in done.text

    await allow_last_poll(app, registered.client_id)
    token = await poll(oc, registered, grant["device_code"])
    assert token.status_code == 200, token.text
    tokens = token.json()
    # The device flow grants at most read:pets and chat:write, whatever the client holds.
    assert tokens["scope"] == "chat:write read:pets"
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["sub"] == user.id
    assert claims["client_id"] == registered.client_id
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 403
    # The device code is single use.
    assert_oauth_error(await poll(oc, registered, grant["device_code"]), 400, "invalid_grant")
    # And the refresh token rotates like any other.
    again = await oc.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            **registered.auth_params(),
        },
    )
    assert again.status_code == 200


@pytest.mark.parametrize("scope", ["read:pets write:pets", "read:orders", "read:user chat:write"])
async def test_device_flow_grants_only_read_pets_and_chat(
    oc: httpx.AsyncClient, staff: Account, scope: str
) -> None:
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    assert_oauth_error(await device_start(oc, registered, scope), 400, "invalid_scope")
    narrower = await device_start(oc, registered, "read:pets")
    assert narrower.status_code == 200


async def test_device_flow_needs_the_grant_registered(
    oc: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=["authorization_code"], public=True)
    assert_oauth_error(await device_start(oc, registered), 400, "unauthorized_client")


async def test_denied_device_gets_access_denied(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    grant = (await device_start(oc, registered)).json()
    done = await device_page_decide(browser, grant["user_code"], user, "deny")
    assert "Access denied" in done.text
    assert_oauth_error(await poll(oc, registered, grant["device_code"]), 400, "access_denied")


async def test_expired_device_code_answers_expired_token(
    app: FastAPI, oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    grant = (await device_start(oc, registered)).json()
    assert (
        await expire(app, DeviceAuthorization, registered.client_id, ago=timedelta(seconds=1)) == 1
    )
    # A new authorization purges old ones, but keeps the recently expired: late polls still
    # hear expired_token (RFC 8628 §3.5), not invalid_grant.
    assert (await device_start(oc, registered)).status_code == 200
    assert_oauth_error(await poll(oc, registered, grant["device_code"]), 400, "expired_token")
    page = await browser.get("/device")
    lookup = await browser.post(
        "/device",
        data={"csrf_token": csrf_of(page), "action": "lookup", "user_code": grant["user_code"]},
    )
    assert lookup.status_code == 400
    assert "not valid or has expired" in lookup.text


async def test_device_authorizations_expired_a_day_ago_are_purged(
    app: FastAPI, oc: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    grant = (await device_start(oc, registered)).json()
    assert (
        await expire(app, DeviceAuthorization, registered.client_id, ago=timedelta(days=1, hours=1))
        == 1
    )
    assert (await device_start(oc, registered)).status_code == 200
    assert_oauth_error(await poll(oc, registered, grant["device_code"]), 400, "invalid_grant")
    async with container_of(app).sessionmaker() as session:
        kept = await session.scalars(
            select(DeviceAuthorization.user_code).where(
                DeviceAuthorization.client_id == registered.client_id
            )
        )
        assert grant["user_code"] not in kept.all()


async def test_a_new_user_code_never_repeats_a_kept_one(
    oc: httpx.AsyncClient, staff: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    first = (await device_start(oc, registered)).json()["user_code"]
    # Force the generator to draw the same code again before a fresh one.
    draws = iter([first, "ZXZX-WVWV"])
    monkeypatch.setattr(rfc8628_endpoint, "create_string_user_code", lambda: next(draws))
    second = await device_start(oc, registered)
    assert second.status_code == 200, second.text
    assert second.json()["user_code"] == "ZXZX-WVWV"


async def test_user_codes_have_no_vowels_and_no_digits(
    oc: httpx.AsyncClient, staff: Account
) -> None:
    """Two groups of four consonants: no words can be spelt, no 0/O or 1/I confused (the
    alphabet is Authlib's; an upgrade that changed it would show here)."""
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    codes = [(await device_start(oc, registered)).json()["user_code"] for _ in range(25)]
    assert all(USER_CODE.fullmatch(code) for code in codes), codes
    assert len(set(codes)) == len(codes)


async def test_device_code_belongs_to_its_client(oc: httpx.AsyncClient, staff: Account) -> None:
    mine = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    other = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    grant = (await device_start(oc, mine)).json()
    assert_oauth_error(await poll(oc, other, grant["device_code"]), 400, "unauthorized_client")
    assert_oauth_error(await poll(oc, mine, "not-a-device-code"), 400, "invalid_grant")


async def test_user_code_is_accepted_in_any_spelling(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    grant = (await device_start(oc, registered)).json()
    sloppy = grant["user_code"].replace("-", " ").lower()
    page = await browser.get("/device")
    lookup = await browser.post(
        "/device", data={"csrf_token": csrf_of(page), "action": "lookup", "user_code": sloppy}
    )
    assert lookup.status_code == 200
    assert 'name="password"' in lookup.text


async def test_device_page_needs_the_csrf_token(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
    grant = (await device_start(oc, registered)).json()
    await browser.get("/device")
    refused = await browser.post(
        "/device", data={"action": "lookup", "user_code": grant["user_code"]}
    )
    assert refused.status_code == 403


@pytest.fixture
async def strict_app(database_url: str) -> AsyncIterator[FastAPI]:
    """An app whose wrong-user-code budget is small enough to exhaust in a test."""
    application = create_app(fast_settings(database_url, device_code_failures_per_ip=3))
    async with application.router.lifespan_context(application):
        yield application


async def test_brute_forcing_user_codes_locks_the_guesser_out(
    strict_app: FastAPI, staff: Account, tenant: str
) -> None:
    async with oauth_http(strict_app, tenant) as oc, oauth_http(strict_app, None) as browser:
        registered = await register(oc, staff, grants=DEVICE_GRANTS, public=True)
        grant = (await device_start(oc, registered)).json()
        page = await browser.get("/device")
        csrf = csrf_of(page)
        for guess in ("BCDF-GHJK", "LMNP-QRST", "VWXZ-BCDF"):
            wrong = await browser.post(
                "/device", data={"csrf_token": csrf, "action": "lookup", "user_code": guess}
            )
            assert wrong.status_code == 400
        # Budget spent: even the right code is refused now.
        right = await browser.post(
            "/device",
            data={"csrf_token": csrf, "action": "lookup", "user_code": grant["user_code"]},
        )
        assert right.status_code == 429
        assert "Too many" in right.text
        assert_oauth_error(
            await poll(oc, registered, grant["device_code"]), 400, "authorization_pending"
        )


# --- client credentials -------------------------------------------------------------------


async def test_client_credentials_get_the_registered_scopes(
    oc: httpx.AsyncClient, staff: Account, tenant: str
) -> None:
    registered = await register(
        oc, staff, grants=["client_credentials"], scope="read:pets write:pets", name="Sync"
    )
    response = await oc.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=registered.basic
    )
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["scope"] == "read:pets write:pets"
    assert "refresh_token" not in tokens
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["sub"] == registered.body["id"]
    assert claims["tid"] == tenant
    # Service-to-service: the sync service may add pets to the catalog.
    created = await oc.post("/v1/pets", json=PET, headers=bearer(tokens["access_token"]))
    assert created.status_code == 201, created.text
    narrower = await oc.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "read:pets"},
        auth=registered.basic,
    )
    assert narrower.json()["scope"] == "read:pets"


@pytest.mark.parametrize("scope", ["chat:write", "read:pets read:orders", "write:user"])
async def test_client_credentials_cannot_exceed_the_registered_scopes(
    oc: httpx.AsyncClient, staff: Account, scope: str
) -> None:
    registered = await register(oc, staff, grants=["client_credentials"], scope="read:pets")
    response = await oc.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": scope},
        auth=registered.basic,
    )
    assert_oauth_error(response, 400, "invalid_scope")


async def test_client_credentials_need_the_secret_and_the_grant(
    oc: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=["client_credentials"])
    no_secret = await oc.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": registered.client_id},
    )
    assert_oauth_error(no_secret, 401, "invalid_client")
    code_only = await register(oc, staff, grants=["authorization_code"])
    refused = await oc.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=code_only.basic
    )
    assert_oauth_error(refused, 400, "unauthorized_client")


# --- revocation and introspection ---------------------------------------------------------


async def user_tokens(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, registered: RegisteredClient, user: Account
) -> dict[str, Any]:
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier, scope="read:user")
    response = await exchange(oc, registered, code, verifier.verifier)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


async def test_revoking_a_refresh_token_revokes_its_family(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=["authorization_code", "refresh_token"])
    tokens = await user_tokens(oc, browser, registered, user)
    revoked = await oc.post(
        "/oauth/revoke",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        auth=registered.basic,
    )
    assert revoked.status_code == 200
    assert_oauth_error(
        await oc.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=registered.basic,
        ),
        400,
        "invalid_grant",
    )
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 401


async def test_revoking_an_access_token(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=["authorization_code"], public=True)
    tokens = await user_tokens(oc, browser, registered, user)
    revoked = await oc.post(
        "/oauth/revoke",
        data={"token": tokens["access_token"], "client_id": registered.client_id},
    )
    assert revoked.status_code == 200
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 401


@pytest.mark.parametrize("token", ["not-a-token", "a.b.c", ""])
async def test_revocation_answers_200_for_unknown_tokens(
    oc: httpx.AsyncClient, staff: Account, token: str
) -> None:
    registered = await register(oc, staff, grants=["client_credentials"])
    response = await oc.post("/oauth/revoke", data={"token": token}, auth=registered.basic)
    assert response.status_code == 200


async def test_revocation_of_another_clients_token_changes_nothing(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    owner = await register(oc, staff, grants=["authorization_code"], public=True)
    other = await register(oc, staff, grants=["client_credentials"])
    tokens = await user_tokens(oc, browser, owner, user)
    response = await oc.post(
        "/oauth/revoke", data={"token": tokens["access_token"]}, auth=other.basic
    )
    assert response.status_code == 200
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 200


async def test_revocation_needs_a_client(oc: httpx.AsyncClient) -> None:
    response = await oc.post("/oauth/revoke", data={"token": "whatever"})
    assert_oauth_error(response, 401, "invalid_client")
    missing = await oc.post("/oauth/revoke", data={"client_id": "petstore-docs"})
    assert_oauth_error(missing, 400, "invalid_request")


async def test_introspection_needs_an_authenticated_confidential_client(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    public = await register(oc, staff, grants=["authorization_code"], public=True)
    tokens = await user_tokens(oc, browser, public, user)
    anonymous = await oc.post("/oauth/introspect", data={"token": tokens["access_token"]})
    assert_oauth_error(anonymous, 401, "invalid_client")
    as_public = await oc.post(
        "/oauth/introspect", data={"token": tokens["access_token"], "client_id": public.client_id}
    )
    assert_oauth_error(as_public, 401, "invalid_client")


async def test_introspection_describes_active_tokens(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account, tenant: str
) -> None:
    app_client = await register(oc, staff, grants=["authorization_code", "refresh_token"])
    resource_server = await register(oc, staff, grants=["client_credentials"])
    tokens = await user_tokens(oc, browser, app_client, user)
    response = await oc.post(
        "/oauth/introspect", data={"token": tokens["access_token"]}, auth=resource_server.basic
    )
    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True
    assert body["scope"] == "read:user"
    assert body["client_id"] == app_client.client_id
    assert body["username"] == user.username
    assert body["sub"] == user.id
    assert body["tid"] == tenant
    assert body["token_type"] == "Bearer"
    assert body["exp"] > body["iat"]
    refresh = await oc.post(
        "/oauth/introspect",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        auth=resource_server.basic,
    )
    assert refresh.json()["active"] is True
    await oc.post("/oauth/revoke", data={"token": tokens["refresh_token"]}, auth=app_client.basic)
    for token in (tokens["access_token"], tokens["refresh_token"], "garbage"):
        gone = await oc.post("/oauth/introspect", data={"token": token}, auth=resource_server.basic)
        assert gone.json() == {"active": False}


async def test_introspection_does_not_cross_tenants(
    app: FastAPI, oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    app_client = await register(oc, staff, grants=["authorization_code"], public=True)
    tokens = await user_tokens(oc, browser, app_client, user)
    other_tenant = str(uuid.uuid4())
    async with container_of(app).sessionmaker() as session:
        name = f"s{uuid.uuid4().hex[:10]}"
        await users_service.sign_up(
            session,
            container_of(app).passwords,
            other_tenant,
            UserCreate(username=name, email=f"{name}@example.com", password=PASSWORD),
            role=Role.STAFF,
        )
        await session.commit()
    async with oauth_http(app, other_tenant) as foreign:
        login = await foreign.post("/v1/auth/tokens", json={"username": name, "password": PASSWORD})
        foreign_staff = Account(
            login.json()["user"]["id"], name, PASSWORD, login.json()["token"], ""
        )
        spy = await register(foreign, foreign_staff, grants=["client_credentials"])
        response = await foreign.post(
            "/oauth/introspect", data={"token": tokens["access_token"]}, auth=spy.basic
        )
    assert response.json() == {"active": False}


# --- protocol errors and metadata ---------------------------------------------------------


async def test_token_endpoint_errors_are_rfc_6749_json(oc: httpx.AsyncClient) -> None:
    unsupported = await oc.post("/oauth/token", data={"grant_type": "password"})
    assert_oauth_error(unsupported, 400, "unsupported_grant_type")
    as_json = await oc.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert_oauth_error(as_json, 400, "invalid_request")
    repeated = await oc.post(
        "/oauth/token",
        content="grant_type=a&grant_type=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_oauth_error(repeated, 400, "invalid_request")
    unknown_client = await oc.post(
        "/oauth/token", data={"grant_type": "authorization_code", "code": "x", "client_id": "nope"}
    )
    assert_oauth_error(unknown_client, 400, "invalid_client")  # 401 only with HTTP Basic
    assert "problem" not in unknown_client.headers["content-type"]


async def test_metadata_follows_rfc_8414(oc: httpx.AsyncClient) -> None:
    response = await oc.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    meta = response.json()
    # Without a public URL the issuer is the tokens' fixed name; the endpoints are the caller's.
    assert meta["issuer"] == meta["access_token_issuer"] == "petstore"
    for key in (
        "authorization_endpoint",
        "token_endpoint",
        "device_authorization_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "jwks_uri",
    ):
        assert meta[key].startswith(BASE + "/"), key
    assert meta["authorization_endpoint"] == f"{BASE}/oauth/authorize"
    assert meta["token_endpoint"] == f"{BASE}/oauth/token"
    assert meta["jwks_uri"] == f"{BASE}/.well-known/jwks.json"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["response_types_supported"] == ["code"]
    assert set(meta["grant_types_supported"]) == {
        "authorization_code",
        "refresh_token",
        "client_credentials",
        DEVICE_GRANT,
    }
    assert "none" not in meta["introspection_endpoint_auth_methods_supported"]
    assert set(meta["scopes_supported"]) >= {"read:pets", "chat:write", "write:pets"}
    # Every advertised endpoint exists (answers something other than 404).
    for key in (
        "token_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "device_authorization_endpoint",
    ):
        assert (await oc.post(meta[key], data={})).status_code != 404
    assert (await oc.get(meta["jwks_uri"])).json()["keys"]
    assert (await oc.get(meta["authorization_endpoint"])).status_code == 400


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"public_url": "https://api.petstore.example"},
        {"jwt_issuer": "https://issuer.petstore.example"},
        {"public_url": "https://api.petstore.example", "jwt_issuer": "urn:petstore:test"},
    ],
    ids=["no-public-url", "public-url", "jwt-issuer", "both"],
)
async def test_login_tokens_carry_the_metadata_issuer(
    database_url: str, overrides: dict[str, str]
) -> None:
    """RFC 9068: whatever the configuration, a login token's ``iss`` is the metadata's
    ``issuer`` (it used to be the request URL without a public URL, ``petstore`` in tokens)."""
    application = create_app(fast_settings(database_url, **overrides))
    name = f"iss{uuid.uuid4().hex[:8]}"
    async with (
        application.router.lifespan_context(application),
        oauth_http(application, str(uuid.uuid4())) as c,
    ):
        account = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        assert (await c.post("/v1/users", json=account)).status_code == 201
        login = await c.post("/v1/auth/tokens", json={"username": name, "password": PASSWORD})
        assert login.status_code == 200, login.text
        token = login.json()["token"]
        meta = (await c.get("/.well-known/oauth-authorization-server")).json()
        me = await c.get("/v1/users/me", headers=bearer(token))
        assert me.status_code == 200, me.text
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == meta["issuer"] == meta["access_token_issuer"]
    expected = overrides.get("jwt_issuer") or overrides.get("public_url") or "petstore"
    assert meta["issuer"] == expected


async def test_metadata_and_openapi_follow_the_public_url(database_url: str) -> None:
    public = "https://api.petstore.example"
    application = create_app(fast_settings(database_url, public_url=public))
    name = f"iss{uuid.uuid4().hex[:8]}"
    async with (
        application.router.lifespan_context(application),
        oauth_http(application, str(uuid.uuid4())) as c,
    ):
        meta = (await c.get("/.well-known/oauth-authorization-server")).json()
        document = (await c.get("/v1/openapi.json")).json()
        account = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        assert (await c.post("/v1/users", json=account)).status_code == 201
        login = await c.post("/v1/auth/tokens", json={"username": name, "password": PASSWORD})
        token = login.json()["token"]
        me = await c.get("/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
    assert meta["issuer"] == public
    # RFC 9068: the tokens' issuer is the one the metadata names.
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == meta["issuer"] == meta["access_token_issuer"]
    assert meta["token_endpoint"] == f"{public}/oauth/token"
    flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["authorizationCode"]["authorizationUrl"] == f"{public}/oauth/authorize"
    assert flows["authorizationCode"]["tokenUrl"] == f"{public}/oauth/token"
    assert flows["deviceAuthorization"]["deviceAuthorizationUrl"] == (
        f"{public}/oauth/device/authorize"
    )
    assert set(flows["deviceAuthorization"]["scopes"]) == {"read:pets", "chat:write"}
    assert flows["clientCredentials"]["tokenUrl"] == f"{public}/oauth/token"


async def test_without_a_public_url_the_openapi_flows_are_relative_to_the_server(
    oc: httpx.AsyncClient,
) -> None:
    document = (await oc.get("/v1/openapi.json")).json()
    flows = document["components"]["securitySchemes"]["oauth2"]["flows"]
    authorize_url = flows["authorizationCode"]["authorizationUrl"]
    assert authorize_url == "/oauth/authorize"
    # Resolved against the server (as Swagger UI does), the URL is the real endpoint.
    resolved = httpx.URL(BASE).join(authorize_url)
    assert (await oc.get(resolved)).status_code == 400  # a real endpoint, asking for params


async def test_oauth_refuses_plain_http_outside_loopback(client: httpx.AsyncClient) -> None:
    """``client`` talks to the app as http://petstore.test: not TLS, not loopback."""
    token = await client.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert_oauth_error(token, 400, "insecure_transport")
    for path in ("/oauth/authorize", "/device"):
        page = await client.get(path)
        assert page.status_code == 400
        assert "https" in page.text
