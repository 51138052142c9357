"""Load drill: minutes of mixed traffic against ``petstore serve --workers 2`` on PostgreSQL.

``CLIENTS`` buyers (each signed up and logged in through the API, each on its own keep-alive
connection) do, back to back, for ``PETSTORE_DRILL_SECONDS`` (default 300):

``browse``  ``GET /v1/pets`` (a random page, sometimes a species or size filter), then
            ``GET /v1/pets/{id}`` of a pet on that page (``get``);
``search``  ``QUERY /v1/pets`` or ``POST /v1/pets/search`` with criteria and a sort;
``order``   ``POST /v1/orders`` for an AVAILABLE pet seen on a recent listing page; a 409
            (another buyer took it first) is expected and counted apart;
``pay``     right after each placed order, ``POST /v1/orders/{id}/payment`` with a valid
            test card;
``chat``    ``POST /v1/chat/completions`` (the built-in advisor).

Asserted: no transport error, no 5xx, no unexpected 4xx; the server's two worker processes
stay the same two (none died and was replaced); their resident memory does not grow (mean
RSS in the last window at most ``RSS_GROWTH`` times the mean in the first window after
warm-up); and the database agrees with the clients (every 201 order is there, every paid one
APPROVED). Printed: requests, req/s, p50/p90/p99 per kind, and the RSS samples.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvloop

from tests.support.accounts import PASSWORD
from tests.support.seeding import seed
from tests.support.servers import RunningServer, create_staff, run_server, server_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.e2e]

DURATION_S = float(os.environ.get("PETSTORE_DRILL_SECONDS", "300"))
CLIENTS = int(os.environ.get("PETSTORE_DRILL_CLIENTS", "12"))
PETS = 60_000  # 40 % AVAILABLE: far more than five minutes of orders can take
SAMPLE_EVERY_S = 5.0
RSS_GROWTH = 1.2
STAFF = "loadstaff"
CARD = {
    "object": "card",
    "name": "Drill Buyer",
    "number": "4242424242424242",
    "cvc": "123",
    "expMonth": 12,
    "expYear": 2030,
}
# kind -> weight of the next action (an order is followed by its payment)
MIX = {"browse": 45, "search": 20, "order": 20, "chat": 15}
EXPECTED = {
    "browse": {200},
    "get": {200},
    "search": {200},
    "order": {201, 409},
    "pay": {201},
    "chat": {201},
}
QUESTIONS = (
    "I'm looking for a small dog for my apartment, under $300. What do you recommend?",
    "Do you have any cats that are good with kids? Our budget is up to $250.",
    "How often should I feed my new pet, and how many treats are OK?",
    "How does the adoption process work here? What are the steps?",
)
SEARCHES: tuple[dict[str, Any], ...] = (
    {
        "criteria": {"species": ["DOG"], "ageRange": {"min": 6, "max": 96}},
        "sort": {"field": "ageMonths", "order": "ASC"},
        "pagination": {"page": 1, "limit": 20},
    },
    {
        "criteria": {"size": ["SMALL", "MEDIUM"], "compatibility": {"goodWithKids": True}},
        "sort": {"field": "price", "order": "DESC"},
        "pagination": {"page": 3, "limit": 10},
    },
    {"criteria": {"medical": {"vaccinated": True}}, "sort": {"field": "name", "order": "ASC"}},
)


# --------------------------------------------------------------------------- memory


def workers(pid: int) -> list[int]:
    """The server's worker processes: the children of its supervisor ``pid``, less
    multiprocessing's resource tracker (a helper process, not a worker)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            if ppid != pid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if b"resource_tracker" in cmdline.read():
                    continue
        except (OSError, ValueError, IndexError):
            continue
        found.append(int(entry))
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class MemorySampler:
    """Every ``SAMPLE_EVERY_S``: the RSS of each worker process, in a thread of its own."""

    server_pid: int
    started: float = field(default_factory=time.monotonic)
    samples: list[tuple[float, dict[int, int]]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            sizes = {pid: rss_kib(pid) for pid in workers(self.server_pid)}
            self.samples.append(
                (
                    time.monotonic() - self.started,
                    {pid: kib for pid, kib in sizes.items() if kib is not None},
                )
            )
            self.stop.wait(SAMPLE_EVERY_S)

    def workers(self) -> set[int]:
        return {pid for _, sizes in self.samples for pid in sizes}

    def mean_total_mib(self, start: float, end: float) -> float:
        totals = [sum(sizes.values()) / 1024 for at, sizes in self.samples if start <= at < end]
        assert totals, f"no RSS sample between {start:.0f} s and {end:.0f} s"
        return statistics.fmean(totals)


# --------------------------------------------------------------------------- traffic


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in EXPECTED})
    statuses: dict[str, Counter[int]] = field(
        default_factory=lambda: {k: Counter() for k in EXPECTED}
    )
    errors: list[str] = field(default_factory=list)

    def record(self, kind: str, started: float, response: httpx.Response) -> None:
        self.latencies[kind].append(time.perf_counter() - started)
        self.statuses[kind][response.status_code] += 1
        if response.status_code not in EXPECTED[kind]:
            self.errors.append(
                f"{kind} {response.request.method} {response.request.url.path}: "
                f"{response.status_code} {response.text[:300]}"
            )


