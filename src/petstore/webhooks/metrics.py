"""The delivery backlog as Prometheus gauges, read from the database when scraped.

Outbox lag is not tracked as requests happen: one indexed aggregate query at scrape time is
right whichever process delivered what.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.core.database import READ_ONLY
from petstore.core.ids import as_utc
from petstore.webhooks import repository

logger = logging.getLogger("petstore.metrics")

SCRAPE_QUERY_TIMEOUT = 2.0  # seconds


def _age(moment: datetime | None, now: datetime) -> float:
    if moment is None:
        return 0.0
    return max((now - as_utc(moment)).total_seconds(), 0.0)


async def outbox_collector(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> Collector | None:
    """Pending deliveries and how late the most overdue one is. ``None`` if the database
    cannot be read quickly: the rest of the metrics are still worth answering with (during an
    outage most of all)."""
    now = now or datetime.now(UTC)
    try:
        async with asyncio.timeout(SCRAPE_QUERY_TIMEOUT), sessionmaker() as session:
            await session.connection(execution_options={READ_ONLY: True})
            pending, next_due, oldest = await repository.pending_summary(session)
    except Exception:
        logger.warning("metrics: the outbox could not be read", exc_info=True)
        return None
    families = [
        GaugeMetricFamily(
            "petstore_outbox_pending",
            "Deliveries not yet delivered nor failed for good (due now or waiting to retry).",
            value=pending,
        ),
        GaugeMetricFamily(
            "petstore_outbox_lag_seconds",
            "How overdue the most overdue pending delivery is (0 when the worker keeps up).",
            value=_age(next_due, now),
        ),
        GaugeMetricFamily(
            "petstore_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending delivery, retries included.",
            value=_age(oldest, now),
        ),
    ]

    class _Outbox(Collector):
        def collect(self) -> Any:
            return families

    return _Outbox()
