"""The MQTT broker in ``/readyz`` and ``/metrics``: reported, never a reason to take the
instance out of its load balancer (messages wait in the outbox while the broker is away)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.core.health import ReadinessCheck
from petstore.core.metrics import read_when_scraped
from petstore.mqtt import repository
from petstore.mqtt.publisher import MqttPublisher


def mqtt_check(publisher: Callable[[], MqttPublisher | None]) -> ReadinessCheck:
    """Connected to the broker (an instance whose worker is off publishes nothing: it reports
    the broker as not connected)."""

    async def probe() -> None:
        running = publisher()
        if running is None or not running.connected:
            raise ConnectionError("not connected to the MQTT broker")

    return ReadinessCheck("mqtt", probe, required=False)


async def pending_collector(sessionmaker: async_sessionmaker[AsyncSession]) -> Collector | None:
    """Messages not yet acknowledged by the broker, counted when scraped (whichever instance
    publishes them); ``None``: see :func:`read_when_scraped`."""

    async def read(session: AsyncSession) -> list[GaugeMetricFamily]:
        pending = await repository.pending_count(session)
        return [
            GaugeMetricFamily(
                "petstore_mqtt_pending", "MQTT messages waiting for the broker.", value=pending
            )
        ]

    return await read_when_scraped(sessionmaker, "the MQTT outbox", read)
