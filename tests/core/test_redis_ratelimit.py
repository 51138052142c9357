"""The Redis rate-limit store against a real Redis: atomic fixed windows shared by several
clients (as several processes would), expiry, peeks that count nothing, and what happens when
Redis is slow, down and back (fail open to per-process counting, logged once each way)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from petstore.app import create_app
from petstore.container import container_of
from petstore.core.ratelimit import RedisRateLimitStore
from petstore.core.redis import RATE_LIMIT_PREFIX, create_redis
from petstore.core.settings import Settings
from tests.support.accounts import PASSWORD, sign_up
from tests.support.apps import running_app
from tests.support.databases import redis_database
from tests.support.servers import free_port, wait_for_async
from tests.support.settings import fast_settings, needs_redis

pytestmark = [needs_redis]

REDIS_DB = 2  # keys here are random; the e2e scale-out test flushes its own database


def redis_settings(url: str | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": SecretStr(url or redis_database(REDIS_DB)),
        # Bounds the hung-Redis tests; roomy enough that a healthy Redis on a busy machine
        # is never taken for a down one.
        "redis_timeout_seconds": 1.0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
async def store() -> AsyncIterator[RedisRateLimitStore]:
    redis_store = RedisRateLimitStore(create_redis(redis_settings()))
    yield redis_store
    await redis_store.aclose()


@pytest.fixture
def key() -> str:
    return f"test:{uuid.uuid4().hex}"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# --- counting --------------------------------------------------------------------------------


async def test_hits_count_down_in_an_aligned_window(store: RedisRateLimitStore, key: str) -> None:
    before = int(time.time())
    budgets = [await store.hit(key, limit=2, window=60) for _ in range(3)]
    assert [b.remaining for b in budgets] == [1, 0, -1]
    assert [b.exhausted for b in budgets] == [False, False, True]
    resets = {b.reset_at for b in budgets}
    assert len(resets) == 1
    reset = resets.pop()
    assert reset % 60 == 0  # windows are aligned, as in memory
    assert before < reset <= before + 61
    # The counter lives under the petstore namespace and expires when its window does.
    redis_key = f"{RATE_LIMIT_PREFIX}60:{key}"
    assert await store.client.get(redis_key) == b"3"
    assert 0 < await store.client.ttl(redis_key) <= 61


async def test_peek_does_not_count(store: RedisRateLimitStore, key: str) -> None:
    for _ in range(3):
        assert (await store.peek(key, limit=2, window=60)).remaining == 2
    assert await store.client.exists(f"{RATE_LIMIT_PREFIX}60:{key}") == 0
    await store.hit(key, limit=2, window=60, cost=2)
    assert (await store.peek(key, limit=2, window=60)).remaining == 0
    assert (await store.peek(key, limit=2, window=60)).remaining == 0
    assert (await store.peek(f"{key}:other", limit=2, window=60)).remaining == 2


async def test_a_window_expires(store: RedisRateLimitStore, key: str) -> None:
    spent = [await store.hit(key, limit=1, window=1) for _ in range(2)]
    assert spent[-1].exhausted
    reset_at = spent[-1].reset_at
    await asyncio.sleep(max(0.0, reset_at + 0.05 - time.time()))  # at most a second
    fresh = await store.peek(key, limit=1, window=1)
    assert fresh.remaining == 1
    assert fresh.reset_at > reset_at
    assert await store.client.exists(f"{RATE_LIMIT_PREFIX}1:{key}") == 0  # no key outlives it
    assert (await store.hit(key, limit=1, window=1)).remaining == 0


async def test_windows_of_different_lengths_are_separate(
    store: RedisRateLimitStore, key: str
) -> None:
    await store.hit(key, limit=5, window=900)
    await store.hit(key, limit=100, window=60)
    await store.hit(key, limit=100, window=60)
    assert (await store.peek(key, limit=5, window=900)).remaining == 4
    assert (await store.peek(key, limit=100, window=60)).remaining == 98


async def test_concurrent_hits_from_several_clients_are_atomic(key: str) -> None:
    """Four clients (as four processes would) hit one key at once: every count is taken
    exactly once, so the answers are a permutation of the whole budget. (Four pools opening
    their connections at once on one event loop is slow on a busy machine: a roomy timeout.)"""
    settings = redis_settings(redis_timeout_seconds=5)
    stores = [RedisRateLimitStore(create_redis(settings)) for _ in range(4)]
    try:
        per_store = 50
        budgets = await asyncio.gather(
            *(s.hit(key, limit=1000, window=3600) for s in stores for _ in range(per_store))
        )
        total = per_store * len(stores)
        assert sorted(b.remaining for b in budgets) == list(range(1000 - total, 1000))
        assert len({b.reset_at for b in budgets}) == 1
        assert not any(s.degraded for s in stores)
        assert (await stores[0].peek(key, limit=1000, window=3600)).remaining == 1000 - total
    finally:
        for s in stores:
            await s.aclose()


async def test_ping(store: RedisRateLimitStore) -> None:
    assert await store.ping() is True


# --- Redis slow, down and back -----------------------------------------------------------------


class TcpProxy:
    """A real TCP forwarder in front of Redis that can be taken down (listener closed and open
    connections cut, as when Redis dies) and brought back on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{REDIS_DB}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers.update({writer, up_writer})

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except OSError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    target = int(redis_database(REDIS_DB).rsplit(":", 1)[1].split("/", 1)[0])
    tcp_proxy = TcpProxy(target)
    await tcp_proxy.start()
    yield tcp_proxy
    await tcp_proxy.stop()


