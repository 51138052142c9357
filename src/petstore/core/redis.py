"""The Redis client that several server processes share their rate-limit counters through.

One client (and one bounded connection pool) per process: every command is bounded by
``PETSTORE_REDIS_TIMEOUT_SECONDS`` (connect, read and waiting for a free pooled connection), so
a slow or unreachable Redis costs a request at most that long and never hangs it. A failed
command is retried once at once: that reconnects a pooled connection that died when Redis
restarted, without multiplying the wait when Redis is really gone.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from petstore.core.settings import Settings

RATE_LIMIT_PREFIX = "petstore:rl:"


def create_redis(settings: Settings) -> Redis:
    """A client for ``PETSTORE_REDIS_URL`` with the configured pool size and timeouts."""
    if settings.redis_url is None:
        raise ValueError("PETSTORE_REDIS_URL is not set")
    timeout = settings.redis_timeout_seconds
    pool = BlockingConnectionPool.from_url(
        settings.redis_url.get_secret_value(),
        max_connections=settings.redis_max_connections,
        timeout=timeout,  # waiting for a free connection when all are busy
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 1),
        health_check_interval=30,
        client_name="petstore",  # how our connections show in CLIENT LIST
    )
    return Redis.from_pool(pool)


def create_pubsub_redis(settings: Settings) -> Redis:
    """A client for a long-lived subscription: no read timeout (an idle channel is not a dead
    one), bounded connect, and a periodic health check that notices a vanished server."""
    if settings.redis_url is None:
        raise ValueError("PETSTORE_REDIS_URL is not set")
    return Redis.from_url(
        settings.redis_url.get_secret_value(),
        socket_connect_timeout=settings.redis_timeout_seconds,
        health_check_interval=15,
        client_name="petstore-live",
    )
