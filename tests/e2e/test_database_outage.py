"""Database outage drill: PostgreSQL is stopped under load, then started again.

A server process runs on a private PostgreSQL cluster (the shared one serves the other tests)
while a few clients sign up users, create pets, order them and read the catalog. Mid-load the
cluster stops (``pg_ctl stop -m fast``): every request must then get a 503 problem with
``Retry-After`` quickly (a bound against hangs, not a speed target), ``/readyz`` must say 503
while ``/healthz`` stays 200. The cluster starts again on the same port: the same server
process must become ready and serve again, with no restart. Finally every write the clients
saw accepted (201) must be in the database, and nothing answered 500 or logged a traceback.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.accounts import PASSWORD
from tests.support.pets import PET
from tests.support.postgres_cluster import PostgresCluster, private_cluster
from tests.support.servers import RunningServer, create_staff, petstore, run_server, server_env

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

TENANT = str(uuid.uuid4())
STAFF = "drillstaff"
CLIENTS = 6
WARM_UP_SECONDS = 2.0
OUTAGE_SECONDS = 4.0
AFTER_RECOVERY_SECONDS = 2.0
# Correctness bounds against hangs, far above what a working server needs (milliseconds).
MAX_OUTAGE_LATENCY_SECONDS = 10.0
MAX_RECOVERY_SECONDS = 30.0


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    with private_cluster("the outage drill") as instance:
        yield instance


@dataclass
class Outcome:
    kind: str
    started: float
    latency: float
    status: int | None  # None: no HTTP answer at all (reset, timeout)
    problem_type: str | None = None
    retry_after: str | None = None
    created_id: str | None = None
    error: str | None = None


@dataclass
class Timeline:
    stop_requested: float = float("inf")
    stopped: float = float("inf")
    start_requested: float = float("inf")
    started: float = float("inf")
    ready: float = float("inf")
    finished: asyncio.Event = field(default_factory=asyncio.Event)


async def _call(
    client: httpx.AsyncClient, kind: str, method: str, url: str, **kwargs: Any
) -> Outcome:
    started = time.monotonic()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TransportError as exc:
        return Outcome(kind, started, time.monotonic() - started, None, error=repr(exc))
    outcome = Outcome(kind, started, time.monotonic() - started, response.status_code)
    if response.status_code >= 400:
        if response.headers.get("content-type") == "application/problem+json":
            outcome.problem_type = response.json().get("type")
        outcome.retry_after = response.headers.get("retry-after")
    elif response.status_code == 201:
        outcome.created_id = response.json()["id"]
    return outcome


async def _client_loop(
    base_url: str, number: int, auth: dict[str, str], timeline: Timeline, out: list[Outcome]
) -> None:
    """One client: a sign-up, a pet, an order for that pet, and two catalog reads per round."""
    async with httpx.AsyncClient(
        base_url=base_url, headers={"X-Tenant-ID": TENANT}, timeout=60
    ) as client:
        round_ = 0
        while not timeline.finished.is_set():
            round_ += 1
            name = f"d{number}r{round_}{uuid.uuid4().hex[:6]}"
            user = await _call(
                client,
                "user",
                "POST",
                "/v1/users",
                json={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
            )
            pet = await _call(
                client,
                "pet",
                "POST",
                "/v1/pets",
                json={**PET, "name": name[:50]},
                headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
            )
            out.extend((user, pet))
            if pet.created_id is not None:
                out.append(
                    await _call(
                        client,
                        "order",
                        "POST",
                        "/v1/orders",
                        json={"petId": pet.created_id},
                        headers=auth,
                    )
                )
                out.append(await _call(client, "read", "GET", f"/v1/pets/{pet.created_id}"))
            out.append(await _call(client, "read", "GET", "/v1/pets?limit=20"))


async def _probe(client: httpx.AsyncClient, path: str) -> int:
    return (await client.get(path, timeout=60)).status_code


async def _drill(server: RunningServer, cluster: PostgresCluster, auth: dict[str, str]) -> Any:
    timeline = Timeline()
    outcomes: list[Outcome] = []
    loops = [
        asyncio.create_task(_client_loop(server.base_url, n, auth, timeline, outcomes))
        for n in range(CLIENTS)
    ]
    probes: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=server.base_url) as probe:
        await asyncio.sleep(WARM_UP_SECONDS)
        probes["readyz before"] = await _probe(probe, "/readyz")

        timeline.stop_requested = time.monotonic()
        await asyncio.to_thread(cluster.stop, "fast")
        timeline.stopped = time.monotonic()
        await asyncio.sleep(OUTAGE_SECONDS / 2)
        probes["readyz during"] = await _probe(probe, "/readyz")
        probes["healthz during"] = await _probe(probe, "/healthz")
        await asyncio.sleep(OUTAGE_SECONDS / 2)

        timeline.start_requested = time.monotonic()
        await asyncio.to_thread(cluster.start)
        timeline.started = time.monotonic()
        while time.monotonic() - timeline.started < MAX_RECOVERY_SECONDS:
            if await _probe(probe, "/readyz") == 200:
                timeline.ready = time.monotonic()
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(AFTER_RECOVERY_SECONDS)
        timeline.finished.set()
        await asyncio.gather(*loops)
        probes["readyz after"] = await _probe(probe, "/readyz")
    return timeline, outcomes, probes


async def _existing_ids(url: str, table: str, ids: list[str]) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(f"SELECT id FROM {table} WHERE id = ANY(CAST(:ids AS uuid[]))"),  # noqa: S608
                {"ids": ids},
            )
            return {str(row[0]) for row in rows}
    finally:
        await engine.dispose()


def test_postgres_outage_under_load(cluster: PostgresCluster, tmp_path: Path) -> None:
    url = cluster.create_database("petstore_drill")
    env = server_env(url, PETSTORE_DB_POOL_TIMEOUT_SECONDS="2")
    petstore(env, "migrate")
    create_staff(env, STAFF, PASSWORD, TENANT)
    petstore(env, "seed", "--pets", "20", "--tenant", TENANT)

    with run_server(env, tmp_path / "server.log") as server:
        login = httpx.post(
            f"{server.base_url}/v1/auth/tokens",
            json={"username": STAFF, "password": PASSWORD},
            headers={"X-Tenant-ID": TENANT},
        )
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        timeline, outcomes, probes = asyncio.run(_drill(server, cluster, auth))
        log = server.log()

    # Every request got an HTTP answer: 2xx, a 503 problem, or (for an order of a pet taken
    # in the meantime) a 4xx problem; never a 500, a dropped connection or a hang.
    assert [o for o in outcomes if o.status is None] == []
    assert [o for o in outcomes if o.status == 500] == []
    failures = [o for o in outcomes if o.status is not None and o.status >= 500]
    assert failures, "the drill never hit the outage"
    for o in failures:
        assert o.status == 503, o
        assert o.problem_type == "https://petstoreapi.com/errors/service-unavailable", o
        assert o.retry_after == "1", o
    assert [o for o in outcomes if o.status is not None and 400 <= o.status < 500] == []

    # Answered entirely while PostgreSQL was down (one that straddles the restart may succeed).
    during = [
        o
        for o in outcomes
        if timeline.stopped <= o.started and o.started + o.latency < timeline.start_requested
    ]
    assert during
    assert all(o.status == 503 for o in during), Counter(o.status for o in during)
    max_latency = max(o.latency for o in during)
    assert max_latency < MAX_OUTAGE_LATENCY_SECONDS
    worst_overall = max(o.latency for o in outcomes)
    assert worst_overall < MAX_OUTAGE_LATENCY_SECONDS

    assert probes == {
        "readyz before": 200,
        "readyz during": 503,
        "healthz during": 200,
        "readyz after": 200,
    }
    assert timeline.ready < float("inf"), "not ready again after PostgreSQL came back"
    recovery = timeline.ready - timeline.started
    # Once ready, the same process serves every request again (no restart in between).
    after = [o for o in outcomes if o.started >= timeline.ready]
    assert after
    assert all(o.status in (200, 201) for o in after), Counter(o.status for o in after)
    before = [o for o in outcomes if o.started + o.latency < timeline.stop_requested]
    assert before
    assert all(o.status in (200, 201) for o in before), Counter(o.status for o in before)

    # No accepted write is lost.
    accepted: dict[str, list[str]] = {"users": [], "pets": [], "orders": []}
    table = {"user": "users", "pet": "pets", "order": "orders"}
    for o in outcomes:
        if o.status == 201 and o.created_id is not None:
            accepted[table[o.kind]].append(o.created_id)
    found = {name: asyncio.run(_existing_ids(url, name, ids)) for name, ids in accepted.items()}
    for name, ids in accepted.items():
        assert ids, f"no {name} were created"
        assert set(ids) == found[name], f"accepted {name} missing: {set(ids) - found[name]}"

    assert "Traceback" not in log
    assert "unhandled error" not in log

    statuses = Counter(o.status for o in outcomes)
    print(
        f"\noutage drill: {len(outcomes)} requests {dict(statuses)}; "
        f"{len(during)} during the outage, max latency {max_latency * 1000:.0f} ms "
        f"(worst overall {worst_overall * 1000:.0f} ms); ready {recovery:.2f} s after "
        f"PostgreSQL started; writes accepted/found: "
        + ", ".join(f"{n} {len(ids)}/{len(found[n])}" for n, ids in accepted.items())
    )
