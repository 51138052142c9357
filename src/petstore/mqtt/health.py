"""The MQTT broker in ``/readyz`` and ``/metrics``: reported, never a reason to take the
instance out of its load balancer (messages wait in the outbox while the broker is away)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.core.database import READ_ONLY
from petstore.core.health import ReadinessCheck
from petstore.mqtt import repository
from petstore.mqtt.publisher import MqttPublisher

logger = logging.getLogger("petstore.metrics")

SCRAPE_QUERY_TIMEOUT = 2.0  # seconds


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
    publishes them). ``None`` if the database cannot be read quickly."""
    try:
        async with asyncio.timeout(SCRAPE_QUERY_TIMEOUT), sessionmaker() as session:
            await session.connection(execution_options={READ_ONLY: True})
            pending = await repository.pending_count(session)
    except Exception:
        logger.warning("metrics: the MQTT outbox could not be read", exc_info=True)
        return None
    family = GaugeMetricFamily(
        "petstore_mqtt_pending", "MQTT messages waiting for the broker.", value=pending
    )

    class _Pending(Collector):
        def collect(self) -> Any:
            return [family]

    return _Pending()
