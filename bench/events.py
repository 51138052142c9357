"""Event throughput benchmark: outbox events drained by the delivery worker to a local receiver.

Two phases, on a fresh SQLite database in a temp dir (or the database given with
``--database``), with one ``*`` subscription pointing at a real HTTP receiver on 127.0.0.1 that
runs in its own process:

``burst``
    ``--events`` events are recorded up front on the event bus (``--batch`` per
    transaction), then ``--workers`` ``DeliveryWorker`` instances start and run until every
    delivery has left PENDING. Drain time runs from the workers' start to the last delivery's
    SUCCEEDED update; events/s = events / drain time, checked against the target
    (>= 1,000 events/s). The lag of an event (receiver arrival - the event's ``created_at``) is
    mostly its place in the queue here.
``steady``
    The workers run while events are emitted at ``--rate`` per second for ``--duration``
    seconds, by default from a process of its own (as an API server next to ``petstore
    worker``; the worker finds them by polling every ``--poll`` s), with ``--producer inline``
    from the workers' event loop (as in ``petstore serve``, where a commit that emitted also
    wakes the worker). The p50/p99 lag of these events is the delivery latency under that
    load; when the workers cannot keep up, it grows with the backlog.

The receiver answers ``200 ok`` over HTTP/1.1 keep-alive, records the ``webhook-id`` and the
arrival time of every request, and checks the Standard Webhooks signature of every
``--verify-every``-th one with ``standardwebhooks``. Time spent by the workers is split into
claiming, sending (a batch's concurrent POSTs) and recording (one transaction per delivery),
measured by wrapping the worker's methods, not by changing them.

Run from the repository root::

    .venv/bin/python bench/events.py [--events 10000] [--database sqlite|URL] [--workers 1]

Exit status: 0 when both phases drained cleanly (target met or not: this is a measurement),
2 when deliveries failed, went missing, arrived with bad signatures, stalled or missed the
deadline (the figures are then not valid), 1 when setting up failed. A machine busy with other
work only draws a warning.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import logging
import multiprocessing
import os
import platform
import pstats
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Coroutine, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from petstore.core.database import WRITE_INTENT, create_engine, create_sessionmaker
from petstore.core.events import DomainEvent, EventBus, record
from petstore.core.ids import new_id, utcnow
from petstore.core.outbox import OutboxEvent
from petstore.core.settings import Settings
from petstore.migrations.runner import upgrade
from petstore.pets.events import PET_AVAILABLE
from petstore.webhooks.delivery import DeliveryWorker
from petstore.webhooks.models import Delivery, WebhookSubscription
from petstore.webhooks.repository import ALL_EVENTS
from petstore.webhooks.signing import new_secret
from petstore.webhooks.transport import WebhookTransport

HOST = "127.0.0.1"
TARGET_EVENTS_PER_S = 1_000.0
EVENT_TYPE = PET_AVAILABLE
# As in the server: webhooks are the bus's transport, and a commit that recorded events wakes
# the workers of this process.
WEBHOOKS = WebhookTransport()
BUS = EventBus()
BUS.subscribe(WEBHOOKS)


def bus_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine, BUS.session_info())


RECEIVER_START_TIMEOUT_S = 60.0
PIPE_TIMEOUT_S = 30.0
PENDING_POLL_S = 0.2
STEADY_TICK_S = 0.01
OTHER_CPU_WARNING = 0.15  # cores used by other processes during a phase that taint it
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"

T = TypeVar("T")


class BenchError(RuntimeError):
    """A set-up step failed; the message says which."""


# --- the receiver (its own process) -------------------------------------------------------


class _ReceiverState:
    def __init__(self, secret: str, verify_every: int) -> None:
        from standardwebhooks.webhooks import Webhook

        self.webhook = Webhook(secret)
        self.verify_every = verify_every
        self.requests = 0
        self.verified = 0
        self.bad: list[str] = []
        self.arrivals: list[tuple[str, float]] = []  # (webhook-id, time.time() on arrival)

    def arrive(self, headers: dict[str, str], body: bytes) -> None:
        self.arrivals.append((headers.get("webhook-id", ""), time.time()))
        self.requests += 1
        if self.verify_every and self.requests % self.verify_every == 0:
            try:
                self.webhook.verify(body, headers)
            except Exception as exc:  # WebhookVerificationError, or a malformed header
                self.bad.append(f"{headers.get('webhook-id')}: {type(exc).__name__}: {exc}")
            else:
                self.verified += 1


class _ReceiverProtocol(asyncio.Protocol):
    """A minimal HTTP/1.1 server: Content-Length bodies, keep-alive, pipelining tolerated."""

    def __init__(self, state: _ReceiverState) -> None:
        self.state = state
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            total = end + 4 + int(headers.get("content-length") or 0)
            if len(self.buffer) < total:
                return
            body = bytes(self.buffer[end + 4 : total])
            del self.buffer[:total]
            self.state.arrive(headers, body)
            self.transport.write(RESPONSE)
            if headers.get("connection", "").lower() == "close":
                self.transport.close()
                self.transport = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def _receiver_serve(conn: Connection, secret: str, verify_every: int, tmp: str) -> None:
    state = _ReceiverState(secret, verify_every)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _ReceiverProtocol(state), HOST, 0, backlog=1024)
    port = int(server.sockets[0].getsockname()[1])
    done = asyncio.Event()
    takes = 0

    def on_command() -> None:
        nonlocal takes
        os.set_blocking(conn.fileno(), True)  # the event loop may have made it non-blocking
        try:
            command = conn.recv()
        except EOFError:
            done.set()
            return
        if command == "stats":
            conn.send((state.requests, time.process_time()))
        elif command == "take":  # hand over the arrivals so far and start afresh
            # Through a file: 10,000 arrivals are more than a pipe's buffer.
            takes += 1
            path = Path(tmp) / f"arrivals-{takes}.txt"
            path.write_text("".join(f"{e} {t!r}\n" for e, t in state.arrivals))
            conn.send((str(path), state.verified, state.bad[:10], len(state.bad)))
            state.arrivals, state.verified, state.bad = [], 0, []
        else:
            done.set()

    loop.add_reader(conn.fileno(), on_command)
    conn.send(("ready", port))
    async with server:
        await done.wait()


def run_loop(main: Coroutine[Any, Any, T], loop: str) -> T:
    """Run ``main`` on uvloop or on asyncio's own loop."""
    if loop == "uvloop":
        import uvloop

        return uvloop.run(main)
    return asyncio.run(main)


