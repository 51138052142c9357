"""Where the test databases are and how the app is configured for tests.

The URLs come from ``scripts/test.sh`` (a throwaway PostgreSQL and Redis); CI refuses to run
without them, so the PostgreSQL and Redis tests can never be skipped there unnoticed."""

from __future__ import annotations

import os
from typing import Any

import pytest

from petstore.core.settings import Settings

POSTGRES_URL = os.environ.get("PETSTORE_TEST_POSTGRES_URL")
POSTGRES_ADMIN_URL = os.environ.get("PETSTORE_TEST_POSTGRES_ADMIN_URL")
if os.environ.get("CI") and not POSTGRES_URL:
    raise RuntimeError("CI must run the PostgreSQL tests: PETSTORE_TEST_POSTGRES_URL is unset")

REDIS_URL = os.environ.get("PETSTORE_TEST_REDIS_URL")
if os.environ.get("CI") and not REDIS_URL:
    raise RuntimeError("CI must run the Redis tests: PETSTORE_TEST_REDIS_URL is unset")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="PETSTORE_TEST_REDIS_URL is unset (scripts/test.sh starts Redis)"
)

# The databases every API test runs on: SQLite always, PostgreSQL when the cluster is there.
DATABASES = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def xdist_worker() -> str:
    """This pytest-xdist worker's name ("main" without xdist): databases named after it do not
    collide between workers running at once."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def fast_settings(database_url: str, **overrides: Any) -> Settings:
    """Real argon2id, cheaper parameters: tests hash hundreds of passwords."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "env": "test",
        # The names the tests' clients use (tests.support.apps, tests.support.oauth).
        "allowed_hosts": "petstore.test,localhost,127.0.0.1",
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "argon2_parallelism": 1,
        "rate_limit_requests": 1_000_000,
        "login_failures_per_ip": 1_000_000,
        "worker_enabled": False,  # event tests run the worker themselves
        "grpc_port": 0,  # the gRPC tests give their apps a free port
    }
    values.update(overrides)
    return Settings(**values)