async def test_fails_open_to_local_counting_while_redis_is_down_and_recovers(
    proxy: TcpProxy, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    store = RedisRateLimitStore(create_redis(redis_settings(proxy.url)), clock=clock)
    observer = RedisRateLimitStore(create_redis(redis_settings()))
    caplog.set_level(logging.INFO, logger="petstore.ratelimit")
    try:
        assert (await store.hit(key, limit=3, window=3600)).remaining == 2
        assert not store.degraded

        await proxy.stop()  # Redis "dies"
        during = [await store.hit(key, limit=3, window=3600) for _ in range(4)]
        # Still answering, still limiting: this process counts on its own from zero.
        assert [b.remaining for b in during] == [2, 1, 0, -1]
        assert store.degraded
        assert await store.ping() is False
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
        assert "per process" in warnings[0].getMessage()
        assert proxy.url not in caplog.text  # where Redis lives is not logged
        # Nothing reached Redis meanwhile.
        assert (await observer.peek(key, limit=3, window=3600)).remaining == 2

        await proxy.start()  # back on the same address
        # Within the retry pause the store does not try Redis yet ...
        assert (await store.peek(key, limit=3, window=3600)).remaining == -1
        clock.now += 1.0
        # ... after it, counting is shared again, from where Redis left off.
        assert (await store.hit(key, limit=3, window=3600)).remaining == 1
        assert not store.degraded
        assert (await observer.peek(key, limit=3, window=3600)).remaining == 1
        assert "shared again" in caplog.text
    finally:
        await store.aclose()
        await observer.aclose()


async def test_a_hung_redis_costs_at_most_the_timeout(
    silent_port: int, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    """PETSTORE_REDIS_TIMEOUT_SECONDS bounds every command: without it this would hang."""
    settings = redis_settings(f"redis://127.0.0.1:{silent_port}/0")
    store = RedisRateLimitStore(create_redis(settings))
    try:
        async with asyncio.timeout(10):  # a generous deadline, not a timing assert
            budget = await store.hit(key, limit=5, window=60)
            assert await store.ping() is False
        assert budget.remaining == 4
        assert store.degraded
        assert "TimeoutError" in caplog.text
    finally:
        await store.aclose()


async def test_the_pool_never_opens_more_connections_than_configured(key: str) -> None:
    name = f"pooltest{uuid.uuid4().hex[:8]}"
    url = f"{redis_database(REDIS_DB)}?client_name={name}"
    store = RedisRateLimitStore(
        create_redis(redis_settings(url, redis_max_connections=2, redis_timeout_seconds=5))
    )
    try:
        budgets = await asyncio.gather(*(store.hit(key, 1000, 3600) for _ in range(50)))
        assert sorted(b.remaining for b in budgets) == list(range(950, 1000))
        assert not store.degraded  # the others waited for a free connection
        connections = [c for c in await store.client.client_list() if c.get("name") == name]
        assert len(connections) == 2
    finally:
        await store.aclose()


# --- through the API: two apps (two instances) on one database and one Redis ------------------


@pytest.fixture
async def two_instances(database_url: str) -> AsyncIterator[tuple[FastAPI, FastAPI]]:
    settings = fast_settings(
        database_url,
        redis_url=SecretStr(redis_database(REDIS_DB)),
        rate_limit_requests=4,
        rate_limit_window_seconds=1_000_000,
        login_failures_per_username_and_ip=2,
    )
    first, second = create_app(settings), create_app(settings)
    async with first.router.lifespan_context(first), second.router.lifespan_context(second):
        yield first, second


def clients(apps: Sequence[FastAPI], tenant: str, ip: str) -> list[httpx.AsyncClient]:
    """A client per instance, all appearing to come from ``ip`` (each test its own, so
    anonymous budgets in the shared Redis never meet)."""
    return [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(
                app=application, raise_app_exceptions=False, client=(ip, 4321)
            ),
            base_url="http://petstore.test",
            headers={"X-Tenant-ID": tenant},
        )
        for application in apps
    ]


def random_ip() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


async def test_instances_share_one_request_budget(
    two_instances: tuple[FastAPI, FastAPI], tenant: str
) -> None:
    a, b = clients(two_instances, tenant, random_ip())
    async with a, b:
        seen = []
        for client in (a, b, a, b):
            response = await client.get("/v1/pets")
            assert response.status_code == 200, response.text
            seen.append(int(response.headers["ratelimit-remaining"]))
        assert seen == [3, 2, 1, 0]
        for client in (a, b):
            refused = await client.get("/v1/pets")
            assert refused.status_code == 429, refused.text
            assert refused.headers["content-type"] == "application/problem+json"


async def test_instances_share_the_failed_login_budget(
    two_instances: tuple[FastAPI, FastAPI], tenant: str
) -> None:
    a, b = clients(two_instances, tenant, random_ip())
    async with a, b:
        wrong = {"username": f"nobody{uuid.uuid4().hex[:8]}", "password": "not the password"}
        assert (await a.post("/v1/auth/tokens", json=wrong)).status_code == 401
        assert (await b.post("/v1/auth/tokens", json=wrong)).status_code == 401
        refused = await a.post("/v1/auth/tokens", json=wrong)
        assert refused.status_code == 429, refused.text
        assert (await b.post("/v1/auth/tokens", json=wrong)).status_code == 429


async def test_the_api_keeps_answering_and_limiting_while_redis_is_down(
    database_url: str, tenant: str
) -> None:
    settings = fast_settings(
        database_url,
        redis_url=SecretStr(f"redis://127.0.0.1:{free_port()}/0"),  # nothing listens
        redis_timeout_seconds=0.2,
        rate_limit_requests=3,
        rate_limit_window_seconds=1_000_000,
    )
    async with running_app(settings) as application:
        redis = container_of(application).redis
        assert redis is not None
        assert await redis.ping() is False
        (client,) = clients([application], tenant, random_ip())
        async with client:
            remaining = []
            for _ in range(3):
                response = await client.get("/v1/pets")
                assert response.status_code == 200, response.text
                remaining.append(int(response.headers["ratelimit-remaining"]))
            assert remaining == [2, 1, 0]
            assert (await client.get("/v1/pets")).status_code == 429


async def test_readiness_fails_while_redis_is_down_and_recovers(
    proxy: TcpProxy, database_url: str, tenant: str
) -> None:
    # Each check may take its time on a busy machine; the outage is seen at once either way
    # (the proxy refuses connections), and recovery is awaited rather than expected at once.
    settings = fast_settings(
        database_url,
        redis_url=SecretStr(proxy.url),
        redis_timeout_seconds=1.0,
        readiness_timeout_seconds=10.0,
    )
    async with running_app(settings) as application:
        (client,) = clients([application], tenant, random_ip())
        async with client:
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"]["redis"]["status"] == "ok"

            await proxy.stop()
            down = await client.get("/readyz")
            assert down.status_code == 503, down.text
            assert down.headers["content-type"] == "application/problem+json"
            assert down.json()["checks"]["redis"]["status"] == "failed"
            assert down.json()["checks"]["database"]["status"] == "ok"
            assert proxy.url not in down.text
            # Requests are still served (fail open); only readiness reports the outage.
            assert (await client.get("/v1/pets")).status_code == 200

            await proxy.start()

            async def ready_again() -> httpx.Response | None:
                answer = await client.get("/readyz")
                return answer if answer.status_code == 200 else None

            again = await wait_for_async("readiness after Redis is back", ready_again, 30)
            assert again.json()["checks"]["redis"]["status"] == "ok"


async def test_a_strangers_failures_do_not_lock_the_owner_out_of_either_instance(
    two_instances: tuple[FastAPI, FastAPI], tenant: str
) -> None:
    """The (username, address) budget is shared through Redis; another address keeps its own."""
    stranger_a, stranger_b = clients(two_instances, tenant, random_ip())
    owner_a, owner_b = clients(two_instances, tenant, random_ip())
    async with stranger_a, stranger_b, owner_a, owner_b:
        username = await sign_up(owner_a)
        wrong = {"username": username, "password": "not the password"}
        assert (await stranger_a.post("/v1/auth/tokens", json=wrong)).status_code == 401
        assert (await stranger_b.post("/v1/auth/tokens", json=wrong)).status_code == 401
        right = {"username": username, "password": PASSWORD}
        refused = await stranger_a.post("/v1/auth/tokens", json=right)
        assert refused.status_code == 429, refused.text
        signed_in = await owner_b.post("/v1/auth/tokens", json=right)
        assert signed_in.status_code == 200, signed_in.text
