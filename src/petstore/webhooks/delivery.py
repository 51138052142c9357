"""The delivery worker: claims due deliveries, sends them signed, records every attempt.

Claiming takes a lease (``locked_until``) in a short transaction: ``FOR UPDATE SKIP LOCKED``
on PostgreSQL lets many workers claim disjoint batches; on SQLite the write lock serialises
claims. A worker killed mid-delivery leaves its lease to expire, then the delivery is claimed
again: events are delivered at least once, each with a stable ``webhook-id`` (the event id)
for receivers to de-duplicate.

Retries follow ``PETSTORE_WEBHOOK_RETRY_SCHEDULE`` (immediately, 1 min, 5 min, 30 min, 1 h),
then the delivery is FAILED. A 410 disables the subscription. Redirects are not followed.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.core.database import WRITE_INTENT, is_database_unavailable
from petstore.core.ids import new_id, utcnow
from petstore.core.metrics import delivery_recorded
from petstore.core.outbound import OutboundPolicy, OutboundRefused, pinned
from petstore.core.secrets import server_secret
from petstore.core.settings import Settings
from petstore.webhooks import repository
from petstore.webhooks.models import Delivery, WebhookSubscription
from petstore.webhooks.signing import new_secret, signed_headers

logger = logging.getLogger("petstore.webhooks")

CALLBACK_SECRET = "callback_signing"  # noqa: S105 - the row name, not a secret
BATCH = 64
POOL = 8
EXCERPT = 1024
# A recorded attempt's outcome, for the metrics: by the state the delivery moved to.
_OUTCOMES = {"SUCCEEDED": "delivered", "PENDING": "retry", "FAILED": "failed"}


@dataclass(frozen=True, slots=True)
class _Job:
    delivery_id: uuid.UUID
    event_id: uuid.UUID
    subscription_id: uuid.UUID | None
    url: str
    body: str
    secret: str
    attempt: int
    kind: str = "webhook"


@dataclass(frozen=True, slots=True)
class _Result:
    status_code: int | None
    latency_ms: int
    excerpt: str | None
    error: str | None
    permanent: bool = False  # refused by the SSRF guard: retrying cannot help

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def callback_secret(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    """The server's own secret for signing callbacks, shared via the database."""
    return await server_secret(sessionmaker, CALLBACK_SECRET, new_secret)


async def _read_excerpt(response: httpx.Response) -> str:
    """The start of the answer, as text safe for any database (no NUL characters)."""
    received = b""
    async for chunk in response.aiter_bytes():
        received += chunk
        if len(received) >= EXCERPT * 4:
            break
    text = received.decode(response.encoding or "utf-8", errors="replace")
    return text[:EXCERPT].replace("\x00", "\ufffd")


