"""The MQTT publisher: sends the MQTT outbox to the broker in order, at QoS 1, and marks each
message sent only once the broker acknowledged it (PUBACK).

One instance at a time publishes (it holds a lease in the database, renewed on every round), so
a message goes out once, in the order of the outbox. If the broker is down the messages wait and
the publisher reconnects with a growing pause; a publisher killed before it marked what it sent
is replaced when its lease runs out, and the new one sends those messages again: delivery is at
least once, and every message carries its event id (user property ``event-id``) for the
subscriber to drop a repeat.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import ssl
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import aiomqtt
import orjson
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.core import metrics
from petstore.core.database import is_database_unavailable, unit_of_work
from petstore.core.ids import utcnow
from petstore.core.outbox import envelope_of
from petstore.core.settings import Settings
from petstore.mqtt import repository
from petstore.mqtt.models import MqttMessage
from petstore.store import service as store

logger = logging.getLogger("petstore.mqtt")

BATCH = 100
PUBACK_TIMEOUT = 10.0  # seconds: a broker that does not acknowledge is treated as gone
FIRST_PAUSE = 0.5  # seconds before reconnecting, doubled after each failure
RECONNECT_MAX = 30.0  # seconds between attempts, at most
PRUNE_EVERY = 60.0  # seconds


def client_options(url: str) -> dict[str, Any]:
    """aiomqtt's connection options from ``mqtt[s]://user:password@host:port``."""
    parts = urlsplit(url)
    tls = parts.scheme == "mqtts"
    return {
        "hostname": parts.hostname or "localhost",
        "port": parts.port or (8883 if tls else 1883),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "tls_context": ssl.create_default_context() if tls else None,
        "protocol": aiomqtt.ProtocolVersion.V5,
        "keepalive": 30,
        "timeout": PUBACK_TIMEOUT,
    }


def properties(message: MqttMessage, expiry_seconds: int) -> Properties:
    """MQTT 5 properties: JSON, the event id, and an expiry for what is not state (a retained
    message with an expiry would vanish from the broker while it is still the current state)."""
    props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    props.ContentType = "application/json"
    props.UserProperty = [("event-id", str(message.event_id))]
    if not message.retain:
        props.MessageExpiryInterval = expiry_seconds
    return props


