"""``/metrics`` of a real server with two worker processes (prometheus-client multiprocess
mode): counts from both workers add up in every scrape, routes are templates, and the rate
limiters, the delivery worker, the outbox and the database pools all report.

Whichever worker answers a scrape must report the same totals, so each assertion is made on
several scrapes; the per-worker value files are read directly to check that both workers did
serve requests (otherwise "adds up" would prove nothing).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.support.accounts import PASSWORD, auth_of, login, sign_up_and_login
from tests.support.pets import PET
from tests.support.servers import RunningServer, create_staff, petstore, run_server, server_env
from tests.support.webhooks import Receiver, Reply

pytestmark = [pytest.mark.e2e]

STAFF = "metricsstaff"
TENANT = str(uuid.uuid4())
READS = 40
RATE_LIMIT = 100  # per caller per worker (in-memory budgets)
PETS_ROUTE = "/v1/pets/{id}"
UUID_LIKE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


@dataclass
class Scrape:
    samples: list[tuple[str, dict[str, str], float]]

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples called ``name`` whose labels include ``labels``."""
        return sum(v for n, got, v in self.samples if n == name and labels.items() <= got.items())

    def labels(self, name: str, label: str) -> set[str]:
        return {got[label] for n, got, _ in self.samples if n == name and label in got}


async def scrape(client: httpx.AsyncClient) -> Scrape:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples = [
        (sample.name, dict(sample.labels), sample.value)
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]
    return Scrape(samples)


def per_worker_reads(directory: Path) -> dict[int, float]:
    """GET /v1/pets/{id} 200s counted by each worker, read from its own value file."""
    counts: dict[int, float] = {}
    for file in directory.glob("counter_*.db"):
        pid = int(file.stem.rsplit("_", 1)[1])
        for metric in MultiProcessCollector.merge([str(file)]):  # type: ignore[no-untyped-call]
            for sample in metric.samples:
                if (
                    sample.name == "petstore_http_requests_total"
                    and sample.labels.get("route") == PETS_ROUTE
                    and sample.labels.get("status") == "200"
                ):
                    counts[pid] = counts.get(pid, 0) + sample.value
    return counts


def announced_directory(log: str) -> Path:
    """The directory the CLI prepared, from its (JSON) log line."""
    for line in log.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record["event"].startswith("metrics: multiprocess directory"):
                return Path(record["directory"])
    raise AssertionError("the CLI names the directory it prepared")


def is_dir(path: Path) -> bool:
    return path.is_dir()