def _log_failure(job: _Job, result: _Result, status: str) -> None:
    """A failed attempt in the server log, for the operator: the endpoint's origin only (a
    path or query may hold the receiver's own secret), never the body, signature or answer."""
    answer = f"answered {result.status_code}" if result.status_code else result.error
    if status == "PENDING":
        then = "will retry"
    elif job.kind == "webhook":
        then = f"gave up; resend with `petstore webhook redeliver {job.delivery_id}`"
    else:
        then = "gave up"
    logger.warning(
        "%s delivery %s (event %s) to %s failed on attempt %d: %s; %s",
        job.kind,
        job.delivery_id,
        job.event_id,
        _origin(job.url),
        job.attempt,
        answer,
        then,
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


class DeliveryWorker:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        client: httpx.AsyncClient | None = None,
        wakeup: asyncio.Event | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        # Set by the webhook transport after a commit that queued deliveries in this process.
        self.wakeup = wakeup or asyncio.Event()
        self.settings = settings
        self.policy = OutboundPolicy(settings.outbound_allow)
        # A small pool: httpcore's bookkeeping grows with connections x waiting requests, and
        # the benchmark drained fastest with few, reused connections.
        self.client = client or httpx.AsyncClient(
            follow_redirects=False,
            timeout=settings.webhook_timeout_seconds,
            limits=httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL),
        )
        self.is_postgres = not settings.is_sqlite
        self._callback_secret: str | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; finishes the batch in hand before returning."""
        while not stop.is_set():
            try:
                delivered = await self.run_once()
            except Exception as exc:  # keep the worker alive through database hiccups
                if is_database_unavailable(exc):  # expected during an outage: no traceback
                    logger.warning("delivery paused, database unavailable: %s", type(exc).__name__)
                else:
                    logger.exception("delivery batch failed")
                delivered = 0
            if delivered:
                continue
            self.wakeup.clear()
            stopping = asyncio.ensure_future(stop.wait())
            woken = asyncio.ensure_future(self.wakeup.wait())
            _, pending = await asyncio.wait(
                {stopping, woken},
                timeout=self.settings.worker_poll_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
            for task in pending:
                task.cancel()

    async def run_once(self) -> int:
        jobs = await self._claim()
        if not jobs:
            return 0
        results = await asyncio.gather(*(self._send(job) for job in jobs))
        await self._record(list(zip(jobs, results, strict=True)))
        return len(jobs)

    async def _claim(self) -> list[_Job]:
        now = utcnow()
        lease = timedelta(seconds=self.settings.webhook_lease_seconds)
        async with self.sessionmaker() as session:
            await session.connection(execution_options={WRITE_INTENT: True})
            rows = await repository.claim_due(session, now, now + lease, BATCH, self.is_postgres)
            await session.commit()
        return await self._jobs(rows)

    async def _jobs(self, rows: list[tuple[Delivery, WebhookSubscription | None]]) -> list[_Job]:
        """What to send for each claimed delivery; deliveries of a subscription that is gone or
        disabled meanwhile are abandoned."""
        jobs = []
        for delivery, subscription in rows:
            if delivery.kind == "callback":
                if self._callback_secret is None:
                    self._callback_secret = await callback_secret(self.sessionmaker)
                secret = self._callback_secret
            elif subscription is None or subscription.status != "ACTIVE":
                await self._abandon(delivery.id, "the subscription is disabled or gone")
                continue
            else:
                secret = subscription.secret
            # Webhooks go to the subscription's current URL (it may have changed since).
            url = subscription.url if subscription is not None else delivery.url
            jobs.append(
                _Job(
                    delivery.id,
                    delivery.event_id,
                    delivery.subscription_id,
                    url,
                    delivery.body,
                    secret,
                    delivery.attempts + 1,
                    delivery.kind,
                )
            )
        return jobs

    async def _send(self, job: _Job) -> _Result:
        started = time.perf_counter()
        try:
            addresses = await self.policy.resolve(job.url)
        except OutboundRefused as exc:
            return _Result(None, 0, None, f"refused: {exc}", permanent=True)
        url, host, extensions = pinned(job.url, addresses[0])
        headers = {**signed_headers(job.secret, str(job.event_id), utcnow(), job.body), **host}

        def elapsed() -> int:
            return int((time.perf_counter() - started) * 1000)

        try:
            # The whole attempt is bounded, not each read: a receiver that trickles its answer
            # cannot hold the worker.
            async with asyncio.timeout(self.settings.webhook_timeout_seconds):
                async with self.client.stream(
                    "POST", url, content=job.body, headers=headers, extensions=extensions
                ) as response:
                    excerpt = await _read_excerpt(response)
        except TimeoutError:
            limit = self.settings.webhook_timeout_seconds
            return _Result(None, elapsed(), None, f"Timeout: no complete answer within {limit} s")
        except httpx.HTTPError as exc:
            return _Result(None, elapsed(), None, f"{type(exc).__name__}: {exc}"[:500])
        return _Result(response.status_code, elapsed(), excerpt, None)

    async def _record(self, outcomes: list[tuple[_Job, _Result]]) -> None:
        """Record a batch in one transaction; if that fails, one by one, so that one bad
        row cannot lose the others' results."""
        try:
            await self._store(outcomes)
        except Exception:
            logger.exception("recording a batch of deliveries failed; recording one by one")
            for outcome in outcomes:
                try:
                    await self._store([outcome])
                except Exception:
                    logger.exception("could not record delivery %s", outcome[0].delivery_id)

    def _next_state(self, job: _Job, result: _Result, now: datetime) -> dict[str, object]:
        delays = self.settings.retry_delays
        values: dict[str, object] = {
            "id": job.delivery_id,
            "attempts": job.attempt,
            "locked_until": None,
            "last_status_code": result.status_code,
            "last_error": result.error,
            "updated_at": now,
            "status": "PENDING",
            "next_attempt_at": None,
        }
        if result.ok:
            values["status"] = "SUCCEEDED"
        elif self._disables(job, result) or result.permanent or job.attempt >= len(delays):
            values["status"] = "FAILED"
        else:
            values["next_attempt_at"] = now + timedelta(seconds=delays[job.attempt])
        return values

    @staticmethod
    def _disables(job: _Job, result: _Result) -> bool:
        return result.status_code == 410 and job.subscription_id is not None

    async def _store(self, outcomes: list[tuple[_Job, _Result]]) -> None:
        now = utcnow()
        attempts = [
            {
                "id": new_id(),
                "delivery_id": job.delivery_id,
                "attempt": job.attempt,
                "status_code": result.status_code,
                "latency_ms": result.latency_ms,
                "response_excerpt": result.excerpt,
                "error": result.error,
                "created_at": now,
            }
            for job, result in outcomes
        ]
        states = [self._next_state(job, result, now) for job, result in outcomes]
        gone = {job.subscription_id for job, result in outcomes if self._disables(job, result)}
        async with self.sessionmaker() as session:
            await session.connection(execution_options={WRITE_INTENT: True})
            await repository.record_attempts(session, attempts, states, gone, now)
            await session.commit()
        for (job, result), state in zip(outcomes, states, strict=True):
            delivery_recorded(_OUTCOMES[str(state["status"])], job.kind)
            if not result.ok:
                _log_failure(job, result, str(state["status"]))

    async def _abandon(self, delivery_id: uuid.UUID, reason: str) -> None:
        async with self.sessionmaker() as session:
            await session.connection(execution_options={WRITE_INTENT: True})
            await repository.abandon(session, delivery_id, reason, utcnow())
            await session.commit()
        delivery_recorded("failed", "webhook")

    async def aclose(self) -> None:
        await self.client.aclose()