def receiver_main(conn: Connection, secret: str, verify_every: int, tmp: str, loop: str) -> None:
    """Entry point of the receiver process."""
    run_loop(_receiver_serve(conn, secret, verify_every, tmp), loop)


class Receiver:
    """The parent's handle on the receiver process; talks to it over a pipe."""

    def __init__(self, secret: str, verify_every: int, tmp: Path, loop: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=receiver_main,
            args=(child, secret, verify_every, str(tmp), loop),
            name="bench-receiver",
            daemon=True,
        )
        self.process.start()
        child.close()
        if not self.conn.poll(RECEIVER_START_TIMEOUT_S):
            self.stop()
            raise BenchError("the receiver did not start")
        tag, port = self.conn.recv()
        assert tag == "ready"
        self.url = f"http://{HOST}:{port}/hook"

    def _ask(self, command: str) -> Any:
        self.conn.send(command)
        if not self.conn.poll(PIPE_TIMEOUT_S):
            raise BenchError(f"the receiver did not answer {command!r}")
        return self.conn.recv()

    def stats(self) -> tuple[int, float]:
        """Requests so far and the receiver's CPU seconds."""
        requests, cpu = self._ask("stats")
        return int(requests), float(cpu)

    def take(self) -> tuple[list[tuple[str, float]], int, list[str]]:
        """Arrivals since the last take (webhook-id, time), signatures verified, bad ones."""
        path, verified, bad, bad_count = self._ask("take")
        arrivals: list[tuple[str, float]] = []
        for line in Path(path).read_text().splitlines():
            event_id, _, arrived = line.rpartition(" ")
            arrivals.append((event_id, float(arrived)))
        Path(path).unlink()
        if bad_count > len(bad):
            bad.append(f"... and {bad_count - len(bad)} more")
        return arrivals, int(verified), list(bad)

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send("stop")
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        self.conn.close()


# --- the worker, with its time split into claim / send / record ---------------------------


