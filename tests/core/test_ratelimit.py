"""Rate limiting: ``RateLimit-*`` headers on every answer, 429 problems, per-caller budgets,
and the in-memory store's fixed windows (with an injected clock)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from petstore.auth.scopes import ROLE_SCOPES, Role
from petstore.container import container_of
from petstore.core.ratelimit import Budget, MemoryRateLimitStore
from tests.support.accounts import Account, sign_up_directly
from tests.support.apps import make_client, running_app
from tests.support.problems import PROBLEM_BASE
from tests.support.settings import fast_settings

LIMIT = 3
# Far longer than a test runs, so no window boundary can reset the counts halfway through.
LONG_WINDOW = 1_000_000


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def rate_headers(response: httpx.Response) -> tuple[int, int, int]:
    h = response.headers
    return int(h["ratelimit-limit"]), int(h["ratelimit-remaining"]), int(h["ratelimit-reset"])


# --- headers on the shared app ------------------------------------------------------------


async def test_every_answer_carries_the_headers(
    app: FastAPI, client: httpx.AsyncClient, user: Account
) -> None:
    window = container_of(app).settings.rate_limit_window_seconds
    limit = container_of(app).settings.rate_limit_requests
    before = time.time()
    responses = {
        "ok": await client.get("/v1/pets"),
        "authenticated": await client.get("/v1/users/me", headers=user.auth),
        "not found": await client.get("/v1/no-such-thing"),
        "unauthorized": await client.get("/v1/users/me"),
        "bad token": await client.get("/v1/users/me", headers={"Authorization": "Bearer x"}),
        "validation": await client.post("/v1/users", json={}),
        "method": await client.delete("/v1/pets"),
    }
    after = time.time()
    expected = {
        "ok": 200,
        "authenticated": 200,
        "not found": 404,
        "unauthorized": 401,
        "bad token": 401,
        "validation": 422,
        "method": 405,
    }
    for name, response in responses.items():
        assert response.status_code == expected[name], (name, response.text)
        got_limit, remaining, reset = rate_headers(response)
        assert got_limit == limit, name
        assert 0 <= remaining < limit, name
        # A Unix timestamp, in the future, at most one window away.
        assert before < reset <= after + window, (name, reset, before)


async def test_remaining_counts_down(client: httpx.AsyncClient, user: Account) -> None:
    first = rate_headers(await client.get("/v1/users/me", headers=user.auth))
    second = rate_headers(await client.get("/v1/users/me", headers=user.auth))
    assert second[1] == first[1] - 1 or second[2] > first[2]  # or a new window began


async def test_health_is_unmetered(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert "ratelimit-limit" not in response.headers


# --- a small budget -----------------------------------------------------------------------


@pytest.fixture
async def limited_app(database_url: str) -> AsyncIterator[FastAPI]:
    settings = fast_settings(
        database_url, rate_limit_requests=LIMIT, rate_limit_window_seconds=LONG_WINDOW
    )
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def limited(limited_app: FastAPI, tenant: str) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(limited_app, tenant) as c:
        yield c


async def direct_token(app: FastAPI, tenant: str) -> dict[str, str]:
    """A user and a token made without HTTP, so that no request is counted."""
    username = f"r{uuid.uuid4().hex[:12]}"
    user = await sign_up_directly(app, tenant, username)
    issued = container_of(app).tokens.issue(
        user_id=user.id,
        username=username,
        role=Role.USER,
        scopes=ROLE_SCOPES[Role.USER],
        tenant=tenant,
    )
    return {"Authorization": f"Bearer {issued.token}"}


def assert_rate_limited(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"].endswith("/rate-limit-exceeded")
    assert body["type"] == f"{PROBLEM_BASE}/rate-limit-exceeded"
    assert body["status"] == 429
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit(), retry_after
    assert 1 <= int(retry_after) <= LONG_WINDOW
    assert response.headers["ratelimit-remaining"] == "0"
    assert response.headers["ratelimit-limit"] == str(LIMIT)
    assert "x-request-id" in response.headers
    return body


async def test_the_request_over_the_limit_is_429(limited: httpx.AsyncClient) -> None:
    remaining = []
    for _ in range(LIMIT):
        response = await limited.get("/v1/pets")
        assert response.status_code == 200, response.text
        remaining.append(int(response.headers["ratelimit-remaining"]))
    assert remaining == [2, 1, 0]
    body = assert_rate_limited(await limited.get("/v1/pets"))
    assert body["instance"] == "/v1/pets"
    # Every route shares the budget, and refused requests do not earn a new one.
    assert_rate_limited(await limited.get("/v1/no-such-thing"))
    assert_rate_limited(await limited.post("/v1/users", json={}))


async def test_budgets_are_per_caller(
    limited_app: FastAPI, limited: httpx.AsyncClient, tenant: str
) -> None:
    alice = await direct_token(limited_app, tenant)
    bob = await direct_token(limited_app, tenant)
    for _ in range(LIMIT):
        assert (await limited.get("/v1/pets")).status_code == 200
    assert_rate_limited(await limited.get("/v1/pets"))
    # The anonymous budget is spent; each signed-in caller still has a whole one.
    for expected_remaining in (2, 1, 0):
        response = await limited.get("/v1/users/me", headers=alice)
        assert response.status_code == 200, response.text
        assert int(response.headers["ratelimit-remaining"]) == expected_remaining
    assert_rate_limited(await limited.get("/v1/users/me", headers=alice))
    assert (await limited.get("/v1/users/me", headers=bob)).status_code == 200
    # A forged token does not buy a fresh budget: it counts as its client address.
    assert_rate_limited(
        await limited.get("/v1/pets", headers={"Authorization": "Bearer forged.token.value"})
    )
    # Another tenant's anonymous callers from the same address share the address's budget.
    async with make_client(limited_app, str(uuid.uuid4())) as other:
        assert_rate_limited(await other.get("/v1/pets"))


# --- the in-memory store ------------------------------------------------------------------


async def test_store_counts_within_a_window() -> None:
    clock = Clock(1_000.0)
    store = MemoryRateLimitStore(clock=clock)
    budgets = [await store.hit("k", limit=2, window=60) for _ in range(3)]
    assert [b.remaining for b in budgets] == [1, 0, -1]
    assert [b.exhausted for b in budgets] == [False, False, True]
    assert {b.reset_at for b in budgets} == {1_020}  # windows are aligned: [960, 1020)
    assert budgets[2].headers() == {
        "RateLimit-Limit": "2",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "1020",
    }
    assert budgets[2].retry_after(now=1_000.0) == 20
    assert budgets[2].retry_after(now=1_019.5) == 1
    assert budgets[2].retry_after(now=1_030.0) == 1  # never less than a second


async def test_store_window_rollover_resets_the_count() -> None:
    clock = Clock(1_019.0)
    store = MemoryRateLimitStore(clock=clock)
    for _ in range(3):
        await store.hit("k", limit=2, window=60)
    assert (await store.peek("k", limit=2, window=60)).exhausted
    clock.now = 1_020.0  # the next window starts
    fresh = await store.peek("k", limit=2, window=60)
    assert (fresh.remaining, fresh.reset_at) == (2, 1_080)
    hit = await store.hit("k", limit=2, window=60)
    assert (hit.remaining, hit.reset_at) == (1, 1_080)


async def test_store_peek_does_not_count_and_keys_are_separate() -> None:
    store = MemoryRateLimitStore(clock=Clock(5_000.0))
    for _ in range(3):
        assert (await store.peek("a", limit=2, window=60)).remaining == 2
    await store.hit("a", limit=2, window=60, cost=2)
    assert (await store.peek("a", limit=2, window=60)).remaining == 0
    assert (await store.peek("b", limit=2, window=60)).remaining == 2
    assert (await store.hit("b", limit=2, window=60)).remaining == 1


async def test_store_windows_of_different_lengths_do_not_reset_each_other() -> None:
    """The login throttle (15-minute window) shares the store with the request limiter
    (1-minute window): a new minute must not wipe the failed-login counts."""
    clock = Clock(1_000.0)  # 15-minute window [900, 1800); 1-minute window [960, 1020)
    store = MemoryRateLimitStore(clock=clock)
    await store.hit("login-user:alice", limit=5, window=900)
    await store.hit("ip:1.2.3.4", limit=100, window=60)
    clock.now = 1_030.0  # a new minute, the same quarter hour
    await store.hit("ip:1.2.3.4", limit=100, window=60)
    login = await store.peek("login-user:alice", limit=5, window=900)
    assert (login.remaining, login.reset_at) == (4, 1_800)


def test_budget_headers_never_show_a_negative_remaining() -> None:
    budget = Budget(limit=10, remaining=-5, reset_at=123)
    assert budget.exhausted
    assert budget.headers()["RateLimit-Remaining"] == "0"
