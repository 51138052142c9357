"""Caps on webhook subscriptions: per user and per tenant, 409 past either, and no race past
a cap when creations arrive together (PostgreSQL locks the tenant's count; SQLite serialises
writers), on every database."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from petstore.core.settings import Settings
from tests.support.accounts import Account, account_in
from tests.support.apps import make_client, running_app
from tests.support.problems import assert_problem
from tests.support.webhooks import subscribe, webhook_settings

PER_USER = 2
PER_TENANT = 3
HOOK = "http://127.0.0.1:9/hook"


@pytest.fixture(scope="module")
async def capped(database_url: str) -> AsyncIterator[FastAPI]:
    settings = webhook_settings(
        database_url, webhook_max_per_user=PER_USER, webhook_max_per_tenant=PER_TENANT
    )
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def capped_client(capped: FastAPI, tenant: str) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(capped, tenant) as client:
        yield client


async def _create(client: httpx.AsyncClient, account: Account) -> httpx.Response:
    return await client.post(
        "/v1/webhooks", json={"url": HOOK, "events": ["*"]}, headers=account.auth
    )


def test_the_caps_default_to_20_per_user_and_100_per_tenant() -> None:
    fields = Settings.model_fields
    assert fields["webhook_max_per_user"].default == 20
    assert fields["webhook_max_per_tenant"].default == 100


async def test_a_user_past_the_cap_gets_409_naming_the_limit(
    capped: FastAPI, capped_client: httpx.AsyncClient, tenant: str
) -> None:
    owner = await account_in(capped, tenant)
    first = [await subscribe(capped_client, owner, HOOK) for _ in range(PER_USER)]
    problem = assert_problem(await _create(capped_client, owner), 409, "conflict")
    assert (problem["limit"], problem["limitPer"]) == (PER_USER, "user")

    # Another user of the tenant still has room; a deletion makes room again.
    other = await account_in(capped, tenant)
    await subscribe(capped_client, other, HOOK)
    deleted = await capped_client.delete(f"/v1/webhooks/{first[0]['id']}", headers=owner.auth)
    assert deleted.status_code == 204, deleted.text
    await subscribe(capped_client, owner, HOOK)


async def test_staff_count_like_anyone(
    capped: FastAPI, capped_client: httpx.AsyncClient, tenant: str
) -> None:
    staff = await account_in(capped, tenant, staff=True)
    for _ in range(PER_USER):
        await subscribe(capped_client, staff, HOOK)
    problem = assert_problem(await _create(capped_client, staff), 409, "conflict")
    assert (problem["limit"], problem["limitPer"]) == (PER_USER, "user")


async def test_a_tenant_past_its_cap_gets_409_and_others_do_not(
    capped: FastAPI, capped_client: httpx.AsyncClient, tenant: str
) -> None:
    first, second = await account_in(capped, tenant), await account_in(capped, tenant)
    for _ in range(PER_USER):
        await subscribe(capped_client, first, HOOK)
    await subscribe(capped_client, second, HOOK)  # the tenant's third: at the cap
    problem = assert_problem(await _create(capped_client, second), 409, "conflict")
    assert (problem["limit"], problem["limitPer"]) == (PER_TENANT, "tenant")

    elsewhere = str(uuid.uuid4())
    outsider = await account_in(capped, elsewhere)
    async with make_client(capped, elsewhere) as client:
        await subscribe(client, outsider, HOOK)


async def test_concurrent_creations_at_the_cap_do_not_both_pass(
    capped: FastAPI, capped_client: httpx.AsyncClient, tenant: str
) -> None:
    """Five creations at once by one user with room for two: exactly two are created."""
    owner = await account_in(capped, tenant)
    responses = await asyncio.gather(*(_create(capped_client, owner) for _ in range(5)))
    assert Counter(r.status_code for r in responses) == {201: PER_USER, 409: 5 - PER_USER}
    listed = await capped_client.get("/v1/webhooks", headers=owner.auth)
    assert len(listed.json()["data"]) == PER_USER


async def test_concurrent_creations_of_many_users_stop_at_the_tenant_cap(
    capped: FastAPI, capped_client: httpx.AsyncClient, tenant: str
) -> None:
    owners = [await account_in(capped, tenant) for _ in range(5)]
    responses = await asyncio.gather(*(_create(capped_client, owner) for owner in owners))
    assert Counter(r.status_code for r in responses) == {201: PER_TENANT, 409: 5 - PER_TENANT}