@dataclass
class WorkerTimes:
    batches: int = 0
    deliveries: int = 0
    busy_s: float = 0.0  # run_once calls that delivered something
    claim_s: float = 0.0
    record_s: float = 0.0
    empty_polls: int = 0
    empty_s: float = 0.0

    @property
    def send_s(self) -> float:
        return max(self.busy_s - self.claim_s - self.record_s, 0.0)

    def add(self, other: WorkerTimes) -> None:
        for name in ("batches", "deliveries", "busy_s", "claim_s", "record_s"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.empty_polls += other.empty_polls
        self.empty_s += other.empty_s


class TimedWorker(DeliveryWorker):
    """``DeliveryWorker`` unchanged, with wall-clock timers around its steps."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        super().__init__(sessionmaker, settings, wakeup=WEBHOOKS.wakeup)
        self.times = WorkerTimes()
        self._last_claim_s = 0.0

    async def run_once(self) -> int:
        started = time.perf_counter()
        delivered = await super().run_once()
        elapsed = time.perf_counter() - started
        if delivered:
            self.times.batches += 1
            self.times.deliveries += delivered
            self.times.busy_s += elapsed
            self.times.claim_s += self._last_claim_s
        else:
            self.times.empty_polls += 1
            self.times.empty_s += elapsed
        return delivered

    async def _claim(self) -> list[Any]:
        started = time.perf_counter()
        try:
            return await super()._claim()
        finally:
            self._last_claim_s = time.perf_counter() - started

    async def _record(self, *args: Any, **kwargs: Any) -> None:
        # Whatever its signature (one delivery, or a batch of them), recording is timed.
        started = time.perf_counter()
        try:
            await super()._record(*args, **kwargs)
        finally:
            self.times.record_s += time.perf_counter() - started


class Workers:
    """``count`` workers running in this event loop until ``stop``."""

    def __init__(
        self, count: int, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
    ) -> None:
        self.workers = [TimedWorker(sessionmaker, settings) for _ in range(count)]
        self.stop_event = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self.tasks = [
            asyncio.create_task(worker.run(self.stop_event), name=f"bench-worker-{i}")
            for i, worker in enumerate(self.workers)
        ]

    async def stop(self) -> WorkerTimes:
        self.stop_event.set()
        await asyncio.gather(*self.tasks)
        total = WorkerTimes()
        for worker in self.workers:
            total.add(worker.times)
            await worker.aclose()
        return total


async def readable(conn: Connection, limit_s: float | None = None) -> None:
    """Wait, without blocking the event loop, until ``conn`` has something to read."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    fd = conn.fileno()

    def ready() -> None:
        if not done.done():
            done.set_result(None)

    loop.add_reader(fd, ready)
    try:
        await asyncio.wait_for(done, limit_s)
    finally:
        loop.remove_reader(fd)
        os.set_blocking(fd, True)  # the event loop may have made it non-blocking


def worker_process_main(conn: Connection, settings_values: dict[str, Any], loop: str) -> None:
    """Entry point of a worker process (``--worker-mode process``): one worker until "stop"."""

    async def serve() -> None:
        settings = Settings(**settings_values)
        engine = create_engine(settings)
        workers = Workers(1, bus_sessionmaker(engine), settings)
        try:
            conn.send("ready")
            if conn.recv() != "go":
                return
            cpu0 = time.process_time()
            workers.start()
            await readable(conn)
            conn.recv()
            times = await workers.stop()
            conn.send((asdict(times), time.process_time() - cpu0))
        finally:
            await engine.dispose()

    run_loop(serve(), loop)


class ProcessWorkers:
    """``count`` worker processes, as ``petstore worker`` run several times."""

    def __init__(self, count: int, settings_values: dict[str, Any], loop: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.conns: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for i in range(count):
            conn, child = context.Pipe()
            process = context.Process(
                target=worker_process_main,
                args=(child, settings_values, loop),
                name=f"bench-worker-{i}",
                daemon=True,
            )
            process.start()
            child.close()
            self.conns.append(conn)
            self.processes.append(process)
        for conn in self.conns:
            if not conn.poll(RECEIVER_START_TIMEOUT_S) or conn.recv() != "ready":
                self.kill()
                raise BenchError("a worker process did not start")

    def start(self) -> None:
        for conn in self.conns:
            conn.send("go")

    async def stop(self) -> tuple[WorkerTimes, float]:
        """Stop them all (each finishes its batch); their times and CPU seconds."""
        total, cpu_s = WorkerTimes(), 0.0
        for conn in self.conns:
            conn.send("stop")
        for conn in self.conns:
            await readable(conn, PIPE_TIMEOUT_S)
            times, cpu = conn.recv()
            total.add(WorkerTimes(**times))
            cpu_s += float(cpu)
        self.kill()
        return total, cpu_s

    def kill(self) -> None:
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.terminate()
                process.join(5)
        for conn in self.conns:
            conn.close()


# --- database helpers ---------------------------------------------------------------------


def as_timestamp(moment: datetime) -> float:
    """Seconds since the epoch; SQLite hands back naive datetimes, which are UTC here."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


async def create_subscription(
    sessionmaker: async_sessionmaker[AsyncSession], tenant: str, url: str, secret: str
) -> uuid.UUID:
    now = utcnow()
    subscription_id = new_id()
    async with sessionmaker() as session:
        await session.connection(execution_options={WRITE_INTENT: True})
        session.add(
            WebhookSubscription(
                id=subscription_id,
                tenant=tenant,
                owner_id=None,
                url=url,
                events=[ALL_EVENTS],
                description="bench/events.py",
                secret=secret,
                status="ACTIVE",
                disabled_reason=None,
                created_at=now,
                updated_at=now,
            )
        )
        await session.commit()
    return subscription_id


async def emit_batch(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: str,
    first_seq: int,
    count: int,
    created: dict[str, float],
) -> None:
    """Emit ``count`` events in one transaction; note each event's ``created_at``."""
    rows: list[DomainEvent] = []
    async with sessionmaker() as session:
        await session.connection(execution_options={WRITE_INTENT: True})
        for seq in range(first_seq, first_seq + count):
            data = {"petId": str(uuid.uuid4()), "name": "Biscuit", "status": "AVAILABLE", "n": seq}
            rows.append(await record(session, EVENT_TYPE, tenant, data))
        await session.commit()
    for row in rows:
        created[str(row.id)] = as_timestamp(row.occurred_at)


async def pending(sessionmaker: async_sessionmaker[AsyncSession], subscription: uuid.UUID) -> int:
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.subscription_id == subscription, Delivery.status == "PENDING")
        )
    return int(count or 0)