def metrics_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = server_env(
        f"sqlite+aiosqlite:///{tmp_path / 'metrics.db'}",
        PETSTORE_LOG_LEVEL="INFO",
        PETSTORE_RATE_LIMIT_REQUESTS=str(RATE_LIMIT),
        PETSTORE_LOGIN_FAILURES_PER_USERNAME="2",
        PETSTORE_OUTBOUND_ALLOW="127.0.0.0/8",
        PETSTORE_WEBHOOK_RETRY_SCHEDULE="0,3600",
        PETSTORE_WORKER_POLL_SECONDS="0.2",
        PETSTORE_WORKER_ENABLED="true",
        **extra,
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update({k: v for k, v in extra.items() if k == "PROMETHEUS_MULTIPROC_DIR"})
    petstore(env, "migrate")
    create_staff(env, STAFF, PASSWORD, TENANT)
    return env


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[RunningServer]:
    with run_server(metrics_env(tmp_path), tmp_path / "server.log", workers=2) as server:
        yield server


async def wait_for_deliveries(
    client: httpx.AsyncClient, staff: dict[str, str], ok_id: str, failing_id: str
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ok = (await client.get(f"/v1/webhooks/{ok_id}/deliveries", headers=staff)).json()
        bad = (await client.get(f"/v1/webhooks/{failing_id}/deliveries", headers=staff)).json()
        if (
            ok["data"]
            and all(d["status"] == "SUCCEEDED" for d in ok["data"])
            and bad["data"]
            and all(d["attempts"] for d in bad["data"])
        ):
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the deliveries were not attempted in time")


async def test_two_workers_report_as_one(two_workers: RunningServer) -> None:
    directory = announced_directory(two_workers.log())
    assert is_dir(directory)
    headers = {"X-Tenant-ID": TENANT}
    async with (
        httpx.AsyncClient(base_url=two_workers.base_url, headers=headers, timeout=30) as client,
        httpx.AsyncClient(  # a new connection per request: the kernel spreads them over workers
            base_url=two_workers.base_url,
            headers=headers,
            timeout=30,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as spread,
    ):
        with Receiver() as receiver:
            staff = auth_of(await login(client, STAFF))
            ok_url, failing_url = receiver.url(), receiver.url()
            receiver.script(failing_url, Reply(status=500))
            subscriptions = []
            for url in (ok_url, failing_url):
                created = await client.post(
                    "/v1/webhooks", json={"url": url, "events": ["*"]}, headers=staff
                )
                assert created.status_code == 201, created.text
                subscriptions.append(created.json()["id"])
            pet = await client.post("/v1/pets", json=PET, headers=staff)
            assert pet.status_code == 201, pet.text
            pet_id = pet.json()["id"]
            await wait_for_deliveries(client, staff, *subscriptions)

        # Reads until both workers have served some, authenticated and anonymous (cache hits).
        reader = (await sign_up_and_login(client)).auth
        sent = 0
        while sent < READS or len([n for n in per_worker_reads(directory).values() if n]) < 2:
            assert sent < 2 * RATE_LIMIT - 20, "one worker took every connection"
            answers = await asyncio.gather(
                *(spread.get(f"/v1/pets/{pet_id}", headers=reader) for _ in range(10)),
                *(spread.get(f"/v1/pets/{pet_id}") for _ in range(2)),
            )
            assert all(a.status_code == 200 for a in answers)
            sent += len(answers)
        unknown = f"/no/such/{uuid.uuid4()}"
        for _ in range(3):
            assert (await client.get(unknown)).status_code == 404

        # The per-caller budget: one user until refused.
        hammer = (await sign_up_and_login(client)).auth
        for _ in range(4 * RATE_LIMIT):
            if (await spread.get("/v1/pets", headers=hammer)).status_code == 429:
                break
        else:
            raise AssertionError("never rate limited")
        # The failed-login throttle.
        ghost = {"username": f"ghost{uuid.uuid4().hex[:8]}", "password": "not-it"}
        statuses = [
            (await spread.post("/v1/auth/tokens", json=ghost)).status_code for _ in range(8)
        ]
        assert 429 in statuses, statuses

        scrapes = [await scrape(spread) for _ in range(6)]

    # Both workers counted reads; every scrape (whichever worker answered) has the sum.
    per_worker = per_worker_reads(directory)
    assert len([n for n in per_worker.values() if n]) == 2, per_worker
    total = sum(per_worker.values())
    assert total >= READS
    for got in scrapes:
        reads = got.value("petstore_http_requests_total", route=PETS_ROUTE, status="200")
        assert reads == total, (reads, per_worker)

    got = scrapes[-1]
    # Routes are templates; what no route knows is one label.
    routes = got.labels("petstore_http_requests_total", "route")
    assert {PETS_ROUTE, "/v1/pets", "/v1/webhooks", "/v1/auth/tokens", "<unmatched>"} <= routes
    for route in routes:
        assert route == "<unmatched>" or route.startswith("/"), route
        assert pet_id not in route
        assert not UUID_LIKE.search(route), route
    assert got.value("petstore_http_requests_total", route="<unmatched>", status="404") == 3
    # Rejected before routing, still named by the route it asked for.
    assert got.value("petstore_http_requests_total", route="/v1/pets", status="429") >= 1

    # The latency histogram: every bucket, cumulative, +Inf equal to the count.
    reads_200 = {"route": PETS_ROUTE, "method": "GET", "status": "200"}
    buckets = {
        labels["le"]: value
        for name, labels, value in got.samples
        if name == "petstore_http_request_duration_seconds_bucket"
        and reads_200.items() <= labels.items()
    }
    assert {"0.001", "0.01", "0.1", "1.0", "10.0", "+Inf"} <= set(buckets)
    ordered = sorted(buckets.items(), key=lambda kv: float(kv[0]))
    assert [v for _, v in ordered] == sorted(v for _, v in ordered)
    assert buckets["+Inf"] == total
    assert got.value("petstore_http_request_duration_seconds_count", **reads_200) == total
    assert got.value("petstore_http_request_duration_seconds_sum", **reads_200) > 0

    # Rate-limit rejections, by limiter.
    assert got.value("petstore_rate_limit_rejections_total", limiter="request") >= 1
    assert got.value("petstore_rate_limit_rejections_total", limiter="login") >= 1

    # Deliveries: the receiver's 200 and its 500 (retried in an hour, so still pending).
    attempts = "petstore_webhook_delivery_attempts_total"
    assert got.value(attempts, outcome="delivered", kind="webhook") >= 1
    assert got.value(attempts, outcome="retry", kind="webhook") >= 1
    assert got.value("petstore_outbox_pending") >= 1
    assert got.value("petstore_outbox_oldest_pending_age_seconds") > 0
    assert got.value("petstore_outbox_lag_seconds") < 60  # nothing overdue: the worker keeps up

    # The pools: SQLite's 16 (+16 overflow) in each of two workers; connections were opened.
    assert got.value("petstore_db_pool_size") == 32
    assert got.value("petstore_db_pool_max_overflow") == 32
    assert got.value("petstore_db_pool_in_use") + got.value("petstore_db_pool_idle") >= 2

    two_workers.process.send_signal(signal.SIGTERM)
    two_workers.process.wait(timeout=30)
    assert not is_dir(directory), "the private directory is removed when the server stops"


def worker_pids(directory: Path) -> set[int]:
    return {int(f.stem.rsplit("_", 1)[1]) for f in directory.glob("gauge_livesum_*.db")}


async def both_pools_counted(client: httpx.AsyncClient, directory: Path) -> None:
    """Wait (with a deadline) until both workers report their pool of 16: never more."""
    deadline = time.monotonic() + 120
    size: Any = None
    while len(worker_pids(directory)) < 2 or size != 32:
        assert time.monotonic() < deadline, f"pool size {size}, workers {worker_pids(directory)}"
        size = (await scrape(client)).value("petstore_db_pool_size")
        assert size <= 32, "a pool is counted twice"
        await asyncio.sleep(0.2)


async def test_an_operators_directory_is_emptied_and_dead_workers_forgotten(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    stale = directory / "counter_999999.db"
    stale.write_bytes(b"left over from an earlier run")
    env = metrics_env(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(directory))
    with run_server(env, tmp_path / "server.log", workers=2) as server:
        assert not stale.exists()
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
            # The server answers once one worker is up; the other may still be starting.
            await both_pools_counted(client, directory)
            pids = worker_pids(directory)
            assert len(pids) == 2, pids
            killed = min(pids)
            os.kill(killed, signal.SIGKILL)
            # uvicorn replaces the worker (a new process importing the app: slow on a busy
            # machine); until the next scrape its gauges are still on disk.
            deadline = time.monotonic() + 120
            while not worker_pids(directory) - pids:
                assert time.monotonic() < deadline, "no replacement worker"
                await asyncio.sleep(0.2)
            size: Any = None
            while size != 32:
                assert time.monotonic() < deadline, f"pool size {size}: a dead worker counted"
                size = (await scrape(client)).value("petstore_db_pool_size")
                assert size <= 32, "the killed worker's pool is still counted"
                await asyncio.sleep(0.2)
            assert killed not in worker_pids(directory)
    # A clean stop: each worker withdraws its live gauges; counters stay for the record.
    assert not list(directory.glob("gauge_livesum_*.db"))
    assert list(directory.glob("counter_*.db"))
