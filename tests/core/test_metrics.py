"""Metrics in one process (no multiprocess directory): requests are counted by route template
whichever layer answered them, the pool gauges follow real checkouts on every database, and
``/metrics`` stays out of the API contract. The CLI's directory handling is checked on disk.

Values are process-wide (other tests count too), so assertions are on differences.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from petstore.core import metrics
from petstore.core.database import create_engine
from petstore.core.metrics_dir import ENV, metrics_directory
from tests.support.accounts import Account
from tests.support.pets import PET
from tests.support.settings import fast_settings

REQUESTS = "petstore_http_requests_total"


def count(route: str, method: str, status: int) -> float:
    labels = {"route": route, "method": method, "status": str(status)}
    return REGISTRY.get_sample_value(REQUESTS, labels) or 0.0


async def test_requests_are_counted_by_route_template(
    client: httpx.AsyncClient, staff: Account
) -> None:
    created = await client.post("/v1/pets", json=PET, headers=staff.auth)
    assert created.status_code == 201
    pet_id = created.json()["id"]
    unknown = str(uuid.uuid4())
    cases: list[tuple[str, str, dict[str, Any], str, int]] = [
        ("GET", f"/v1/pets/{pet_id}", {}, "/v1/pets/{id}", 200),
        ("GET", f"/v1/pets/{unknown}", {}, "/v1/pets/{id}", 404),
        ("PATCH", "/v1/pets", {}, "/v1/pets", 405),
        ("BREW", f"/v1/pets/{pet_id}", {}, "/v1/pets/{id}", 405),
        ("GET", f"/v1/nothing/{unknown}", {}, metrics.UNMATCHED, 404),
        # A route of the mounted classic API is named with its mount's prefix.
        ("GET", "/api/v3/pet/1", {}, "/api/v3/pet/{petId}", 200),
        # Answered before routing: 413 by the body limit, still named by its route.
        ("POST", "/v1/pets", {"content": b"x" * 2_000_000}, "/v1/pets", 413),
    ]
    for method, path, extra, route, status in cases:
        label_method = method if method in metrics.METHODS else "OTHER"
        before = count(route, label_method, status)
        response = await client.request(method, path, headers=staff.auth, **extra)
        assert response.status_code == status, (method, path, response.text)
        assert count(route, label_method, status) - before == 1, (method, path)

    exposed = (await client.get("/metrics")).text
    assert pet_id not in exposed
    assert unknown not in exposed
    assert "BREW" not in exposed


async def test_the_latency_histogram_counts_what_the_counter_counts(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    counted = {
        tuple(sorted(s.labels.items())): s.value for s in families["petstore_http_requests"].samples
    }
    histogram = families["petstore_http_request_duration_seconds"]
    infinite = {
        tuple(sorted((k, v) for k, v in s.labels.items() if k != "le")): s.value
        for s in histogram.samples
        if s.name.endswith("_bucket") and s.labels["le"] == "+Inf"
    }
    assert counted
    # The scrape itself is counted only once it has answered: it is in neither yet.
    assert infinite == counted


async def test_metrics_is_not_part_of_the_api_contract(client: httpx.AsyncClient) -> None:
    document = (await client.get("/v1/openapi.json")).json()
    assert "/metrics" not in document["paths"]
    assert "/healthz" not in document["paths"]


def gauge(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


async def test_pool_gauges_follow_checkouts(database_url: str) -> None:
    engine = create_engine(fast_settings(database_url))
    metrics.refresh_pool_gauges()
    base_size, base_in_use = gauge("petstore_db_pool_size"), gauge("petstore_db_pool_in_use")
    metrics.instrument_pool(engine)
    size = engine.sync_engine.pool.size()  # type: ignore[attr-defined]
    assert size >= 1
    assert gauge("petstore_db_pool_size") - base_size == size
    connections = [await engine.connect() for _ in range(3)]
    try:
        metrics.refresh_pool_gauges_if_changed()  # what the end of a request or a scrape does
        assert gauge("petstore_db_pool_in_use") - base_in_use == 3
    finally:
        for connection in connections:
            await connection.close()
    metrics.refresh_pool_gauges_if_changed()
    assert gauge("petstore_db_pool_in_use") == base_in_use
    assert gauge("petstore_db_pool_idle") >= 3  # kept open for the next request
    await engine.dispose()
    metrics.forget_engine(engine)
    assert gauge("petstore_db_pool_size") == base_size


def test_an_operators_directory_is_emptied_but_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"stale")
    (tmp_path / "README").write_text("not ours")
    monkeypatch.setenv(ENV, str(tmp_path))
    with metrics_directory(workers=4) as path:
        assert path == tmp_path
        assert not (tmp_path / "counter_123.db").exists()
        assert (tmp_path / "README").exists()
    assert tmp_path.is_dir()


def test_several_workers_get_a_private_directory_one_worker_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    with metrics_directory(workers=1) as path:
        assert path is None
        assert ENV not in os.environ
    with metrics_directory(workers=2) as path:
        assert path is not None
        assert path.is_dir()
        assert os.environ[ENV] == str(path)
    assert not path.exists()
    assert ENV not in os.environ