@dataclass
class DeliveryCounts:
    by_status: dict[str, int]
    attempts: int
    last_update: float | None  # the latest SUCCEEDED delivery's updated_at, epoch seconds

    def since(self, before: DeliveryCounts) -> DeliveryCounts:
        """What changed after ``before`` (the phases run one after the other)."""
        by_status = {
            status: count - before.by_status.get(status, 0)
            for status, count in self.by_status.items()
        }
        return DeliveryCounts(
            {status: count for status, count in by_status.items() if count},
            self.attempts - before.attempts,
            self.last_update,
        )


async def delivery_counts(
    sessionmaker: async_sessionmaker[AsyncSession], subscription: uuid.UUID
) -> DeliveryCounts:
    async with sessionmaker() as session:
        by_status = {
            str(status): int(count)
            for status, count in (
                await session.execute(
                    select(Delivery.status, func.count())
                    .where(Delivery.subscription_id == subscription)
                    .group_by(Delivery.status)
                )
            ).all()
        }
        attempts = await session.scalar(
            select(func.coalesce(func.sum(Delivery.attempts), 0)).where(
                Delivery.subscription_id == subscription
            )
        )
        last = await session.scalar(
            select(func.max(Delivery.updated_at)).where(
                Delivery.subscription_id == subscription, Delivery.status == "SUCCEEDED"
            )
        )
    return DeliveryCounts(by_status, int(attempts or 0), as_timestamp(last) if last else None)


async def wait_drained(
    sessionmaker: async_sessionmaker[AsyncSession],
    subscription: uuid.UUID,
    deadline: float,
    stall_s: float,
) -> str | None:
    """Poll until no delivery of the subscription is PENDING.

    Returns None once drained, else why it gave up: the deadline passed, or the PENDING count
    did not fall for ``stall_s`` seconds (e.g. every send fails and waits for its retry).
    """
    lowest, since = -1, time.monotonic()
    while True:
        count = await pending(sessionmaker, subscription)
        now = time.monotonic()
        if count == 0:
            return None
        if lowest < 0 or count < lowest:
            lowest, since = count, now
        if now >= deadline:
            return f"the deadline passed with {count:,} deliveries still PENDING"
        if now - since >= stall_s:
            return f"stalled: {count:,} deliveries PENDING and none done for {stall_s:g} s"
        await asyncio.sleep(PENDING_POLL_S)


def machine_busy_s() -> float:
    """CPU seconds the whole machine has been busy since boot (``/proc/stat``)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS  # minus idle and iowait


async def wait_for_idle(max_wait: float) -> float:
    """Hold off a phase while other processes keep the machine busy (up to ``max_wait`` s).

    Returns the busy cores last seen."""
    deadline = time.monotonic() + max_wait
    while True:
        busy0, wall0 = machine_busy_s(), time.monotonic()
        await asyncio.sleep(1.0)
        cores = (machine_busy_s() - busy0) / (time.monotonic() - wall0)
        if cores <= OTHER_CPU_WARNING or time.monotonic() >= deadline:
            return cores
        print(f"(machine busy: {cores:.2f} cores; waiting) ", end="", flush=True)


async def produce_at_rate(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: str,
    rate: float,
    total: int,
    created: dict[str, float],
) -> float:
    """Emit ``total`` events at ``rate`` per second (a transaction per tick); the time taken."""
    emitted = 0
    started = time.perf_counter()
    while emitted < total:
        due = min(total, int((time.perf_counter() - started) * rate) + 1) - emitted
        if due > 0:
            await emit_batch(sessionmaker, tenant, emitted, due, created)
            emitted += due
        await asyncio.sleep(STEADY_TICK_S)
    return time.perf_counter() - started


def producer_main(
    conn: Connection, database_url: str, tenant: str, rate: float, total: int, loop: str
) -> None:
    """Entry point of the producer process (``--producer process``)."""

    async def serve() -> None:
        engine = create_engine(Settings(database_url=database_url, worker_enabled=False))
        sessionmaker = bus_sessionmaker(engine)
        try:
            conn.send("ready")
            if conn.recv() != "go":
                return
            created: dict[str, float] = {}
            cpu0 = time.process_time()
            emit_s = await produce_at_rate(sessionmaker, tenant, rate, total, created)
            conn.send((created, emit_s, time.process_time() - cpu0))
        finally:
            await engine.dispose()

    run_loop(serve(), loop)


class Producer:
    """The steady phase's event source in a process of its own, as an API server would be."""

    def __init__(self, database_url: str, tenant: str, rate: float, total: int, loop: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=producer_main,
            args=(child, database_url, tenant, rate, total, loop),
            name="bench-producer",
            daemon=True,
        )
        self.process.start()
        child.close()
        if not self.conn.poll(RECEIVER_START_TIMEOUT_S) or self.conn.recv() != "ready":
            self.stop()
            raise BenchError("the producer did not start")

    async def run(self, limit_s: float) -> tuple[dict[str, float], float, float]:
        """Let it go; its events' ``created_at``, its emitting time and its CPU seconds."""
        self.conn.send("go")
        try:
            await readable(self.conn, limit_s)
        except TimeoutError:
            raise BenchError("the producer did not finish in time") from None
        created, emit_s, cpu_s = self.conn.recv()
        return created, float(emit_s), float(cpu_s)

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send("stop")
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        self.conn.close()


