"""Delivery outcomes and the outbox gauges, against real receivers, on every database.

Values are process-wide and the database is shared with other tests, so the assertions are on
differences (counters) and lower bounds (gauges).
"""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI
from prometheus_client import REGISTRY

from petstore.container import container_of
from petstore.core.ids import utcnow
from petstore.webhooks import metrics as webhook_metrics
from petstore.webhooks.delivery import DeliveryWorker
from tests.support.accounts import Account
from tests.support.webhooks import Receiver, Reply, deliver_until, deliveries_of, subscribe

ATTEMPTS = "petstore_webhook_delivery_attempts_total"


def attempts(outcome: str) -> float:
    value = REGISTRY.get_sample_value(ATTEMPTS, {"outcome": outcome, "kind": "webhook"})
    return value or 0.0


def outbox_gauges(collector: object) -> dict[str, float]:
    assert collector is not None
    return {
        sample.name: sample.value
        for family in collector.collect()  # type: ignore[attr-defined]
        for sample in family.samples
    }


async def test_each_recorded_attempt_counts_by_outcome_and_the_outbox_shows_the_backlog(
    app: FastAPI,
    client: httpx.AsyncClient,
    user: Account,
    receiver: Receiver,
    worker: DeliveryWorker,
) -> None:
    before = {outcome: attempts(outcome) for outcome in ("delivered", "retry", "failed")}
    ok, busy, gone = receiver.url(), receiver.url(), receiver.url()
    receiver.script(busy, *[Reply(500, "busy")] * 10)
    receiver.script(gone, Reply(410, "gone"))
    subs = {url: await subscribe(client, user, url) for url in (ok, busy, gone)}
    for sub in subs.values():
        response = await client.post(f"/v1/webhooks/{sub['id']}/test", headers=user.auth)
        assert response.status_code == 202, response.text

    async def each_attempted() -> bool:
        for sub in subs.values():
            found = await deliveries_of(client, user, sub["id"])
            if not found or not found[0]["attempts"]:
                return False
        return True

    await deliver_until(worker, each_attempted)
    assert attempts("delivered") - before["delivered"] >= 1
    assert attempts("retry") - before["retry"] >= 1
    assert attempts("failed") - before["failed"] >= 1  # the 410

    [busy_delivery] = await deliveries_of(client, user, subs[busy]["id"])
    assert busy_delivery["status"] == "PENDING"
    # Seen from an hour later, the retrying delivery is an hour overdue and an hour old.
    later = utcnow() + timedelta(hours=1)
    gauges = outbox_gauges(
        await webhook_metrics.outbox_collector(container_of(app).sessionmaker, now=later)
    )
    assert gauges["petstore_outbox_pending"] >= 1
    assert gauges["petstore_outbox_lag_seconds"] >= 3500
    assert gauges["petstore_outbox_oldest_pending_age_seconds"] >= 3500
    # Read at the present moment, as a scrape does.
    now = outbox_gauges(await webhook_metrics.outbox_collector(container_of(app).sessionmaker))
    assert now["petstore_outbox_pending"] >= 1
