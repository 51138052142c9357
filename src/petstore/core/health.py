"""``/readyz``: may a load balancer send this instance traffic now?

``/healthz`` says the process is up; readiness also asks every backing service the instance
needs. Each dependency is a named :class:`ReadinessCheck` in ``app.state.readiness_checks``
(the database always; others, such as a shared Redis, are appended where they are configured).
Checks run concurrently, each bounded by ``PETSTORE_READINESS_TIMEOUT_SECONDS``, so a hung
dependency makes the probe fail fast instead of hanging it.

The answer names each check and how it went, but never an error message: those can carry
host names and connection details.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import FastAPI, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.responses import Response

from petstore.core.problems import Problem, render

logger = logging.getLogger("petstore.health")

Probe = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class ReadinessCheck:
    """A dependency the instance cannot serve without; ``probe`` raises when it is not usable.
    A check that is not ``required`` is reported but does not make the instance unready (a
    broker that is down delays messages, which wait in the outbox; requests are unaffected)."""

    name: str
    probe: Probe
    required: bool = True


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    duration_ms: float
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": "ok" if self.ok else "failed",
            "durationMs": self.duration_ms,
        }
        if self.error is not None:
            body["error"] = self.error
        return body


def database_check(engine: AsyncEngine) -> ReadinessCheck:
    """The database answers a trivial query (through the pool, as requests reach it)."""

    async def probe() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return ReadinessCheck("database", probe)


def redis_check(ping: Callable[[], Awaitable[bool]]) -> ReadinessCheck:
    """The shared Redis answers a PING. Requests fail open to per-process rate limits while it
    is down, but an instance that cannot share its budgets is not fit for more traffic."""

    async def probe() -> None:
        if not await ping():
            raise ConnectionError("no answer to PING")

    return ReadinessCheck("redis", probe)


async def _run(check: ReadinessCheck, limit_seconds: float) -> CheckResult:
    started = time.perf_counter()
    error: str | None = None
    try:
        async with asyncio.timeout(limit_seconds):
            await check.probe()
    except TimeoutError:
        error = f"no answer within {limit_seconds:g} s"
    except Exception as exc:  # any failure means "not ready"; the type says which kind
        error = type(exc).__name__
    duration = round((time.perf_counter() - started) * 1000, 1)
    if error is not None:  # one that cannot make the instance unready is no warning
        level = logging.WARNING if check.required else logging.INFO
        logger.log(level, "readiness check %s failed: %s", check.name, error)
    return CheckResult(check.name, error is None, duration, error)


async def run_checks(checks: Sequence[ReadinessCheck], limit_seconds: float) -> list[CheckResult]:
    """Every check, concurrently; each one bounded by ``limit_seconds``."""
    return list(await asyncio.gather(*(_run(check, limit_seconds) for check in checks)))


def install_readiness(app: FastAPI, checks: list[ReadinessCheck], limit_seconds: float) -> None:
    """Serve ``GET /readyz`` (not part of the API contract, so not in the OpenAPI document):
    200 with each check when all required ones pass, else a 503 problem naming the failed
    ones."""
    app.state.readiness_checks = checks

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        checks = request.app.state.readiness_checks
        results = await run_checks(checks, limit_seconds)
        report = {r.name: r.as_json() for r in results}
        failed = [r.name for r, c in zip(results, checks, strict=True) if not r.ok and c.required]
        if failed:
            return render(
                request,
                Problem(
                    503,
                    f"Not ready: {', '.join(failed)} unavailable.",
                    headers={"Retry-After": "1", "Cache-Control": "no-store"},
                    extensions={"checks": report},
                ),
            )
        return Response(
            orjson.dumps({"status": "ready", "checks": report}),
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )
