"""Webhooks as a transport of the event bus, and the two deliveries that are not bus events.

For every recorded event, one delivery row per interested subscription is written in the
transaction of the change (:meth:`WebhookTransport.stage`), so a committed change cannot lose
its webhooks even if the process dies before sending. After the commit the in-process worker is
woken (:meth:`WebhookTransport.committed`), so deliveries start without waiting for the next
poll; a worker in another process finds the rows on its next poll.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.core import outbox
from petstore.core.events import DomainEvent, new_event
from petstore.core.ids import utcnow
from petstore.webhooks import repository
from petstore.webhooks.models import Delivery, WebhookSubscription

TEST_EVENT = "webhook.test"
CALLBACK_EVENT = "order.processed"


class WebhookTransport:
    """Fans each event out to the tenant's subscriptions that want it."""

    def __init__(self) -> None:
        self.wakeup = asyncio.Event()
        """Set after a commit that recorded events; the in-process worker waits on it."""

    async def stage(self, session: AsyncSession, event: DomainEvent) -> None:
        targets = await repository.subscribers(session, event.tenant, event.type)
        if targets:
            await repository.add_deliveries(
                session,
                event.id,
                [(sub_id, "webhook", url) for sub_id, url in targets],
                orjson.dumps(event.envelope()).decode(),
                event.occurred_at,
            )

    def committed(self, events: Sequence[DomainEvent]) -> None:
        self.wakeup.set()

    async def send_test(
        self, session: AsyncSession, subscription: WebhookSubscription, data: Mapping[str, Any]
    ) -> DomainEvent:
        """A ``webhook.test`` event for one subscription only: not a domain event, so no other
        transport hears of it."""
        event = new_event(TEST_EVENT, subscription.tenant, data)
        body = orjson.dumps(event.envelope()).decode()
        return await self._direct(
            session, event, (subscription.id, "webhook", subscription.url), body
        )

    async def schedule_callback(
        self, session: AsyncSession, tenant: str, url: str, payload: Mapping[str, Any]
    ) -> DomainEvent:
        """A per-request callback (the ``orderProcessed`` example): the body is ``payload``
        itself, not an event envelope, sent signed and retried like any webhook."""
        event = new_event(CALLBACK_EVENT, tenant, payload)
        body = orjson.dumps(dict(payload)).decode()
        return await self._direct(session, event, (None, "callback", url), body)

    async def _direct(
        self,
        session: AsyncSession,
        event: DomainEvent,
        target: tuple[uuid.UUID | None, str, str],
        body: str,
    ) -> DomainEvent:
        await outbox.append(
            session, event.id, event.tenant, event.type, event.envelope(), event.occurred_at
        )
        await repository.add_deliveries(session, event.id, [target], body, event.occurred_at)
        self._wake_after_commit(session)
        return event

    async def redeliver(self, session: AsyncSession, original: Delivery) -> Delivery:
        """A new delivery of a past one's exact body to its subscription, due now. It keeps the
        event id (the ``webhook-id`` header), so a receiver that did get it can de-duplicate."""
        copy = await repository.copy_delivery(session, original, utcnow())
        self._wake_after_commit(session)
        return copy

    def _wake_after_commit(self, session: AsyncSession) -> None:
        sqlalchemy_event.listen(
            session.sync_session, "after_commit", lambda _session: self.wakeup.set(), once=True
        )
