"""Server-streaming RPCs over the live feed (:mod:`petstore.core.live`): the committed events
of the caller's tenant, filtered and shaped by the RPC, until the client cancels.

A stream ends with a status a client can act on: ``UNAVAILABLE`` when the server shuts down
(reconnect, to another instance if need be), ``ABORTED`` when the client read too slowly and
fell behind (re-read the state, then watch again), ``UNAUTHENTICATED`` when the token the stream
was opened with expires (it is checked once, at the start, so it cannot outlive its expiry).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any, TypeVar

import grpc
from google.rpc import code_pb2

from petstore.auth.service import Principal
from petstore.core.ids import utcnow
from petstore.core.live import LiveFeed, LiveMessage, Subscription
from petstore.grpc import status

T = TypeVar("T")

Shape = Callable[[dict[str, Any]], T | None]
"""An event envelope to the stream's message, or ``None`` to skip it."""


class Streams:
    """The open streams of one server, so a shutdown can end them before its grace runs out."""

    def __init__(self, feed: LiveFeed) -> None:
        self._feed = feed
        self._open: set[Subscription] = set()
        self.closing = False

    def subscribe(self, tenant: str) -> Subscription:
        return self._feed.subscribe(tenant=tenant)

    def close_all(self) -> None:
        self.closing = True
        for subscription in tuple(self._open):
            subscription.end()

    async def relay(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        subscription: Subscription,
        shape: Shape[T],
        principal: Principal | None,
    ) -> AsyncIterator[T]:
        """Yield the shaped events of ``subscription`` (entered by the caller, before it
        checked what the stream is about, so nothing committed after the check is missed)."""
        self._open.add(subscription)
        try:
            await context.send_initial_metadata(())  # the client knows it is listening now
            async for message in until_expiry(subscription, _expiry(principal)):
                shaped = shape(message.data)
                if shaped is not None:
                    yield shaped
        except TimeoutError:
            await context.abort_with_status(
                status.rich(code_pb2.UNAUTHENTICATED, "The token expired; watch again.")
            )
        finally:
            self._open.discard(subscription)
        if self.closing:
            await context.abort_with_status(
                status.retry_later(code_pb2.UNAVAILABLE, "The server is shutting down.", 1)
            )
        if subscription.overflowed:
            await context.abort_with_status(
                status.rich(
                    code_pb2.ABORTED,
                    "The stream fell too far behind; read the current state and watch again.",
                )
            )


def _expiry(principal: Principal | None) -> datetime | None:
    return principal.token_expires_at if principal is not None else None


async def until_expiry(
    subscription: Subscription, expires_at: datetime | None
) -> AsyncIterator[LiveMessage]:
    """The subscription's messages; ``TimeoutError`` once ``expires_at`` passes."""
    while True:
        waiting = anext(subscription)
        try:
            if expires_at is None:
                message = await waiting
            else:
                remaining = (expires_at - utcnow()).total_seconds()
                message = await asyncio.wait_for(waiting, max(remaining, 0))
        except StopAsyncIteration:
            return
        yield message