class MqttPublisher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        wakeup: asyncio.Event,
    ) -> None:
        if settings.mqtt_url is None:
            raise ValueError("no PETSTORE_MQTT_URL")
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._url = settings.mqtt_url.get_secret_value()
        self._wakeup = wakeup
        self.holder = f"petstore-{secrets.token_hex(6)}"
        self.connected = False
        self._pruned_at = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        """Connect, publish, reconnect after a broken connection, until ``stop`` is set."""
        pause = FIRST_PAUSE
        while not stop.is_set():
            try:
                async with aiomqtt.Client(
                    identifier=self.holder, **client_options(self._url)
                ) as client:
                    client.pending_calls_threshold = BATCH  # a batch in flight is no warning
                    self._connected(True)
                    pause = FIRST_PAUSE
                    await self._serve(client, stop)
            except aiomqtt.MqttError as exc:
                if self.connected or pause == FIRST_PAUSE:  # once per outage
                    logger.warning("MQTT broker unavailable (%s): messages wait for it", exc)
            except Exception as exc:
                if is_database_unavailable(exc):
                    logger.warning("MQTT publisher: the database is unavailable; retrying")
                else:  # a bug: say so, and keep the publisher alive
                    logger.exception("MQTT publisher failed; retrying")
            finally:
                self._connected(False)
            await _wait(pause, stop)
            pause = min(pause * 2, RECONNECT_MAX)
        await self._release()

    def _connected(self, connected: bool) -> None:
        if connected and not self.connected:
            logger.info("MQTT broker connected; publishing as %s", self.holder)
        self.connected = connected
        metrics.mqtt_connected(connected)

    async def _serve(self, client: aiomqtt.Client, stop: asyncio.Event) -> None:
        poll = self._settings.worker_poll_seconds
        lost = asyncio.Event()
        watcher = asyncio.create_task(_until_lost(client, lost))
        try:
            while not stop.is_set():
                if lost.is_set():  # noticed while idle, not only at the next publish
                    raise aiomqtt.MqttError("the broker closed the connection")
                sent = 0
                if await self._lead():
                    sent = await self.publish_batch(client)
                    await self._prune()
                if sent < BATCH:  # caught up (or not the publisher): wait for news
                    self._wakeup.clear()
                    await _wait(poll, stop, self._wakeup, lost)
        finally:
            watcher.cancel()

    async def _lead(self) -> bool:
        now = utcnow()
        until = now + timedelta(seconds=self._settings.mqtt_lease_seconds)
        async with unit_of_work(self._sessionmaker, write=True) as session:
            return await repository.take_lease(session, self.holder, now, until)

    async def publish_batch(self, client: aiomqtt.Client) -> int:
        """Send the next batch in order and mark what the broker acknowledged: the longest
        acknowledged run from the start (a later message acknowledged after an earlier one
        failed is sent again with it, so a resource's messages never overtake each other)."""
        async with unit_of_work(self._sessionmaker, write=False) as session:
            batch = await repository.unsent(session, BATCH)
            bodies = [await self._body(session, m) for m in batch]
        if not batch:
            return 0
        expiry = self._settings.mqtt_message_expiry_seconds
        # The tasks start in order and each hands its message to the connection before its
        # first await, so the broker receives them in order; their PUBACKs are awaited
        # together: one round trip per batch, not one per message.
        results = await asyncio.gather(
            *(
                client.publish(
                    m.topic, body, qos=1, retain=m.retain, properties=properties(m, expiry)
                )
                for m, body in zip(batch, bodies, strict=True)
            ),
            return_exceptions=True,
        )
        acknowledged = _acknowledged_prefix(results)
        async with unit_of_work(self._sessionmaker, write=True) as session:
            await repository.mark_sent(session, [m.id for m in batch[:acknowledged]], utcnow())
        metrics.mqtt_messages("published", acknowledged)
        metrics.mqtt_messages("failed", len(batch) - acknowledged)
        if acknowledged < len(batch):
            failure = next(r for r in results if isinstance(r, BaseException))
            raise aiomqtt.MqttError(
                f"publishing stopped at message {batch[acknowledged].id}: {failure}"
            )
        return acknowledged

    async def _body(self, session: AsyncSession, message: MqttMessage) -> bytes:
        envelope = await envelope_of(session, message.event_id) or {}
        if message.payload == "stock":
            envelope = await self._stock(session, message, envelope)
        return orjson.dumps(envelope)

    async def _stock(
        self, session: AsyncSession, message: MqttMessage, cause: dict[str, Any]
    ) -> dict[str, Any]:
        """The species' counts as they are now: the envelope of the change that moved them,
        with the counts for ``data``."""
        species = message.topic.rsplit("/", 2)[-2]
        summary = await store.inventory_summary(session, message.tenant)
        by_species: dict[str, Any] = summary["bySpecies"]  # type: ignore[assignment]
        empty = {"available": 0, "pending": 0, "adopted": 0, "notAvailable": 0, "total": 0}
        counts = by_species.get(species, empty)
        return {**cause, "eventType": "inventory.stock", "data": {"species": species, **counts}}

    async def _prune(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = loop.time()
        before = utcnow() - timedelta(seconds=self._settings.mqtt_keep_sent_seconds)
        async with unit_of_work(self._sessionmaker, write=True) as session:
            await repository.forget_sent(session, before)

    async def _release(self) -> None:
        """Let another instance take over at once, not after the lease runs out."""
        try:
            async with unit_of_work(self._sessionmaker, write=True) as session:
                await repository.release_lease(session, self.holder)
        except Exception:
            logger.warning("MQTT publisher: could not release its lease", exc_info=True)


def _acknowledged_prefix(results: Sequence[object]) -> int:
    for index, result in enumerate(results):
        if isinstance(result, BaseException):
            return index
    return len(results)


async def _until_lost(client: aiomqtt.Client, lost: asyncio.Event) -> None:
    """Set ``lost`` when the connection ends: the client's message stream (this publisher
    subscribes to nothing) ends with an error then."""
    try:
        async for _message in client.messages:
            pass
    except aiomqtt.MqttError:
        pass
    finally:
        lost.set()


async def _wait(seconds: float, *events: asyncio.Event) -> None:
    """Until one of ``events`` is set, or ``seconds`` have passed."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
