"""Scale-out: two independent server instances (real processes on different ports, the second
with two worker processes) on one PostgreSQL and one Redis behave as one service.

A client spread over both sees one rate-limit budget, one idempotent replay, a token revoked on
one instance refused by the other, and every webhook event delivered once per recorded attempt
although three delivery workers compete for the outbox."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.accounts import PASSWORD, auth_of, login, sign_up_and_login_blocking
from tests.support.databases import drop_postgres_database, fresh_postgres_database, redis_database
from tests.support.pets import PET
from tests.support.servers import (
    RunningServer,
    create_staff,
    petstore,
    run_server,
    server_env,
    wait_for,
)
from tests.support.settings import POSTGRES_URL, REDIS_URL
from tests.support.webhooks import Hit, Receiver, Reply, verify_signed

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (POSTGRES_URL and REDIS_URL), reason="needs the test PostgreSQL and Redis"
    ),
]

LIMIT = 40  # requests per caller, shared by both instances
REDIS_DB = 1  # flushed by this module
STAFF = "scalestaff"
PETS = 10
FAILED_FIRST = 3  # the receiver answers 503 to the first few deliveries: they are retried


@dataclass
class Cluster:
    a: RunningServer
    b: RunningServer
    database_url: str
    tenant: str

    def clients(self) -> tuple[httpx.Client, httpx.Client]:
        headers = {"X-Tenant-ID": self.tenant}
        return (
            httpx.Client(base_url=self.a.base_url, headers=headers, timeout=30),
            httpx.Client(base_url=self.b.base_url, headers=headers, timeout=30),
        )

    def query(self, sql: str, **params: Any) -> list[Any]:
        async def run() -> list[Any]:
            engine = create_async_engine(self.database_url)
            try:
                async with engine.connect() as conn:
                    return list((await conn.execute(text(sql), params)).all())
            finally:
                await engine.dispose()

        return asyncio.run(run())


def serving_processes(*servers: RunningServer) -> set[int]:
    """The servers' processes and the worker processes they started."""
    roots = {server.process.pid for server in servers}
    pids = set(roots)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) in roots:  # the parent pid field
            pids.add(int(entry))
    return pids


