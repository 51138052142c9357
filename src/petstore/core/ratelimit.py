"""Fixed-window rate limiting with the IETF ``RateLimit-*`` headers on every response.

The counters live behind :class:`RateLimitStore` so that several processes can share them
(Redis) while a single process keeps them in memory. ``RateLimit-Reset`` is a Unix timestamp,
as the reference specifies; 429 answers add ``Retry-After`` in seconds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petstore.core.metrics import rate_limited
from petstore.core.problems import Problem, problem_response


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