# --- results ------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending sequence (0 when it is empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


@dataclass
class PhaseResult:
    phase: str
    events: int
    emit_s: float  # time spent emitting (burst: before the workers start)
    emit_rate: float  # events emitted per second
    drain_s: float | None  # burst: workers' start -> last SUCCEEDED; steady: first emit -> last
    events_per_s: float | None
    lag_p50_ms: float
    lag_p90_ms: float
    lag_p99_ms: float
    lag_max_ms: float
    by_status: dict[str, int]
    attempts: int
    received: int  # requests for this phase's events
    unique: int
    duplicates: int
    missing: int
    verified: int
    bad_signatures: list[str]
    worker: dict[str, float]
    cpu_bench_cores: float
    cpu_bench_ms_per_event: float  # this process's CPU time (all threads) per event delivered
    cpu_receiver_cores: float
    cpu_producer_cores: float
    cpu_other_cores: float
    completed: bool
    problems: list[str] = field(default_factory=list)  # the figures are not valid
    warnings: list[str] = field(default_factory=list)  # valid, but read them with care


def summarise(
    phase: str,
    created: dict[str, float],
    arrivals: list[tuple[str, float]],
    verified: int,
    verify_every: int,
    bad: list[str],
    counts: DeliveryCounts,
    times: WorkerTimes,
    *,
    emit_s: float,
    started: float,
    stuck: str | None,
    cpu_bench_s: float,
    cpu_receiver_s: float,
    cpu_producer_s: float,
    cpu_machine_s: float,
    wall_s: float,
) -> PhaseResult:
    first: dict[str, float] = {}
    duplicates = 0
    for event_id, arrived in arrivals:
        if event_id in first:
            duplicates += 1
        else:
            first[event_id] = arrived
    lags = sorted((first[e] - made) * 1000 for e, made in created.items() if e in first)
    missing = sum(1 for e in created if e not in first)
    strays = sum(1 for e in first if e not in created)
    completed = stuck is None
    drain_s = counts.last_update - started if completed and counts.last_update else None
    problems: list[str] = []
    if stuck is not None:
        problems.append(stuck)
    failed = counts.by_status.get("FAILED", 0)
    if failed:
        problems.append(f"{failed} deliveries FAILED")
    if missing:
        problems.append(f"{missing} events never reached the receiver")
    if strays:
        problems.append(f"{strays} requests with an unknown webhook-id")
    if bad:
        problems.append(f"signatures did not verify, e.g. {bad[0]} (see bad_signatures)")
    if verified == 0 and len(arrivals) >= verify_every > 0:
        problems.append("no signature was verified (raise --events or lower --verify-every)")
    ours = cpu_bench_s + cpu_receiver_s + cpu_producer_s
    other = max(0.0, cpu_machine_s - ours) / wall_s if wall_s else 0.0
    warnings: list[str] = []
    if other > OTHER_CPU_WARNING:
        warnings.append(
            f"the machine was not idle: other processes used {other:.2f} cores meanwhile "
            "(the figures are low)"
        )
    busy = times.busy_s or 1.0
    worker = {
        "batches": times.batches,
        "mean_batch": times.deliveries / times.batches if times.batches else 0.0,
        "claim_ms_per_batch": 1000 * times.claim_s / times.batches if times.batches else 0.0,
        "send_ms_per_batch": 1000 * times.send_s / times.batches if times.batches else 0.0,
        "record_ms_per_batch": 1000 * times.record_s / times.batches if times.batches else 0.0,
        "claim_share": times.claim_s / busy,
        "send_share": times.send_s / busy,
        "record_share": times.record_s / busy,
        "busy_s": times.busy_s,
        "empty_polls": times.empty_polls,
        "empty_s": times.empty_s,
    }
    return PhaseResult(
        phase=phase,
        events=len(created),
        emit_s=emit_s,
        emit_rate=len(created) / emit_s if emit_s else 0.0,
        drain_s=drain_s,
        events_per_s=len(created) / drain_s if drain_s else None,
        lag_p50_ms=percentile(lags, 0.50),
        lag_p90_ms=percentile(lags, 0.90),
        lag_p99_ms=percentile(lags, 0.99),
        lag_max_ms=lags[-1] if lags else 0.0,
        by_status=counts.by_status,
        attempts=counts.attempts,
        received=len(arrivals),
        unique=len(first),
        duplicates=duplicates,
        missing=missing,
        verified=verified,
        bad_signatures=bad[:10],
        worker=worker,
        cpu_bench_cores=cpu_bench_s / wall_s if wall_s else 0.0,
        cpu_bench_ms_per_event=1000 * cpu_bench_s / len(created) if created else 0.0,
        cpu_receiver_cores=cpu_receiver_s / wall_s if wall_s else 0.0,
        cpu_producer_cores=cpu_producer_s / wall_s if wall_s else 0.0,
        cpu_other_cores=other,
        completed=completed,
        problems=problems,
        warnings=warnings,
    )


