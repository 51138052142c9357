"""Prometheus metrics: what the server counts, and the ``/metrics`` exposition.

Every metric is defined here, once per process. With several worker processes
(``petstore serve --workers N``) the client library's multiprocess mode is used: each worker
writes its values to memory-mapped files in ``PROMETHEUS_MULTIPROC_DIR`` and whichever worker
answers a scrape adds them all up, so one scrape sees the whole server. The directory must be
set before this module is first imported and must be empty when the server starts; the CLI
takes care of both (see :mod:`petstore.core.metrics_dir`).

Label values are bounded on purpose: routes are templates (``/v1/pets/{id}``), never raw paths,
and anything the router does not know is one label (:data:`UNMATCHED`); methods outside the
HTTP vocabulary are ``OTHER``. A scanner or a fuzzer therefore cannot grow the number of series.

Collectors computed at scrape time (the webhook outbox's lag, read from the database) are
passed to :func:`exposition` by whoever owns that state, so core knows no domain.
"""

from __future__ import annotations

import asyncio
import glob
import logging
import os
import re
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import QueuePool

from petstore.core.database import READ_ONLY

logger = logging.getLogger("petstore.metrics")

CONTENT_TYPE = CONTENT_TYPE_LATEST
UNMATCHED = "<unmatched>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY"})
# Latency buckets (seconds): cached pet reads answer well under a millisecond, writes that hash
# a password take tens of milliseconds, a slow database seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_dir() -> str | None:
    """The shared directory when the values live in files (several workers), else ``None``."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


# ``*_created`` series double the output and no dashboard here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

HTTP_REQUESTS = Counter(
    "petstore_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ("route", "method", "status"),
)
HTTP_LATENCY = Histogram(
    "petstore_http_request_duration_seconds",
    "Time from receiving a request to the end of its answer, by route template, method and status.",
    ("route", "method", "status"),
    buckets=LATENCY_BUCKETS,
)
RATE_LIMIT_REJECTIONS = Counter(
    "petstore_rate_limit_rejections",
    "Requests refused with 429: limiter=request is the per-caller budget, limiter=login the "
    "failed-login throttle.",
    ("limiter",),
)
WEBHOOK_DELIVERIES = Counter(
    "petstore_webhook_delivery_attempts",
    "Recorded delivery attempts by outcome: delivered (2xx), retry (failed, will be retried), "
    "failed (failed for good); kind is webhook or callback.",
    ("outcome", "kind"),
)
MQTT_MESSAGES = Counter(
    "petstore_mqtt_messages",
    "MQTT messages by outcome: published (acknowledged by the broker), failed (not "
    "acknowledged: the connection broke or timed out; sent again once it is back).",
    ("outcome",),
)
MQTT_CONNECTED = Gauge(
    "petstore_mqtt_connected",
    "1 while this instance is connected to the MQTT broker (max over the workers).",
    multiprocess_mode="livemax",
)
# Pool gauges are per process and summed over the live workers ("livesum"): a worker that exits
# takes its connections with it.
DB_POOL_SIZE = Gauge(
    "petstore_db_pool_size",
    "Connections the database pools keep open (configured size).",
    multiprocess_mode="livesum",
)
DB_POOL_MAX_OVERFLOW = Gauge(
    "petstore_db_pool_max_overflow",
    "Connections the pools may open beyond their size under load.",
    multiprocess_mode="livesum",
)
DB_POOL_IN_USE = Gauge(
    "petstore_db_pool_in_use",
    "Connections checked out of the pools (a request or the worker is using them).",
    multiprocess_mode="livesum",
)
DB_POOL_IDLE = Gauge(
    "petstore_db_pool_idle",
    "Open connections waiting in the pools.",
    multiprocess_mode="livesum",
)


# --- HTTP ---------------------------------------------------------------------------------

_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request (and bring the pool gauges up to date, a safe point to do
    so). The labelled children are cached: ``labels()`` validates and
    locks on every call, a cost the hot path need not pay for every request."""
    if method not in METHODS:  # before the cache: a fuzzer's methods must not grow it
        method = "OTHER"
    key = (route, method, status)
    pair = _children.get(key)
    if pair is None:
        labels = (route, method, str(status))
        pair = (HTTP_REQUESTS.labels(*labels), HTTP_LATENCY.labels(*labels))
        _children[key] = pair
    pair[0].inc()
    pair[1].observe(seconds)
    if _pools_changed:  # the request is over: its connection is back in the pool
        refresh_pool_gauges()


def rate_limited(limiter: str) -> None:
    RATE_LIMIT_REJECTIONS.labels(limiter).inc()


def delivery_recorded(outcome: str, kind: str) -> None:
    WEBHOOK_DELIVERIES.labels(outcome, kind).inc()


