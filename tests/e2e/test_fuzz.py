"""Fuzz drill: at least 10,000 generated bad requests against a running server process.

Sources: schemathesis in negative mode (data that violates the schema, for every operation),
a corpus of known-nasty inputs applied to every operation, raw HTTP bytes no client library
would send, and hypothesis-generated requests over the real routes (see tests/support/fuzzing.py).
The verdict: no answer is a 5xx, every well-formed request gets an answer, the server stays
healthy and ready, and its log holds no traceback. Runs on SQLite and on PostgreSQL, whose
stricter types and text rules find different bugs (a NUL character, for one).

Deterministic (fixed seeds, ``derandomize``) so a failure reproduces; counts and the status
histogram are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.support.accounts import PASSWORD, auth_of, login
from tests.support.databases import empty_database
from tests.support.fuzzing import (
    Operation,
    Request,
    Tally,
    Targets,
    corpus,
    generated_requests,
    operations,
    raw_cases,
    send_raw,
)
from tests.support.pets import PET
from tests.support.servers import (
    RunningServer,
    create_staff_accounts,
    petstore,
    run_server,
    server_client,
    server_env,
)
from tests.support.settings import DATABASES

pytestmark = [pytest.mark.e2e]

TENANT = str(uuid.uuid4())
STAFF = "fuzzstaff"
STAFF_ACCOUNTS = 2  # one for the corpus and hypothesis, one for schemathesis
MIN_REQUESTS = 10_000
HYPOTHESIS_EXAMPLES = 1_500
SCHEMATHESIS_MAX_EXAMPLES = "8"
CONCURRENCY = 4


@pytest.fixture(params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with empty_database(request.param, root, "fuzz") as url:
        env = server_env(url, PETSTORE_OUTBOUND_ALLOW="127.0.0.0/8", PETSTORE_LOG_LEVEL="WARNING")
        petstore(env, "migrate")
        petstore(env, "seed", "--pets", "20", "--tenant", TENANT)
        create_staff_accounts(url, TENANT, [f"{STAFF}{i}" for i in range(STAFF_ACCOUNTS)], PASSWORD)
        with run_server(env, root / "server.log") as running:
            yield running


def make_targets(base_url: str, auth: dict[str, str]) -> Targets:
    with server_client(base_url, TENANT) as client:
        pet = client.post("/v1/pets", json=PET, headers=auth)
        assert pet.status_code == 201, pet.text
        for_order = client.post("/v1/pets", json=PET, headers=auth)
        order = client.post("/v1/orders", json={"petId": for_order.json()["id"]}, headers=auth)
        assert order.status_code == 201, order.text
        victim = client.post(
            "/v1/users",
            json={"username": "fuzzvictim0", "email": "v0@example.com", "password": PASSWORD},
        )
        assert victim.status_code == 201, victim.text
        hook = client.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1:9/hook", "events": ["*"]},
            headers=auth,
        )
        assert hook.status_code == 201, hook.text
        return Targets(
            pet=pet.json()["id"],
            order=order.json()["id"],
            user=victim.json()["id"],
            webhook=hook.json()["id"],
        )


def _headers(request: Request, auth: dict[str, str]) -> Mapping[str, str]:
    headers: dict[str, str | bytes] = {"X-Tenant-ID": TENANT}
    if request.authenticated:
        headers.update(auth)
    headers.update(request.headers)
    return _as_sendable(headers)


def _as_sendable(headers: dict[str, str | bytes]) -> Mapping[str, str]:
    """httpx sends bytes header values as they are, which is how the corpus carries raw
    bytes (obs-text, control characters) a str could not; its annotations only admit
    all-str or all-bytes mappings."""
    return cast(Mapping[str, str], headers)


async def send_all(
    base_url: str, requests: list[Request], auth: dict[str, str], phase: str, tally: Tally
) -> None:
    """Send with modest concurrency; anything httpx itself refuses to send is not counted."""
    queue: asyncio.Queue[Request] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            request = queue.get_nowait()
            try:
                response = await client.request(
                    request.method,
                    request.path,
                    headers=_headers(request, auth),
                    content=request.body,
                )
            except (httpx.LocalProtocolError, httpx.InvalidURL, UnicodeEncodeError):
                tally.sent["not sendable by httpx (skipped)"] += 1
                continue
            except httpx.TransportError as exc:
                tally.record(phase, f"{request.label} {exc!r}", None, acceptable_close=False)
                continue
            tally.record(phase, request.label, response.status_code, acceptable_close=False)

    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))


async def send_raw_all(server: RunningServer, tally: Tally) -> None:
    host, port = server.base_url.removeprefix("http://").split(":")
    cases = raw_cases(f"{host}:{port}", TENANT)
    statuses = await asyncio.gather(*(send_raw(host, int(port), case) for case in cases))
    for case, status in zip(cases, statuses, strict=True):
        tally.record("raw HTTP", case.label, status, acceptable_close=case.may_close)


def run_hypothesis(
    base_url: str, ops: list[Operation], targets: Targets, auth: dict[str, str], tally: Tally
) -> None:
    client = httpx.Client(base_url=base_url, timeout=60)

    @settings(
        max_examples=HYPOTHESIS_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(request=generated_requests(ops, targets, auth))
    def fuzz(request: Request) -> None:
        try:
            response = client.request(
                request.method,
                request.path,
                headers=_as_sendable({"X-Tenant-ID": TENANT, **request.headers}),
                content=request.body,
            )
        except (httpx.LocalProtocolError, httpx.InvalidURL, UnicodeEncodeError):
            tally.sent["not sendable by httpx (skipped)"] += 1
            return
        except httpx.TransportError as exc:
            tally.record("hypothesis", f"{request.label} {exc!r}", None, acceptable_close=False)
            raise
        tally.record("hypothesis", request.label, response.status_code, acceptable_close=False)
        assert response.status_code < 500, (request, response.text[:500])

    with client:
        fuzz()


def run_schemathesis(server: RunningServer, workdir: Path, tally: Tally) -> str:
    """Negative data for every operation; the count of cases comes from its JSON report.

    One token for the whole run: negative data does not reach a valid user id, and where an
    operation has nothing but its credentials to get wrong, schemathesis sends bad ones.
    """
    with server_client(server.base_url, TENANT) as client:
        auth = auth_of(login(client, f"{STAFF}1"))
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{server.base_url}/v1/openapi.json",
        "--mode",
        "negative",
        "--phases",
        "coverage,fuzzing",
        "--checks",
        "not_a_server_error",
        "--header",
        f"X-Tenant-ID: {TENANT}",
        "--header",
        f"Authorization: {auth['Authorization']}",
        "--max-examples",
        SCHEMATHESIS_MAX_EXAMPLES,
        "--workers",
        "2",
        "--seed",
        "20261201",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(workdir / "schemathesis.json"),
    ]
    result = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=900, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20_000:]
    report: dict[str, Any] = json.loads((workdir / "schemathesis.json").read_text())
    cases = int(report["test_cases"]["generated"])
    tally.sent["schemathesis negative"] += cases
    tally.statuses["schemathesis: no 5xx (not_a_server_error)"] += cases
    return output


def test_ten_thousand_bad_requests(server: RunningServer, tmp_path: Path) -> None:
    started = time.monotonic()
    tally = Tally()
    document = httpx.get(f"{server.base_url}/v1/openapi.json", timeout=60).json()
    ops = operations(document)
    with server_client(server.base_url, TENANT) as client:
        auth = auth_of(login(client, f"{STAFF}0"))
    targets = make_targets(server.base_url, auth)

    durations: dict[str, float] = {}

    def phase(name: str, started: float) -> None:
        durations[name] = round(time.monotonic() - started, 1)

    mark = time.monotonic()
    asyncio.run(send_all(server.base_url, list(corpus(ops, targets)), auth, "corpus", tally))
    phase("corpus", mark)
    mark = time.monotonic()
    asyncio.run(send_raw_all(server, tally))
    phase("raw HTTP", mark)
    mark = time.monotonic()
    with server_client(server.base_url, TENANT) as client:
        hypothesis_auth = auth_of(login(client, f"{STAFF}0"))
    run_hypothesis(server.base_url, ops, targets, hypothesis_auth, tally)
    phase("hypothesis", mark)
    mark = time.monotonic()
    run_schemathesis(server, tmp_path, tally)
    phase("schemathesis", mark)
    duration = time.monotonic() - started

    health = httpx.get(f"{server.base_url}/healthz", timeout=10)
    ready = httpx.get(f"{server.base_url}/readyz", timeout=10)
    log = server.log()
    counted = sum(n for phase, n in tally.sent.items() if "skipped" not in phase)
    print(
        f"\nfuzz drill: {counted} requests in {duration:.0f} s {durations}; "
        f"per source {dict(tally.sent)}; "
        f"statuses {dict(sorted(tally.statuses.items()))}"
    )
    assert tally.server_errors == []
    assert tally.no_answer == []
    assert counted >= MIN_REQUESTS
    assert server.process.poll() is None, "the server died"
    assert health.status_code == 200
    assert ready.status_code == 200, ready.text
    assert "Traceback" not in log, log[-5000:]
    assert "unhandled error" not in log
    assert Counter(tally.statuses)["500"] == 0
