"""The live feed: committed events (and ephemeral messages) pushed to every instance's listeners.

GraphQL subscriptions, gRPC watch streams and the chat sockets all need the same thing: "tell me,
now, about changes committed anywhere". Each would otherwise grow its own LISTEN/NOTIFY or Redis
pub/sub, so the feed is one transport of the event bus and every live door subscribes to it.

How a message travels depends on what the instances share:

- **PostgreSQL**: ``NOTIFY`` is sent inside the change's own transaction (:meth:`LiveFeed.stage`),
  so PostgreSQL delivers it to every listening instance only if and when the change commits, in
  commit order. Each instance keeps one listening connection; its own notifications come back
  to it the same way, so there is one path for all.
- **SQLite with Redis**: after the commit, one sender task per process publishes to a Redis
  channel that every instance subscribes to.
- **SQLite alone**: one process, delivered in process after the commit.

The feed is *live*, not durable: a listener that was not connected (or an instance whose
listening connection was being re-established) misses what happened meanwhile. What must never
be lost (webhooks, MQTT) is written to the outbox by its own transport. A listener that falls
``max_queue`` messages behind is ended rather than allowed to hold memory or slow the others;
its door tells the client, who can re-read the current state and subscribe again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self

import orjson
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from petstore.core import outbox
from petstore.core.events import DomainEvent

logger = logging.getLogger("petstore.live")

EVENTS = "events"
"""The channel of committed domain events; any other channel name carries ephemeral messages."""
NOTIFY_CHANNEL = "petstore_live"
REDIS_CHANNEL = "petstore:live"
MAX_NOTIFY_BYTES = 7900
"""PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a larger event travels as its id
and listeners read the envelope from the outbox."""
MAX_BROADCAST_BYTES = MAX_NOTIFY_BYTES
RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0)
START_WITHIN_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class LiveMessage:
    channel: str
    tenant: str
    """``""`` for the shared pool, else the tenant id (as in :class:`DomainEvent`)."""
    data: dict[str, Any]
    """On :data:`EVENTS`, the event envelope ``{eventId, eventType, timestamp, data}``."""


def _encode(message: LiveMessage) -> bytes:
    return orjson.dumps({"c": message.channel, "t": message.tenant, "d": message.data})


def _decode(raw: str | bytes) -> dict[str, Any]:
    value = orjson.loads(raw)
    if not isinstance(value, dict) or not isinstance(value.get("c"), str):
        raise ValueError("not a live feed message")
    return value


class Subscription:
    """One listener's queue. Iterate it inside ``async with``; iteration ends when the feed
    stops or the listener fell too far behind (then :attr:`overflowed` is true)."""

    def __init__(self, feed: LiveFeed, channel: str, tenant: str | None, max_queue: int) -> None:
        self._feed = feed
        self.channel = channel
        self.tenant = tenant
        self._max = max_queue
        self._queue: asyncio.Queue[LiveMessage | None] = asyncio.Queue()
        self._ended = False
        self.overflowed = False

    async def __aenter__(self) -> Self:
        self._feed._subscriptions.add(self)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._feed._subscriptions.discard(self)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> LiveMessage:
        message = await self._queue.get()
        if message is None:
            raise StopAsyncIteration
        return message

    def wants(self, message: LiveMessage) -> bool:
        return message.channel == self.channel and self.tenant in (None, message.tenant)

    def offer(self, message: LiveMessage) -> None:
        if self._ended:
            return
        if self._queue.qsize() >= self._max:
            self.overflowed = True
            self.end()
            return
        self._queue.put_nowait(message)

    def end(self) -> None:
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(None)


class Relay(Protocol):
    """How messages reach the other instances (and this one)."""

    async def stage(self, session: AsyncSession, message: LiveMessage) -> None: ...
    def committed(self, messages: Sequence[LiveMessage]) -> None: ...
    async def broadcast(self, message: LiveMessage) -> None: ...
    async def start(self) -> None: ...
    async def wait_listening(self, within: float) -> None: ...
    async def stop(self) -> None: ...


class LiveFeed:
    """A transport of the event bus that fans committed events out to live listeners."""

    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._relay: Relay = InProcessRelay(self.deliver)

    def use(self, relay: Relay) -> None:
        """Choose how messages travel (before :meth:`start`)."""
        self._relay = relay

    def subscribe(
        self, *, channel: str = EVENTS, tenant: str | None = None, max_queue: int = 256
    ) -> Subscription:
        """A listener of ``channel`` for one tenant (``None``: every tenant, internal use)."""
        return Subscription(self, channel, tenant, max_queue)

    async def broadcast(self, channel: str, tenant: str, data: dict[str, Any]) -> None:
        """An ephemeral message (a typing indicator...) to every instance; nothing is stored."""
        if channel == EVENTS:
            raise ValueError("events are recorded on the bus, not broadcast")
        message = LiveMessage(channel, tenant, data)
        if len(_encode(message)) > MAX_BROADCAST_BYTES:
            raise ValueError(f"a live message is limited to {MAX_BROADCAST_BYTES} bytes")
        await self._relay.broadcast(message)

    async def stage(self, session: AsyncSession, event: DomainEvent) -> None:
        await self._relay.stage(session, _message_of(event))

    def committed(self, events: Sequence[DomainEvent]) -> None:
        self._relay.committed([_message_of(event) for event in events])

    def deliver(self, message: LiveMessage) -> None:
        """Hand a message that reached this instance to its listeners (never blocks)."""
        for subscription in tuple(self._subscriptions):
            if subscription.wants(message):
                subscription.offer(message)

    async def start(self, within: float = START_WITHIN_SECONDS) -> None:
        """Start relaying; wait (up to ``within``) until this instance listens, so a server that
        answers is one whose live listeners hear every later commit."""
        await self._relay.start()
        try:
            await self._relay.wait_listening(within)
        except TimeoutError:
            logger.warning("live feed: not listening yet; live updates wait for the connection")

    async def stop(self) -> None:
        """Stop listening and end every subscription, so live streams finish cleanly."""
        await self._relay.stop()
        for subscription in tuple(self._subscriptions):
            subscription.end()


def _message_of(event: DomainEvent) -> LiveMessage:
    return LiveMessage(EVENTS, event.tenant, event.envelope())


class InProcessRelay:
    """One process, no shared channel: delivered after the commit, in process."""

    def __init__(self, deliver: Deliver) -> None:
        self._deliver = deliver

    async def stage(self, session: AsyncSession, message: LiveMessage) -> None:
        return None

    def committed(self, messages: Sequence[LiveMessage]) -> None:
        for message in messages:
            self._deliver(message)

    async def broadcast(self, message: LiveMessage) -> None:
        self._deliver(message)

    async def start(self) -> None:
        return None

    async def wait_listening(self, within: float) -> None:
        return None

    async def stop(self) -> None:
        return None


class Deliver(Protocol):
    def __call__(self, message: LiveMessage, /) -> None: ...


class PostgresRelay:
    """``NOTIFY`` in the change's transaction; one ``LISTEN`` connection per instance.

    The listening connection is the driver's own (asyncpg), made from the application engine's
    URL and options, and re-established with a backoff when it drops.
    """

    def __init__(
        self, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], deliver: Deliver
    ) -> None:
        self._engine = engine
        self._sessionmaker = sessionmaker
        self._deliver = deliver
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    async def stage(self, session: AsyncSession, message: LiveMessage) -> None:
        payload = _encode(message)
        if len(payload) > MAX_NOTIFY_BYTES:  # the listeners read it from the outbox
            reference = {"c": message.channel, "t": message.tenant, "ref": message.data["eventId"]}
            payload = orjson.dumps(reference)
        await session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": NOTIFY_CHANNEL, "payload": payload.decode()},
        )

    def committed(self, messages: Sequence[LiveMessage]) -> None:
        return None  # PostgreSQL delivers them, to this instance too

    async def broadcast(self, message: LiveMessage) -> None:
        async with self._engine.connect() as conn:
            await conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": _encode(message).decode()},
            )
            await conn.commit()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="petstore-live-listen")

    async def wait_listening(self, within: float) -> None:
        await asyncio.wait_for(self._connected.wait(), within)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen_forever(self) -> None:
        # A connection of its own, outside the pool the requests share, held while listening.
        engine = create_async_engine(self._engine.url, poolclass=NullPool)
        try:
            await _keep_listening(
                lambda: self._listen_once(engine),
                self._connected,
                "the LISTEN connection failed; reconnecting",
            )
        finally:
            await engine.dispose()

    async def _listen_once(self, engine: AsyncEngine) -> None:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            if driver is None:
                raise RuntimeError("the database connection has no driver connection")
            lost = asyncio.Event()
            driver.add_termination_listener(lambda _conn: lost.set())
            await driver.add_listener(NOTIFY_CHANNEL, self._on_notify)
            self._connected.set()
            try:
                await lost.wait()
            finally:
                with contextlib.suppress(Exception):
                    await driver.remove_listener(NOTIFY_CHANNEL, self._on_notify)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            value = _decode(payload)
        except ValueError:
            logger.warning("live feed: ignored a malformed notification")
            return
        if "ref" in value:
            asyncio.get_running_loop().create_task(self._deliver_stored(value))
            return
        self._deliver(LiveMessage(value["c"], value["t"], value["d"]))

    async def _deliver_stored(self, value: dict[str, Any]) -> None:
        async with self._sessionmaker() as session:
            envelope = await outbox.envelope_of(session, uuid.UUID(value["ref"]))
        if envelope is not None:
            self._deliver(LiveMessage(value["c"], value["t"], envelope))


class RedisRelay:
    """Published after the commit by one sender task (keeping this process's order); every
    instance, this one included, hears it through its subscription."""

    def __init__(self, redis: Redis, deliver: Deliver) -> None:
        self._redis = redis
        self._deliver = deliver
        self._outgoing: asyncio.Queue[bytes] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribed = asyncio.Event()

    async def stage(self, session: AsyncSession, message: LiveMessage) -> None:
        return None

    def committed(self, messages: Sequence[LiveMessage]) -> None:
        if not self._tasks:
            return  # not serving (a CLI command): nobody listens in this process
        for message in messages:
            self._outgoing.put_nowait(_encode(message))

    async def broadcast(self, message: LiveMessage) -> None:
        if self._tasks:
            self._outgoing.put_nowait(_encode(message))

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._send_forever(), name="petstore-live-send"),
            asyncio.create_task(self._listen_forever(), name="petstore-live-listen"),
        ]

    async def wait_listening(self, within: float) -> None:
        await asyncio.wait_for(self._subscribed.wait(), within)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self._redis.aclose()

    async def _send_forever(self) -> None:
        while True:
            payload = await self._outgoing.get()
            try:
                await self._redis.publish(REDIS_CHANNEL, payload)
            except Exception:
                logger.warning("live feed: Redis did not take a message; it is dropped")

    async def _listen_forever(self) -> None:
        await _keep_listening(
            self._listen_once, self._subscribed, "the Redis subscription failed; resubscribing"
        )

    async def _listen_once(self) -> None:
        async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(REDIS_CHANNEL)
            self._subscribed.set()
            async for item in pubsub.listen():
                try:
                    value = _decode(item["data"])
                except (ValueError, TypeError):
                    logger.warning("live feed: ignored a malformed Redis message")
                    continue
                self._deliver(LiveMessage(value["c"], value["t"], value["d"]))


async def _keep_listening(
    listen_once: Callable[[], Awaitable[None]], listening: asyncio.Event, failure: str
) -> None:
    """Run ``listen_once`` again whenever it ends or fails, backing off while it keeps failing;
    ``listening`` is cleared between attempts (``listen_once`` sets it once it listens)."""
    attempt = 0
    while True:
        try:
            await listen_once()
            attempt = 0
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("live feed: %s", failure)
        listening.clear()
        await asyncio.sleep(RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)])
        attempt += 1
