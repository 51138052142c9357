"""Classic errors (plain sentences, or RFC 9457 on request; never a 500), tenancy, and the
setting that makes classic writes need a token."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.support.accounts import account_in
from tests.support.apps import make_client, running_app
from tests.support.classic import PROBLEM, V3, XML_BODY, assert_plain, json_ok, pet_xml
from tests.support.problems import assert_problem
from tests.support.settings import fast_settings

PET = {"name": "doggie", "photoUrls": []}


async def test_errors_are_problems_for_clients_that_accept_them(
    client: httpx.AsyncClient,
) -> None:
    missing = assert_problem(await client.get(f"{V3}/pet/99", headers=PROBLEM), 404, "not-found")
    assert missing["detail"] == "Pet not found"
    bad_id = await client.get(f"{V3}/pet/x", headers=PROBLEM)
    assert assert_problem(bad_id, 400, "bad-request")["detail"] == "Invalid ID supplied"
    invalid = await client.post(f"{V3}/pet", json={"name": 1}, headers=PROBLEM)
    assert_problem(invalid, 422, "validation-error")


async def test_unknown_paths_and_methods(client: httpx.AsyncClient) -> None:
    assert_plain(await client.get(f"{V3}/pets"), 404, "Not found")
    wrong = await client.patch(f"{V3}/pet")
    assert_plain(wrong, 405, "Method not allowed")
    assert wrong.headers["allow"] == "POST, PUT"
    reserved = await client.delete(f"{V3}/pet/findByStatus")
    assert_plain(reserved, 405, "Method not allowed")
    assert reserved.headers["allow"] == "GET"
    problem = await client.put(f"{V3}/user/login", headers=PROBLEM)
    assert_problem(problem, 405, "method-not-allowed")


@pytest.mark.parametrize(
    ("content", "content_type", "status", "message"),
    [
        (b"{not json", "application/json", 400, "Invalid input"),
        (b"<pet><name>x</name>", "application/xml", 400, "Invalid input"),
        (b"name=x", "text/plain", 415, "Unsupported media type 'text/plain'"),
        (b"", "", 415, "Unsupported media type 'none'"),
        (
            b'{"name": "x", "photoUrls": [], "id": 9223372036854775808}',
            "application/json",
            422,
            "Validation exception",
        ),
        (
            b'{"name": "a\\u0000b", "photoUrls": []}',
            "application/json",
            422,
            "Validation exception",
        ),
        (
            b'{"name": "x", "photoUrls": [], "status": null}',
            "application/json",
            422,
            "Validation exception",
        ),
        (b'{"name": "x", "photoUrls": "nope"}', "application/json", 422, "Validation exception"),
        (
            b'{"id": "3", "name": "x", "photoUrls": []}',
            "application/json",
            422,
            "Validation exception",
        ),
    ],
)
async def test_bad_bodies_get_the_reference_statuses(
    client: httpx.AsyncClient, content: bytes, content_type: str, status: int, message: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert_plain(await client.post(f"{V3}/pet", content=content, headers=headers), status, message)


async def test_xml_entities_are_refused_not_expanded(client: httpx.AsyncClient) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE pet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><pet><name>&b;</name>'
        b"<photoUrls/></pet>"
    )
    refused = await client.post(f"{V3}/pet", content=bomb, headers=XML_BODY)
    assert_plain(refused, 400, "Invalid input")
    outside = b'<!DOCTYPE pet [<!ENTITY e SYSTEM "file:///etc/passwd">]><pet><name>&e;</name></pet>'
    assert_plain(await client.post(f"{V3}/pet", content=outside, headers=XML_BODY), 400,
                 "Invalid input")  # fmt: skip


async def test_out_of_range_ids_are_invalid_ids(client: httpx.AsyncClient) -> None:
    assert_plain(await client.get(f"{V3}/pet/9223372036854775808"), 400, "Invalid ID supplied")
    assert_plain(await client.get(f"{V3}/store/order/1e3"), 400, "Invalid ID supplied")


async def test_tenants_have_their_own_stores(app: FastAPI, client: httpx.AsyncClient) -> None:
    json_ok(await client.post(f"{V3}/pet", json={**PET, "id": 1}))
    async with make_client(app, str(uuid.uuid4())) as other:
        assert json_ok(await other.get(f"{V3}/pet/1"))["name"] == "Cat 1"
        assert_plain(
            await other.get(f"{V3}/pet/1", headers={"X-Tenant-ID": "nope"}),
            400,
            "Invalid X-Tenant-ID header: a UUID is expected",
        )
    async with make_client(app, None) as shared:  # no X-Tenant-ID: the default tenant
        assert json_ok(await shared.get(f"{V3}/pet/10"))["name"] == "Rabbit 1"
    assert json_ok(await client.get(f"{V3}/pet/1"))["name"] == "doggie"


@pytest.fixture
async def guarded(database_url: str) -> AsyncIterator[FastAPI]:
    settings = fast_settings(database_url, classic_writes_require_token=True)
    async with running_app(settings) as application:
        yield application


async def test_a_setting_makes_writes_require_a_token(guarded: FastAPI, tenant: str) -> None:
    staff = await account_in(guarded, tenant, staff=True)
    user = await account_in(guarded, tenant)
    async with make_client(guarded, tenant) as client:
        refused = await client.post(f"{V3}/pet", json=PET)
        assert_plain(refused, 401, "Authentication is required to access this resource.")
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert json_ok(await client.get(f"{V3}/pet/1"))["id"] == 1  # reads stay open
        no_scope = await client.post(f"{V3}/pet", json=PET, headers=user.auth)
        assert_plain(
            no_scope,
            403,
            "This operation needs the scope(s): write:pets. Only the STAFF role holds it; "
            "an operator grants it with `petstore user promote <username>`.",
        )
        json_ok(await client.post(f"{V3}/pet", json=PET, headers=staff.auth))
        json_ok(await client.post(f"{V3}/user", json={"username": "u"}, headers=user.auth))
        assert (await client.delete(f"{V3}/store/order/1")).status_code == 401
        forged = {"Authorization": "Bearer not-a-token"}
        assert (await client.put(f"{V3}/pet", content=pet_xml(1), headers=XML_BODY | forged)
                ).status_code == 401  # fmt: skip
    async with make_client(guarded, str(uuid.uuid4())) as elsewhere:
        other_tenant = await elsewhere.post(f"{V3}/pet", json=PET, headers=staff.auth)
        assert_plain(other_tenant, 403, "The access token was issued for another tenant.")