def percentile(values: list[float], share: float) -> float:
    """Nearest rank, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] * 1000


async def buyer(
    number: int, server: RunningServer, tenant: str, deadline: float, tally: Tally
) -> None:
    rng = random.Random(number)
    async with httpx.AsyncClient(
        base_url=server.base_url,
        headers={"X-Tenant-ID": tenant},
        timeout=30,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
    ) as client:
        username = f"load{number}{uuid.uuid4().hex[:8]}"
        created = await client.post(
            "/v1/users",
            json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
        )
        assert created.status_code == 201, created.text
        login = await client.post(
            "/v1/auth/tokens", json={"username": username, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
        seen: list[str] = []  # AVAILABLE pets on the last listing page
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                if kind == "browse":
                    params: dict[str, Any] = {"page": rng.randint(1, 200), "limit": 20}
                    if rng.random() < 0.3:
                        params["species"] = rng.choice(["DOG", "CAT", "BIRD"])
                    elif rng.random() < 0.3:
                        params["size"] = rng.choice(["SMALL", "LARGE"])
                    response = await client.get("/v1/pets", params=params)
                    tally.record("browse", started, response)
                    if response.status_code == 200 and response.json()["data"]:
                        seen = [p["id"] for p in response.json()["data"]]
                        started = time.perf_counter()
                        response = await client.get(f"/v1/pets/{rng.choice(seen)}")
                        tally.record("get", started, response)
                elif kind == "search":
                    body = rng.choice(SEARCHES)
                    if rng.random() < 0.5:
                        response = await client.request("QUERY", "/v1/pets", json=body)
                    else:
                        response = await client.post("/v1/pets/search", json=body)
                    tally.record("search", started, response)
                elif kind == "order":
                    if not seen:
                        continue
                    pet_id = seen.pop(rng.randrange(len(seen)))
                    response = await client.post("/v1/orders", json={"petId": pet_id})
                    tally.record("order", started, response)
                    if response.status_code == 201:
                        order = response.json()
                        started = time.perf_counter()
                        response = await client.post(
                            f"/v1/orders/{order['id']}/payment",
                            json={
                                "amount": order["totalAmount"],
                                "currency": order["currency"],
                                "source": CARD,
                            },
                        )
                        tally.record("pay", started, response)
                else:
                    response = await client.post(
                        "/v1/chat/completions",
                        json={
                            "model": "PET_ADVISOR_1",
                            "messages": [{"role": "USER", "content": rng.choice(QUESTIONS)}],
                        },
                    )
                    tally.record("chat", started, response)
            except httpx.HTTPError as exc:
                tally.errors.append(f"{kind}: {type(exc).__name__}: {exc}")


async def drive(server: RunningServer, tenant: str, seconds: float) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(buyer(n, server, tenant, deadline, tally) for n in range(CLIENTS)))
    return tally


# --------------------------------------------------------------------------- the drill


@pytest.fixture(scope="module")
def server(
    drill_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, str]]:
    tenant = str(uuid.uuid4())
    asyncio.run(seed(drill_database, tenant, 0, PETS, 0, 0))
    env = server_env(drill_database, PETSTORE_READ_CACHE="false")
    create_staff(env, STAFF, PASSWORD, tenant)
    log = tmp_path_factory.mktemp("load") / "server.log"
    with run_server(env, log, workers=2) as running:
        yield running, tenant


def test_mixed_traffic_without_errors_or_memory_growth(
    server: tuple[RunningServer, str],
) -> None:
    running, tenant = server
    sampler = MemorySampler(running.process.pid)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        tally = uvloop.run(drive(running, tenant, DURATION_S))
    finally:
        sampler.stop.set()
        thread.join()
    elapsed = time.monotonic() - started

    print(
        f"\nload drill: {elapsed:.0f} s, {CLIENTS} clients, `petstore serve --workers 2` on "
        f"PostgreSQL, {PETS:,} pets seeded"
    )
    header = (
        f"{'kind':<8} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
        "  statuses"
    )
    print(header)
    print("-" * len(header))
    total = 0
    for kind, latencies in tally.latencies.items():
        total += len(latencies)
        if not latencies:
            print(f"{kind:<8} {0:>9}")
            continue
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses[kind].items()))
        print(
            f"{kind:<8} {len(latencies):>9,} {len(latencies) / elapsed:>7.1f} "
            f"{percentile(latencies, 0.5):>8.1f} {percentile(latencies, 0.9):>8.1f} "
            f"{percentile(latencies, 0.99):>8.1f}  {statuses}"
        )
    print(f"{'all':<8} {total:>9,} {total / elapsed:>7.1f}")

    warm = min(60.0, elapsed * 0.2)
    window = min(60.0, elapsed * 0.2)
    first = sampler.mean_total_mib(warm, warm + window)
    last = sampler.mean_total_mib(elapsed - window, elapsed + SAMPLE_EVERY_S)
    print(
        f"\nworkers' RSS (sum of {len(sampler.workers())} processes): "
        f"{first:.1f} MiB in [{warm:.0f}, {warm + window:.0f}) s, {last:.1f} MiB in the last "
        f"{window:.0f} s ({last / first:.3f}x; limit {RSS_GROWTH}x)"
    )
    print(
        "samples (s: MiB): "
        + ", ".join(f"{at:.0f}: {sum(s.values()) / 1024:.0f}" for at, s in sampler.samples)
    )

    # Every 201 order is stored, every paid one APPROVED, as the staff's list reports.
    with httpx.Client(base_url=running.base_url, headers={"X-Tenant-ID": tenant}) as client:
        login = client.post("/v1/auth/tokens", json={"username": STAFF, "password": PASSWORD})
        staff = {"Authorization": f"Bearer {login.json()['token']}"}
        orders = client.get("/v1/orders?limit=1", headers=staff).json()["pagination"]
        approved = client.get("/v1/orders?limit=1&status=APPROVED", headers=staff).json()
    log = running.log()

    assert not tally.errors, f"{len(tally.errors)} errors, first ones:\n" + "\n".join(
        tally.errors[:20]
    )
    assert tally.statuses["order"][201] > 0
    assert tally.statuses["chat"][201] > 0
    assert orders["totalItems"] == tally.statuses["order"][201]
    assert approved["pagination"]["totalItems"] == tally.statuses["pay"][201]
    assert len(sampler.workers()) == 2, f"worker processes changed: {sampler.workers()}"
    assert last <= first * RSS_GROWTH, f"RSS grew from {first:.1f} to {last:.1f} MiB"
    assert "Traceback" not in log, log[-3000:]