# --- the two phases -----------------------------------------------------------------------


@dataclass
class Bench:
    args: argparse.Namespace
    settings: Settings
    settings_values: dict[str, Any]
    sessionmaker: async_sessionmaker[AsyncSession]
    receiver: Receiver
    tenant: str
    subscription: uuid.UUID
    profile: cProfile.Profile | None = None

    async def _drain(
        self,
        phase: str,
        created: dict[str, float],
        emit_s: float,
        producer: Coroutine[Any, Any, float] | None = None,
    ) -> PhaseResult:
        """Run the workers (and ``producer``, a coroutine, if any) until nothing is PENDING."""
        deadline = time.monotonic() + self.args.deadline
        before = await delivery_counts(self.sessionmaker, self.subscription)
        _, receiver_cpu0 = self.receiver.stats()
        in_loop: Workers | None = None
        processes: ProcessWorkers | None = None
        if self.args.worker_mode == "process":
            processes = ProcessWorkers(self.args.workers, self.settings_values, self.args.loop)
        else:
            in_loop = Workers(self.args.workers, self.sessionmaker, self.settings)
        cpu0, machine0, wall0 = time.process_time(), machine_busy_s(), time.monotonic()
        started = time.time()
        if self.profile is not None:
            self.profile.enable()
        if processes is not None:
            processes.start()
        else:
            assert in_loop is not None
            in_loop.start()
        producer_cpu_s = await producer if producer is not None else 0.0
        stuck = await wait_drained(self.sessionmaker, self.subscription, deadline, self.args.stall)
        workers_cpu_s = 0.0
        if processes is not None:
            times, workers_cpu_s = await processes.stop()
        else:
            assert in_loop is not None
            times = await in_loop.stop()
        if self.profile is not None:
            self.profile.disable()
        cpu_s = time.process_time() - cpu0 + workers_cpu_s
        wall_s = time.monotonic() - wall0
        machine_s = machine_busy_s() - machine0
        _, receiver_cpu1 = self.receiver.stats()
        counts = (await delivery_counts(self.sessionmaker, self.subscription)).since(before)
        arrivals, verified, bad = self.receiver.take()
        if producer is not None and created:
            started = min(created.values())
        return summarise(
            phase,
            created,
            arrivals,
            verified,
            self.args.verify_every,
            bad,
            counts,
            times,
            emit_s=emit_s,
            started=started,
            stuck=stuck,
            cpu_bench_s=cpu_s,
            cpu_receiver_s=receiver_cpu1 - receiver_cpu0,
            cpu_producer_s=producer_cpu_s,
            cpu_machine_s=machine_s,
            wall_s=wall_s,
        )

    async def burst(self) -> PhaseResult:
        created: dict[str, float] = {}
        total, batch = self.args.events, self.args.batch
        await wait_for_idle(self.args.wait_idle)
        emit_started = time.perf_counter()
        for first in range(0, total, batch):
            await emit_batch(
                self.sessionmaker, self.tenant, first, min(batch, total - first), created
            )
        emit_s = time.perf_counter() - emit_started
        return await self._drain("burst", created, emit_s)

    async def steady(self) -> PhaseResult:
        created: dict[str, float] = {}
        rate, total = self.args.rate, int(self.args.rate * self.args.duration)
        emit_s = 0.0
        producer: Producer | None = None
        if self.args.producer == "process":
            producer = Producer(
                self.settings.database_url, self.tenant, rate, total, self.args.loop
            )

        async def produce() -> float:
            nonlocal emit_s
            if producer is None:
                emit_s = await produce_at_rate(self.sessionmaker, self.tenant, rate, total, created)
                return 0.0  # its CPU is this process's
            got, emit_s, cpu_s = await producer.run(self.args.deadline)
            created.update(got)
            return cpu_s

        try:
            await wait_for_idle(self.args.wait_idle)
            result = await self._drain("steady", created, 0.0, produce())
        finally:
            if producer is not None:
                producer.stop()
        result.emit_s = emit_s
        result.emit_rate = total / emit_s if emit_s else 0.0
        if result.emit_rate < 0.95 * rate:
            result.warnings.append(
                f"the producer reached only {result.emit_rate:,.0f} of {rate:,.0f} events/s"
            )
        return result


