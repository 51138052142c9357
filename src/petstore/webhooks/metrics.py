"""The delivery backlog as Prometheus gauges, read from the database when scraped.

Outbox lag is not tracked as requests happen: one indexed aggregate query at scrape time is
right whichever process delivered what.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.core.ids import as_utc
from petstore.core.metrics import read_when_scraped
from petstore.webhooks import repository


def _age(moment: datetime | None, now: datetime) -> float:
    if moment is None:
        return 0.0
    return max((now - as_utc(moment)).total_seconds(), 0.0)


async def outbox_collector(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> Collector | None:
    """Pending deliveries and how late the most overdue one is (``None``: see
    :func:`read_when_scraped`)."""
    moment = now or datetime.now(UTC)

    async def read(session: AsyncSession) -> list[GaugeMetricFamily]:
        pending, next_due, oldest = await repository.pending_summary(session)
        return [
            GaugeMetricFamily(
                "petstore_outbox_pending",
                "Deliveries not yet delivered nor failed for good (due now or waiting to retry).",
                value=pending,
            ),
            GaugeMetricFamily(
                "petstore_outbox_lag_seconds",
                "How overdue the most overdue pending delivery is (0 when the worker keeps up).",
                value=_age(next_due, moment),
            ),
            GaugeMetricFamily(
                "petstore_outbox_oldest_pending_age_seconds",
                "Age of the oldest pending delivery, retries included.",
                value=_age(oldest, moment),
            ),
        ]

    return await read_when_scraped(sessionmaker, "the outbox", read)
