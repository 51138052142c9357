"""Fixed-window rate limiting with the IETF ``RateLimit-*`` headers on every response.

The counters live behind :class:`RateLimitStore` so that several processes can share them
(:class:`RedisRateLimitStore`, when ``PETSTORE_REDIS_URL`` is set) while a single process keeps
them in memory. ``RateLimit-Reset`` is a Unix timestamp, as the reference specifies; 429
answers add ``Retry-After`` in seconds.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petstore.core.metrics import rate_limited
from petstore.core.problems import Problem, problem_response
from petstore.core.redis import RATE_LIMIT_PREFIX

logger = logging.getLogger("petstore.ratelimit")


@dataclass(frozen=True, slots=True)
class Budget:
    limit: int
    remaining: int
    reset_at: int  # Unix seconds

    @property
    def exhausted(self) -> bool:
        return self.remaining < 0

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(self.remaining, 0)),
            "RateLimit-Reset": str(self.reset_at),
        }

    def retry_after(self, now: float | None = None) -> int:
        return max(1, math.ceil(self.reset_at - (now if now is not None else time.time())))


class RateLimitStore(Protocol):
    async def hit(self, key: str, limit: int, window: int, cost: int = 1) -> Budget:
        """Count ``cost`` against ``key`` in the current window and return what is left."""

    async def peek(self, key: str, limit: int, window: int) -> Budget:
        """What is left for ``key`` without counting anything."""

    async def forget(self, key: str, *, prefix: bool = False) -> int:
        """Drop what was counted against ``key`` (or every key starting with it) in every
        window; how many counters went."""


class MemoryRateLimitStore:
    """Per-process counters; old windows are dropped as new ones start."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        # (key, window length, window start) -> count; budgets of different lengths share the
        # store without resetting each other.
        self._counts: dict[tuple[str, int, int], int] = {}
        self._current_window_start: dict[int, int] = {}

    def _window(self, window: int) -> int:
        start = int(self._clock() // window) * window
        if self._current_window_start.get(window) != start:
            self._current_window_start[window] = start
            self._counts = {
                k: v for k, v in self._counts.items() if k[1] != window or k[2] >= start
            }
        return start

    async def hit(self, key: str, limit: int, window: int, cost: int = 1) -> Budget:
        start = self._window(window)
        count = self._counts.get((key, window, start), 0) + cost
        self._counts[(key, window, start)] = count
        return Budget(limit, limit - count, start + window)

    async def peek(self, key: str, limit: int, window: int) -> Budget:
        start = self._window(window)
        return Budget(limit, limit - self._counts.get((key, window, start), 0), start + window)

    async def forget(self, key: str, *, prefix: bool = False) -> int:
        gone = [k for k in self._counts if (k[0].startswith(key) if prefix else k[0] == key)]
        for k in gone:
            del self._counts[k]
        return len(gone)


# Fixed windows aligned on Redis's own clock, so every process agrees where a window starts.
# The key's first increment in a window sets it to expire when the window ends: a key that
# exists always belongs to the current window, and none outlives it.
_HIT = """
local now = tonumber(redis.call('TIME')[1])
local window = tonumber(ARGV[1])
local reset = now - (now % window) + window
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('TTL', KEYS[1]) < 0 then
    redis.call('EXPIREAT', KEYS[1], reset)
end
return {count, reset}
"""
_PEEK = """
local now = tonumber(redis.call('TIME')[1])
local window = tonumber(ARGV[1])
return {tonumber(redis.call('GET', KEYS[1]) or '0'), now - (now % window) + window}
"""


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


class RedisRateLimitStore:
    """Counters in Redis, shared by every process and instance that uses the same server.

    Each hit is one atomic script (``INCRBY`` and ``EXPIREAT`` together), so concurrent
    requests on different instances can neither lose a count nor leave a key without expiry.

    When Redis cannot be reached the store *fails open to local limits*, as API gateways do
    (Kong's ``fault_tolerant``, Envoy's ``failure_mode_deny: false``): counting continues in
    this process's memory, so the service keeps answering and every caller is still limited,
    only per instance instead of across them, until Redis is back. The outage is logged once
    (a warning) and so is the recovery; for ``retry_seconds`` after a failure Redis is not
    tried again, so an outage does not add a timeout to every request.
    """

    def __init__(
        self,
        client: Redis,
        fallback: RateLimitStore | None = None,
        retry_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.fallback: RateLimitStore = fallback or MemoryRateLimitStore()
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._down_until: float | None = None  # set while Redis is considered unreachable
        self._hit = client.register_script(_HIT)
        self._peek = client.register_script(_PEEK)

    @property
    def degraded(self) -> bool:
        """True while counting falls back to this process (Redis unreachable)."""
        return self._down_until is not None

    @staticmethod
    def key(key: str, window: int) -> str:
        return f"{RATE_LIMIT_PREFIX}{window}:{key}"

    async def hit(self, key: str, limit: int, window: int, cost: int = 1) -> Budget:
        if self._should_try():
            try:
                count, reset = await self._hit(keys=[self.key(key, window)], args=[window, cost])
            except (RedisError, OSError) as exc:
                self._failed(exc)
            else:
                self._recovered()
                return Budget(limit, limit - int(count), int(reset))
        return await self.fallback.hit(key, limit, window, cost)

    async def peek(self, key: str, limit: int, window: int) -> Budget:
        if self._should_try():
            try:
                count, reset = await self._peek(keys=[self.key(key, window)], args=[window])
            except (RedisError, OSError) as exc:
                self._failed(exc)
            else:
                self._recovered()
                return Budget(limit, limit - int(count), int(reset))
        return await self.fallback.peek(key, limit, window)

    async def forget(self, key: str, *, prefix: bool = False) -> int:
        """Deletes the key in every window length (an operator's unlock, so Redis errors
        are raised, not absorbed)."""
        pattern = f"{RATE_LIMIT_PREFIX}*:{_glob_escape(key)}{'*' if prefix else ''}"
        names = [name async for name in self.client.scan_iter(match=pattern, count=500)]
        gone = int(await self.client.delete(*names)) if names else 0
        return gone + await self.fallback.forget(key, prefix=prefix)

    async def ping(self) -> bool:
        """Whether Redis answers now (for a readiness check); never raises."""
        try:
            return bool(await self.client.ping())
        except (RedisError, OSError):
            return False

    async def aclose(self) -> None:
        await self.client.aclose()

    def _should_try(self) -> bool:
        return self._down_until is None or self._clock() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        if self._down_until is None:
            # The exception's type only: its text may carry the server's address or user.
            logger.warning(
                "Redis unreachable (%s): rate limits are counted per process until it is back",
                type(exc).__name__,
            )
        self._down_until = self._clock() + self._retry_seconds

    def _recovered(self) -> None:
        if self._down_until is not None:
            self._down_until = None
            logger.info("Redis reachable again: rate limits are shared again")


KeyFunc = Callable[[Scope], Awaitable[str]]


class RateLimitMiddleware:
    """Counts every request against its caller's budget and stamps the headers on the answer."""

    def __init__(
        self,
        app: ASGIApp,
        store: RateLimitStore,
        key_func: KeyFunc,
        limit: int,
        window: int,
        exempt_paths: frozenset[str] = frozenset(),
        problem_base: str | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.key_func = key_func
        self.limit = limit
        self.window = window
        self.exempt_paths = exempt_paths
        self.problem_base = problem_base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        key = await self.key_func(scope)
        budget = await self.store.hit(key, self.limit, self.window)
        headers = budget.headers()
        if budget.exhausted:
            rate_limited("request")
            problem = Problem(
                429,
                f"Rate limit exceeded. Please wait {budget.retry_after()} seconds before "
                "making another request.",
                headers={**headers, "Retry-After": str(budget.retry_after())},
            )
            kwargs = {"problem_base": self.problem_base} if self.problem_base else {}
            await problem_response(problem, scope["path"], **kwargs)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                mutable = MutableHeaders(scope=message)
                if "ratelimit-limit" not in mutable:  # a stricter budget already answered
                    for name, value in headers.items():
                        mutable[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