# --- output -------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def report(results: list[PhaseResult], args: argparse.Namespace) -> str:
    lines = [
        f"{'phase':<7} {'events':>7} {'emit/s':>7} {'drain s':>8} {'events/s':>9} "
        f"{'lag p50 ms':>11} {'p90 ms':>9} {'p99 ms':>9} {'max ms':>9}  {'target':<10} verdict"
    ]
    for r in results:
        target = verdict = ""
        if r.phase == "burst":
            target = f">={TARGET_EVENTS_PER_S:,.0f}/s"
            if r.problems:
                verdict = "INVALID"
            else:
                met = (r.events_per_s or 0) >= TARGET_EVENTS_PER_S
                verdict = ("PASS" if met else "MISS") + (" (busy)" if r.warnings else "")
        lines.append(
            f"{r.phase:<7} {r.events:>7,} {_num(r.emit_rate):>7} {_num(r.drain_s, 2):>8} "
            f"{_num(r.events_per_s):>9} {_num(r.lag_p50_ms, 1):>11} {_num(r.lag_p90_ms, 1):>9} "
            f"{_num(r.lag_p99_ms, 1):>9} {_num(r.lag_max_ms, 1):>9}  {target:<10} {verdict}"
        )
    lines.append("")
    for r in results:
        w = r.worker
        lines.append(
            f"{r.phase}: {int(w['batches']):,} batches of {w['mean_batch']:.1f}; per batch "
            f"claim {w['claim_ms_per_batch']:.1f} ms ({w['claim_share']:.0%}), "
            f"send {w['send_ms_per_batch']:.1f} ms ({w['send_share']:.0%}), "
            f"record {w['record_ms_per_batch']:.1f} ms ({w['record_share']:.0%}); "
            f"{int(w['empty_polls']):,} empty polls"
        )
        pad = " " * (len(r.phase) + 2)
        lines.append(
            f"{pad}CPU: this process {r.cpu_bench_cores:.2f} cores "
            f"({r.cpu_bench_ms_per_event:.2f} ms per event), receiver "
            f"{r.cpu_receiver_cores:.2f}, producer {r.cpu_producer_cores:.2f}, "
            f"other processes {r.cpu_other_cores:.2f}"
        )
        lines.append(
            f"{pad}receiver: {r.received:,} requests ({r.unique:,} events, {r.duplicates} "
            f"duplicates, {r.missing} missing), {r.verified} signatures verified; "
            f"deliveries {r.by_status}, {r.attempts:,} attempts"
        )
        if r.phase == "steady":
            lines.append(
                f"{pad}producer: {r.events:,} events in {r.emit_s:.2f} s "
                f"({r.emit_rate:,.0f}/s, asked {args.rate:,.0f}/s), {args.producer}"
            )
        for problem in r.problems:
            lines.append(f"{pad}PROBLEM: {problem}")
        for warning in r.warnings:
            lines.append(f"{pad}WARNING: {warning}")
    return "\n".join(lines)


PROFILE_BUCKETS: tuple[tuple[str, str], ...] = (
    ("/petstore/", "petstore"),
    ("/sqlalchemy/", "SQLAlchemy"),
    ("/aiosqlite/", "aiosqlite"),
    ("/asyncpg/", "asyncpg"),
    ("/httpx/", "httpx"),
    ("/httpcore/", "httpcore"),
    ("/h11/", "h11"),
    ("/anyio/", "anyio"),
    ("/standardwebhooks/", "signing"),
    ("/hmac.py", "signing"),
    ("/base64.py", "signing"),
    ("/uuid_utils/", "ids"),
    ("<frozen importlib", "import machinery (e.g. failed imports)"),
    ("/asyncio/", "asyncio (Python)"),
    ("/bench/", "bench"),
)


