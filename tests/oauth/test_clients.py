"""The staff-only ``/v1/oauth/clients`` API and the ``petstore client`` command."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from petstore.container import container_of
from petstore.oauth.models import OAuthClient
from tests.support.accounts import Account, bearer
from tests.support.idempotency import assert_secret_shown_once
from tests.support.oauth import (
    DEVICE_GRANT,
    REDIRECT,
    assert_oauth_error,
    exchange,
    get_code,
    pkce,
    register,
)
from tests.support.problems import assert_problem
from tests.support.servers import petstore, server_env

KIOSK = {
    "name": "Adoption kiosk",
    "redirectUris": [REDIRECT],
    "grantTypes": ["authorization_code", "refresh_token"],
}


async def test_staff_register_list_read_and_delete_clients(
    app: FastAPI, oc: httpx.AsyncClient, staff: Account, tenant: str
) -> None:
    created = await oc.post("/v1/oauth/clients", json=KIOSK, headers=staff.auth)
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"].endswith(f"/v1/oauth/clients/{body['id']}")
    assert created.headers["cache-control"] == "no-store"
    assert body["clientId"] == body["id"]
    assert body["public"] is False
    assert body["tenantId"] == tenant
    assert body["scope"].split() == sorted(body["scope"].split())
    secret = body["clientSecret"]
    assert len(secret) >= 43
    # Hashed at rest; the secret itself is nowhere in the database row.
    async with container_of(app).sessionmaker() as session:
        row = await session.scalar(select(OAuthClient).where(OAuthClient.client_id == body["id"]))
        assert row is not None
        assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in repr(vars(row))
    # Shown once: reads never include it.
    read = await oc.get(f"/v1/oauth/clients/{body['id']}", headers=staff.auth)
    assert read.status_code == 200
    assert "clientSecret" not in read.json()
    assert read.headers["etag"]
    listed = await oc.get("/v1/oauth/clients", headers=staff.auth)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["data"]] == [body["id"]]
    assert listed.json()["pagination"]["totalItems"] == 1
    deleted = await oc.delete(f"/v1/oauth/clients/{body['id']}", headers=staff.auth)
    assert deleted.status_code == 204
    assert_problem(
        await oc.get(f"/v1/oauth/clients/{body['id']}", headers=staff.auth), 404, "not-found"
    )


async def test_a_keyed_registration_keeps_no_copy_of_the_secret(
    app: FastAPI, oc: httpx.AsyncClient, staff: Account, tenant: str
) -> None:
    created = await assert_secret_shown_once(
        app, oc, tenant, "/v1/oauth/clients", "clientSecret", staff.auth, json=KIOSK
    )
    listed = await oc.get("/v1/oauth/clients", headers=staff.auth)
    assert [c["id"] for c in listed.json()["data"]] == [created.json()["id"]]


async def test_public_clients_have_no_secret(oc: httpx.AsyncClient, staff: Account) -> None:
    created = await oc.post("/v1/oauth/clients", json={**KIOSK, "public": True}, headers=staff.auth)
    assert created.status_code == 201
    assert created.json()["clientSecret"] is None
    assert created.json()["public"] is True


async def test_only_staff_manage_clients(
    oc: httpx.AsyncClient, user: Account, staff: Account
) -> None:
    assert_problem(await oc.post("/v1/oauth/clients", json=KIOSK), 401, "unauthorized")
    assert_problem(await oc.get("/v1/oauth/clients"), 401, "unauthorized")
    assert_problem(
        await oc.post("/v1/oauth/clients", json=KIOSK, headers=user.auth), 403, "forbidden"
    )
    assert_problem(await oc.get("/v1/oauth/clients", headers=user.auth), 403, "forbidden")
    made = await register(oc, staff, grants=["client_credentials"])
    assert_problem(
        await oc.delete(f"/v1/oauth/clients/{made.body['id']}", headers=user.auth),
        403,
        "forbidden",
    )


async def test_a_third_party_clients_token_cannot_manage_clients(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account
) -> None:
    """A staff member who signs in to some app must not let that app register more apps."""
    app_client = await register(oc, staff, grants=["authorization_code"], public=True)
    verifier = pkce()
    code = await get_code(browser, app_client, staff, verifier)
    token = (await exchange(oc, app_client, code, verifier.verifier)).json()["access_token"]
    assert (await oc.get("/v1/users/me", headers=bearer(token))).status_code == 200
    refused = await oc.post("/v1/oauth/clients", json=KIOSK, headers=bearer(token))
    assert_problem(refused, 403, "forbidden")


async def test_clients_are_invisible_to_other_tenants(
    app: FastAPI, oc: httpx.AsyncClient, staff: Account
) -> None:
    made = await register(oc, staff, grants=["client_credentials"])
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://localhost",
        headers={"X-Tenant-ID": str(uuid.uuid4())},
    )
    async with other:
        # The staff token is for the test's tenant: another tenant refuses it outright.
        response = await other.get(f"/v1/oauth/clients/{made.body['id']}", headers=staff.auth)
    assert_problem(response, 403, "forbidden")
    assert_problem(
        await oc.get(f"/v1/oauth/clients/{uuid.uuid4()}", headers=staff.auth), 404, "not-found"
    )
    assert_problem(
        await oc.get("/v1/oauth/clients/not-a-uuid", headers=staff.auth), 400, "bad-request"
    )


async def test_the_docs_client_is_not_managed_through_the_api(
    oc: httpx.AsyncClient, staff: Account
) -> None:
    listed = (await oc.get("/v1/oauth/clients", headers=staff.auth)).json()
    assert all(c["clientId"] != "petstore-docs" for c in listed["data"])
    docs_id = "019ad9e0-0000-7000-8000-000000000001"
    assert_problem(
        await oc.delete(f"/v1/oauth/clients/{docs_id}", headers=staff.auth), 404, "not-found"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"public": True, "grantTypes": ["client_credentials"]}, "grantTypes"),
        ({"redirectUris": ["http://app.example.com/cb"]}, "redirectUris"),
        ({"redirectUris": ["https://app.example.com/cb#frag"]}, "redirectUris"),
        ({"redirectUris": []}, "redirectUris"),
        ({"grantTypes": ["implicit"]}, "grantTypes"),
        ({"grantTypes": []}, "grantTypes"),
        ({"scope": "read:pets admin:all"}, "scope"),
        ({"grantTypes": ["client_credentials"], "scope": "read:orders"}, "scope"),
        ({"name": ""}, "name"),
        ({"public": "yes"}, "public"),
    ],
)
async def test_invalid_registrations_are_422(
    oc: httpx.AsyncClient, staff: Account, change: dict[str, Any], field: str
) -> None:
    response = await oc.post("/v1/oauth/clients", json={**KIOSK, **change}, headers=staff.auth)
    body = assert_problem(response, 422, "validation-error")
    assert any(e["field"].startswith(field) for e in body["errors"]), body


async def test_loopback_http_redirects_are_allowed_for_native_apps(
    oc: httpx.AsyncClient, staff: Account
) -> None:
    uris = ["http://127.0.0.1:8765/cb", "http://localhost/cb"]
    made = await register(oc, staff, grants=["authorization_code"], public=True, redirect_uris=uris)
    assert made.body["redirectUris"] == uris


async def test_client_credentials_default_to_read_pets(
    oc: httpx.AsyncClient, staff: Account
) -> None:
    made = await register(oc, staff, grants=["client_credentials"])
    assert made.body["scope"] == "read:pets"


async def test_deleting_a_client_revokes_its_tokens(
    oc: httpx.AsyncClient, browser: httpx.AsyncClient, staff: Account, user: Account
) -> None:
    registered = await register(oc, staff, grants=["authorization_code", "refresh_token"])
    verifier = pkce()
    code = await get_code(browser, registered, user, verifier, scope="read:user")
    tokens = (await exchange(oc, registered, code, verifier.verifier)).json()
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 200
    await oc.delete(f"/v1/oauth/clients/{registered.body['id']}", headers=staff.auth)
    assert (await oc.get("/v1/users/me", headers=bearer(tokens["access_token"]))).status_code == 401
    gone = await oc.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=registered.basic,
    )
    assert_oauth_error(gone, 401, "invalid_client")


async def test_deleting_a_client_cuts_off_its_client_credentials_tokens(
    oc: httpx.AsyncClient, staff: Account
) -> None:
    registered = await register(oc, staff, grants=["client_credentials"], scope="write:pets")
    token = await oc.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=registered.basic
    )
    access = token.json()["access_token"]
    pet = {"name": "Rex", "species": "DOG", "price": "10.00", "ageMonths": 3}
    assert (await oc.post("/v1/pets", json=pet, headers=bearer(access))).status_code == 201
    await oc.delete(f"/v1/oauth/clients/{registered.body['id']}", headers=staff.auth)
    assert_problem(await oc.post("/v1/pets", json=pet, headers=bearer(access)), 401, "unauthorized")


def test_cli_creates_a_client_and_shows_the_secret_once(tmp_path: Path) -> None:
    env = server_env(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    petstore(env, "migrate")
    out = petstore(
        env,
        "client",
        "create",
        "--name",
        "Inventory sync",
        "--grant",
        "client_credentials",
        "--scope",
        "read:pets write:pets",
    )
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    assert lines["scope"] == "read:pets write:pets"
    assert len(lines["client_secret"]) >= 43
    public = petstore(
        env,
        "client",
        "create",
        "--name",
        "TV",
        "--grant",
        "device_code",
        "--grant",
        "refresh_token",
        "--public",
    )
    assert "client_secret" not in public
    assert DEVICE_GRANT in public
    listed = petstore(env, "client", "list")
    assert lines["client_id"] in listed
    assert lines["client_secret"] not in listed
    with pytest.raises(RuntimeError, match="redirect"):
        petstore(env, "client", "create", "--name", "X", "--grant", "authorization_code")
    assert "deleted" in petstore(env, "client", "delete", lines["client_id"])
    assert lines["client_id"] not in petstore(env, "client", "list")