def sending_process(local_port: int, remote_port: int, pids: set[int]) -> int | None:
    """Which of ``pids`` owns the open TCP connection from ``local_port`` to ``remote_port``
    (read from /proc, while the connection is open)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1].rsplit(":", 1)[1], fields[2].rsplit(":", 1)[1]
            if int(local, 16) == local_port and int(remote, 16) == remote_port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        try:
            descriptors = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in descriptors:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
            except OSError:
                continue
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root: Path = tmp_path_factory.mktemp("scale-out")
    db_name = f"petstore_scale_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    url = asyncio.run(fresh_postgres_database(db_name))
    redis_url = redis_database(REDIS_DB)
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
    env = server_env(
        url,
        PETSTORE_REDIS_URL=redis_url,
        # One slow Redis answer on a busy machine must not drop a process to counting alone
        # (the default 0.5 s is for production; the fail-open path has tests of its own).
        PETSTORE_REDIS_TIMEOUT_SECONDS="5",
        PETSTORE_RATE_LIMIT_REQUESTS=str(LIMIT),
        PETSTORE_RATE_LIMIT_WINDOW_SECONDS="1000000",  # no window boundary during the test
        PETSTORE_FORWARDED_ALLOW_IPS="127.0.0.1",  # the test plays the load balancer
        PETSTORE_OUTBOUND_ALLOW="127.0.0.0/8",
        PETSTORE_WORKER_ENABLED="true",
        PETSTORE_WORKER_POLL_SECONDS="0.2",
        PETSTORE_WEBHOOK_RETRY_SCHEDULE="0,0.3,0.3,0.3,0.3",
        # Long enough that a lease never runs out during the test: a second send of one
        # attempt could only come from two workers claiming the same delivery ...
        PETSTORE_WEBHOOK_LEASE_SECONDS="60",
        PETSTORE_WEBHOOK_TIMEOUT_SECONDS="30",  # and no attempt times out on a busy machine
    )
    tenant = str(uuid.uuid4())
    petstore(env, "migrate")
    create_staff(env, STAFF, PASSWORD, tenant)
    try:
        with (
            run_server(env, root / "a.log") as a,
            run_server(env, root / "b.log", workers=2) as b,
        ):
            yield Cluster(a, b, url, tenant)
        for server in (a, b):  # stopped with SIGTERM: gracefully, the two workers of B too
            assert server.process.returncode == 0, server.log()
            assert "Traceback" not in server.log(), server.log()
            assert "Redis unreachable" not in server.log(), server.log()
    finally:
        asyncio.run(drop_postgres_database(db_name))


def test_one_rate_limit_budget_across_instances(cluster: Cluster) -> None:
    a, b = cluster.clients()
    with a, b:
        account = sign_up_and_login_blocking(a, b)
        auth = account.auth
        remaining, resets = [], set()
        for n in range(LIMIT):
            response = (a, b)[n % 2].get("/v1/users/me", headers=auth)
            assert response.status_code == 200, response.text
            assert response.headers["ratelimit-limit"] == str(LIMIT)
            remaining.append(int(response.headers["ratelimit-remaining"]))
            resets.add(response.headers["ratelimit-reset"])
        assert remaining == list(range(LIMIT - 1, -1, -1))
        assert len(resets) == 1
        for client in (a, b, b):
            refused = client.get("/v1/users/me", headers=auth)
            assert refused.status_code == 429, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.headers["ratelimit-remaining"] == "0"
            assert int(refused.headers["retry-after"]) >= 1


def test_callers_behind_the_load_balancer_are_told_apart(cluster: Cluster) -> None:
    """Anonymous budgets go by the client address the balancer reports, on every instance."""
    a, b = cluster.clients()
    first, second = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "203.0.113.8"}
    with a, b:
        seen = []
        for client in (a, b, a, b):
            response = client.get("/v1/pets", headers=first)
            assert response.status_code == 200, response.text
            seen.append(int(response.headers["ratelimit-remaining"]))
        assert seen == [LIMIT - 1, LIMIT - 2, LIMIT - 3, LIMIT - 4]
        other = b.get("/v1/pets", headers=second)
        assert int(other.headers["ratelimit-remaining"]) == LIMIT - 1


def test_one_idempotent_replay_across_instances(cluster: Cluster) -> None:
    a, b = cluster.clients()
    with a, b:
        auth = auth_of(login(a, STAFF))
        name = f"Idem {uuid.uuid4().hex[:8]}"
        key = {"Idempotency-Key": str(uuid.uuid4())}
        first = a.post("/v1/pets", json={**PET, "name": name}, headers={**auth, **key})
        assert first.status_code == 201, first.text
        assert "idempotent-replayed" not in first.headers
        again = b.post("/v1/pets", json={**PET, "name": name}, headers={**auth, **key})
        assert again.status_code == 201, again.text
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert again.headers["location"] == first.headers["location"]
        # The same key for a different request is refused on either instance.
        other = b.post("/v1/pets", json={**PET, "name": name + "x"}, headers={**auth, **key})
        assert other.status_code == 422, other.text
    assert count_pets(cluster, name) == 1


def test_one_key_sent_to_both_instances_at_once_acts_once(cluster: Cluster) -> None:
    a, b = cluster.clients()
    with a, b:
        auth = auth_of(login(a, STAFF))
    name = f"Race {uuid.uuid4().hex[:8]}"
    headers = {**auth, "Idempotency-Key": str(uuid.uuid4()), "X-Tenant-ID": cluster.tenant}

    def post(base_url: str) -> httpx.Response:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            return client.post("/v1/pets", json={**PET, "name": name}, headers=headers)

    urls = (cluster.a.base_url, cluster.b.base_url) * 2
    with ThreadPoolExecutor(len(urls)) as pool:
        responses = list(pool.map(post, urls))
    statuses = sorted(r.status_code for r in responses)
    # The first to reserve the key creates the pet; the others replay it or are told that it
    # is still in progress (409), whichever instance they reached.
    assert set(statuses) <= {201, 409}, [(r.status_code, r.text) for r in responses]
    created = [r for r in responses if r.status_code == 201]
    assert created
    assert len({r.json()["id"] for r in created}) == 1
    assert sum(1 for r in created if "idempotent-replayed" not in r.headers) == 1
    assert count_pets(cluster, name) == 1


def count_pets(cluster: Cluster, name: str) -> int:
    rows = cluster.query(
        "SELECT count(*) FROM pets WHERE tenant = :tenant AND name = :name",
        tenant=cluster.tenant,
        name=name,
    )
    return int(rows[0][0])


def test_a_token_revoked_on_one_instance_is_refused_by_the_other(cluster: Cluster) -> None:
    a, b = cluster.clients()
    with a, b:
        account = sign_up_and_login_blocking(b, a)
        auth = account.auth
        assert b.get("/v1/users/me", headers=auth).status_code == 200
        assert a.post("/v1/logout", headers=auth).status_code == 204
        # Revocations live in the shared database and no process caches them: B refuses the
        # token on every request, whichever of its workers answers.
        for _ in range(3):
            refused = b.get("/v1/users/me", headers=auth)
            assert refused.status_code == 401, refused.text
        refreshed = b.post("/v1/auth/tokens/refresh", json={"refreshToken": account.refresh_token})
        assert refreshed.status_code == 401, refreshed.text


def test_each_event_is_delivered_once_per_attempt(cluster: Cluster) -> None:
    path = "/hooks/scale"
    processes = serving_processes(cluster.a, cluster.b)
    assert len(processes) >= 3  # A, and B's two workers (B's supervisor serves nothing)
    senders: list[int | None] = []

    def note_sender(hit: Hit) -> None:
        senders.append(sending_process(hit.client_port, receiver.port, processes))

    with Receiver(default=Reply(200, "ok", delay=0.2), on_hit=note_sender) as receiver:
        receiver.script(path, *(Reply(503, "busy") for _ in range(FAILED_FIRST)))
        a, b = cluster.clients()
        with a, b:
            auth = auth_of(login(b, STAFF))
            created = a.post(
                "/v1/webhooks",
                json={"url": receiver.url(path), "events": ["pet.available"]},
                headers=auth,
            )
            assert created.status_code == 201, created.text
            sub_id, secret = created.json()["id"], created.json()["secret"]
            for n in range(PETS):  # half through each instance: each wakes its own worker
                pet = (a, b)[n % 2].post(
                    "/v1/pets", json={**PET, "name": f"Hook {n}"}, headers=auth
                )
                assert pet.status_code == 201, pet.text

        def all_succeeded() -> list[Any] | None:
            rows = cluster.query(
                "SELECT event_id, status, attempts FROM deliveries WHERE subscription_id = :sub",
                sub=uuid.UUID(sub_id),
            )
            done = len(rows) == PETS and all(row.status == "SUCCEEDED" for row in rows)
            return rows if done else None

        deliveries = wait_for("every delivery to succeed", all_succeeded, 60)
        time.sleep(1.5)  # past the poll interval and the retry delays: nothing more may come
        hits = receiver.hits(receiver.url(path))

    for hit in hits:
        assert verify_signed(hit, secret)["eventType"] == "pet.available"
    sent = Counter(uuid.UUID(hit.webhook_id) for hit in hits)
    attempts = cluster.query(
        "SELECT d.event_id, a.attempt, a.status_code FROM delivery_attempts a "
        "JOIN deliveries d ON d.id = a.delivery_id WHERE d.subscription_id = :sub",
        sub=uuid.UUID(sub_id),
    )
    recorded = Counter(row.event_id for row in attempts)
    # Every request the receiver got is one recorded attempt, and the other way round.
    assert sent == recorded
    assert sum(sent.values()) == PETS + FAILED_FIRST
    for delivery in deliveries:
        numbers = sorted(row.attempt for row in attempts if row.event_id == delivery.event_id)
        assert numbers == list(range(1, delivery.attempts + 1)), delivery
        last = max(
            (row for row in attempts if row.event_id == delivery.event_id),
            key=lambda row: row.attempt,
        )
        assert last.status_code == 200
    assert sum(1 for row in attempts if row.status_code == 503) == FAILED_FIRST
    # The workers of several processes really did compete for these deliveries.
    assert None not in senders, senders
    assert len(set(senders)) >= 2, senders