def profile_summary(profile: cProfile.Profile, top: int) -> str:
    """Own time of the profiled thread by package, then the top functions."""
    stats = pstats.Stats(profile)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    buckets: dict[str, float] = {}
    total = 0.0
    for (filename, _, name), (_, _, tottime, _, _) in raw.items():
        total += tottime
        if filename == "~":
            label = (
                "event loop wait" if "run_" in name or "select" in name or "poll" in name else "C"
            )
            bucket = f"built-in ({label})"
        else:
            bucket = next((b for key, b in PROFILE_BUCKETS if key in filename), "other Python")
        buckets[bucket] = buckets.get(bucket, 0.0) + tottime
    lines = [f"cProfile of the burst drain (main thread, {total:.2f} s of own time):"]
    for bucket, seconds in sorted(buckets.items(), key=lambda item: -item[1]):
        lines.append(f"  {bucket:<28} {seconds:7.2f} s {seconds / total:6.1%}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(top)
    lines.append(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(
        "delivery.py|outbound.py|signing.py", top
    )
    lines.append(out.getvalue())
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=10_000, help="events in the burst phase")
    parser.add_argument("--batch", type=int, default=500, help="burst events per transaction")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="'sqlite' (a fresh file in a temp dir) or a database URL, e.g. "
        "postgresql+asyncpg://user:pw@host/db (migrated; the bench's rows are removed after)",
    )
    parser.add_argument("--workers", type=int, default=1, help="DeliveryWorker instances")
    parser.add_argument(
        "--worker-mode",
        choices=("loop", "process"),
        default="loop",
        help="run the workers in this process's event loop, or each in a process of its own "
        "(as several `petstore worker`s)",
    )
    parser.add_argument("--rate", type=float, default=500.0, help="steady phase: events/s")
    parser.add_argument("--duration", type=float, default=10.0, help="steady phase: seconds")
    parser.add_argument(
        "--producer",
        choices=("process", "inline"),
        default="process",
        help="steady phase: emit from a process of its own (as an API server would) or from "
        "the workers' event loop (as in petstore serve, where emit also nudges the worker)",
    )
    parser.add_argument("--no-steady", action="store_true", help="skip the steady phase")
    parser.add_argument("--deadline", type=float, default=300.0, help="seconds per phase")
    parser.add_argument(
        "--stall", type=float, default=30.0, help="give up when nothing is done for this long"
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=60.0,
        help="before each phase, wait up to this long for the machine to go idle (0: don't)",
    )
    parser.add_argument("--poll", type=float, default=0.05, help="worker_poll_seconds")
    parser.add_argument(
        "--verify-every", type=int, default=100, help="the receiver checks every Nth signature"
    )
    parser.add_argument(
        "--loop", choices=("uvloop", "asyncio"), default="uvloop", help="event loop (both ends)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the burst drain (slows it down)"
    )
    parser.add_argument(
        "--profile-out", type=Path, default=None, help="with --profile: dump the pstats here"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir / the rows")
    args = parser.parse_args(argv)
    if args.events < 1 or args.batch < 1 or args.workers < 1 or args.rate <= 0:
        parser.error("--events, --batch, --workers and --rate must be positive")
    return args


async def run(args: argparse.Namespace, database_url: str, receiver: Receiver) -> dict[str, Any]:
    settings_values: dict[str, Any] = {
        "database_url": database_url,
        "worker_enabled": False,
        "worker_poll_seconds": args.poll,
        "outbound_allow": "127.0.0.0/8",
        "webhook_timeout_seconds": 10.0,
        "log_level": "WARNING",
    }
    settings = Settings(**settings_values)
    engine = create_engine(settings)
    sessionmaker = bus_sessionmaker(engine)
    tenant = str(uuid.uuid4())
    try:
        subscription = await create_subscription(sessionmaker, tenant, receiver.url, args.secret)
        bench = Bench(
            args,
            settings,
            settings_values,
            sessionmaker,
            receiver,
            tenant,
            subscription,
            cProfile.Profile() if args.profile else None,
        )
        results = [await bench.burst()]
        if bench.profile is not None:
            print(profile_summary(bench.profile, 30))
            if args.profile_out is not None:
                bench.profile.dump_stats(args.profile_out)
                print(f"profile written to {args.profile_out} (python -m pstats)")
        if not args.no_steady:
            results.append(await bench.steady())
        if not args.keep and args.database != "sqlite":
            async with sessionmaker() as session:
                await session.connection(execution_options={WRITE_INTENT: True})
                await session.execute(delete(OutboxEvent).where(OutboxEvent.tenant == tenant))
                await session.execute(
                    delete(WebhookSubscription).where(WebhookSubscription.id == subscription)
                )
                await session.commit()
    finally:
        await engine.dispose()
    return {
        "results": [asdict(r) for r in results],
        "report": report(results, args),
        "ok": all(not r.problems for r in results),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args.secret = new_secret()
    # SIGTERM unwinds like Ctrl-C, so the receiver stops and the temp dir goes.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    tmp = Path(tempfile.mkdtemp(prefix="petstore-events-"))
    receiver: Receiver | None = None
    try:
        if args.database == "sqlite":
            database_url = f"sqlite+aiosqlite:///{tmp / 'events.db'}"
        else:
            database_url = args.database
        upgrade(database_url)
        receiver = Receiver(args.secret, args.verify_every, tmp, args.loop)
        where = f"SQLite in {tmp}" if args.database == "sqlite" else "from --database"
        print(
            f"events: {args.events:,} burst + {args.rate:,.0f}/s x {args.duration:g} s steady; "
            f"{args.workers} worker(s); {args.loop}; receiver {receiver.url}; database {where}",
            flush=True,
        )
        outcome = run_loop(run(args, database_url, receiver), args.loop)
    except BenchError as exc:
        print(f"set-up failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if receiver is not None:
            receiver.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(outcome["report"])
    data = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {k: v for k, v in vars(args).items() if k != "secret"},
        "target_events_per_s": TARGET_EVENTS_PER_S,
        **{k: v for k, v in outcome.items() if k != "report"},
    }
    if args.json is not None:
        args.json.write_text(json.dumps(data, indent=2, default=str) + "\n")
        print(f"results written to {args.json}")
    return 0 if outcome["ok"] else 2


if __name__ == "__main__":
    sys.exit(main())