def mqtt_messages(outcome: str, count: int = 1) -> None:
    if count:
        MQTT_MESSAGES.labels(outcome).inc(count)


def mqtt_connected(connected: bool) -> None:
    MQTT_CONNECTED.set(1 if connected else 0)


# --- the database pool --------------------------------------------------------------------

# Engines, not pools: ``engine.dispose()`` swaps in a new pool (which keeps the listeners).
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_pools_changed = False


def _pools_did_change(*_args: Any) -> None:
    """The pool event handler does nothing but raise a flag. SQLAlchemy may fire pool events
    from a garbage-collector callback (a connection nobody returned), at any point in this
    thread, even while it holds one of the metrics library's locks, which are not re-entrant:
    touching a metric here could deadlock the process."""
    global _pools_changed
    _pools_changed = True


def refresh_pool_gauges() -> None:
    """Write the pools' own counts to the gauges. Called at safe points only: after each
    request, before each scrape, when an engine comes or goes."""
    global _pools_changed
    _pools_changed = False
    size = overflow = in_use = idle = 0
    for engine in list(_engines):
        pool = engine.pool
        if isinstance(pool, QueuePool):
            size += pool.size()
            overflow += max(getattr(pool, "_max_overflow", 0), 0)
            in_use += pool.checkedout()
            idle += pool.checkedin()
    DB_POOL_SIZE.set(size)
    DB_POOL_MAX_OVERFLOW.set(overflow)
    DB_POOL_IN_USE.set(in_use)
    DB_POOL_IDLE.set(idle)


def refresh_pool_gauges_if_changed() -> None:
    if _pools_changed:
        refresh_pool_gauges()


def instrument_pool(engine: AsyncEngine) -> None:
    """Keep the pool gauges current: the pool's events (checkout, checkin, connect, close)
    flag a change, and the gauges are re-read from the pool at the next safe point. A few
    integer reads per database request, nothing on a cached read. Pools other than
    ``QueuePool`` (which SQLite and PostgreSQL both use here) have nothing to report."""
    sync_engine = engine.sync_engine
    if not isinstance(sync_engine.pool, QueuePool):
        return
    _engines.add(sync_engine)
    for name in ("checkout", "checkin", "connect", "close", "detach", "engine_disposed"):
        event.listen(sync_engine, name, _pools_did_change)
    refresh_pool_gauges()


def forget_engine(engine: AsyncEngine) -> None:
    """Stop counting an engine's pool (the app that owned it has shut down)."""
    _engines.discard(engine.sync_engine)
    refresh_pool_gauges()


# --- exposition ---------------------------------------------------------------------------

_PID_FILE = re.compile(r"_(\d+)\.db$")


def _forget_dead_workers(path: str) -> None:
    """Drop the live-gauge files of workers that died without saying so (killed, crashed):
    their pool connections are gone. Counters stay: totals must never go backwards."""
    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        match = _PID_FILE.search(name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, path)  # type: ignore[no-untyped-call]
        except PermissionError:  # alive, another user's
            continue


def mark_this_process_dead() -> None:
    """Called by a worker as it shuts down, so its live gauges stop counting."""
    path = multiprocess_dir()
    if path:
        multiprocess.mark_process_dead(os.getpid(), path)  # type: ignore[no-untyped-call]


SCRAPE_QUERY_TIMEOUT = 2.0  # seconds


class _Read(Collector):
    def __init__(self, families: Sequence[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Any:
        return self._families


async def read_when_scraped(
    sessionmaker: async_sessionmaker[AsyncSession],
    what: str,
    read: Callable[[AsyncSession], Awaitable[Sequence[Metric]]],
) -> Collector | None:
    """Gauges ``read`` from the database for this scrape (one read-only session, at most
    :data:`SCRAPE_QUERY_TIMEOUT`): right whichever process did the work. ``None`` if the
    database cannot answer quickly: the rest of the metrics are still worth answering with
    (during an outage most of all)."""
    try:
        async with asyncio.timeout(SCRAPE_QUERY_TIMEOUT), sessionmaker() as session:
            await session.connection(execution_options={READ_ONLY: True})
            families = await read(session)
    except Exception:
        logger.warning("metrics: %s could not be read", what, exc_info=True)
        return None
    return _Read(families)


def exposition(*extra: Collector | None) -> bytes:
    """The text exposition of every metric (all workers' when several run), plus ``extra``
    collectors computed for this scrape."""
    refresh_pool_gauges_if_changed()
    path = multiprocess_dir()
    if path:
        _forget_dead_workers(path)
        registry = CollectorRegistry(auto_describe=False)
        multiprocess.MultiProcessCollector(registry, path)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    scrape = CollectorRegistry(auto_describe=False)
    for collector in extra:
        if collector is not None:
            scrape.register(collector)
    return body + generate_latest(scrape)
