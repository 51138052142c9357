"""``emit``: record an event and its deliveries in the caller's transaction.

Called from the one place where each state changes (the services), never from routes. The
worker is nudged after the transaction commits, so deliveries start without waiting for the
next poll; if the process dies first, the rows are there and a worker picks them up.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import orjson
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.webhooks.models import Delivery, OutboxEvent, WebhookSubscription

EVENT_TYPES = (
    "pet.available",
    "pet.adopted",
    "pet.statusChanged",
    "order.created",
    "order.statusChanged",
    "payment.succeeded",
    "payment.failed",
)
TEST_EVENT = "webhook.test"
CALLBACK_EVENT = "order.processed"
ALL_EVENTS = "*"

_EMITTED = "petstore.emitted"
wakeup = asyncio.Event()
"""Set after a commit that emitted events; the in-process worker waits on it."""


@event.listens_for(Session, "after_commit")
def _nudge_worker(session: Session) -> None:
    if session.info.pop(_EMITTED, False):
        wakeup.set()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_EMITTED, None)


def _envelope(event_id: uuid.UUID, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventId": str(event_id),
        "eventType": event_type,
        "timestamp": rfc3339(utcnow()),
        "data": data,
    }


async def _record(
    session: AsyncSession,
    tenant: str,
    event_type: str,
    data: dict[str, Any],
    targets: list[tuple[uuid.UUID | None, str, str]],
    body: str | None = None,
) -> OutboxEvent:
    now = utcnow()
    event_id = new_id()
    envelope = _envelope(event_id, event_type, data)
    row = OutboxEvent(
        id=event_id, tenant=tenant, event_type=event_type, envelope=envelope, created_at=now
    )
    session.add(row)
    await session.flush()  # the deliveries reference it (no ORM relationship orders them)
    body = body if body is not None else orjson.dumps(envelope).decode()
    for subscription_id, kind, url in targets:
        session.add(
            Delivery(
                id=new_id(),
                event_id=event_id,
                subscription_id=subscription_id,
                kind=kind,
                url=url,
                body=body,
                status="PENDING",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    await session.flush()
    if targets:
        session.sync_session.info[_EMITTED] = True
    return row


async def emit(
    session: AsyncSession, tenant: str, event_type: str, data: dict[str, Any]
) -> OutboxEvent:
    """Record ``event_type`` for every active subscription of the tenant that wants it."""
    rows = await session.execute(
        select(WebhookSubscription.id, WebhookSubscription.url, WebhookSubscription.events).where(
            WebhookSubscription.tenant == tenant, WebhookSubscription.status == "ACTIVE"
        )
    )
    targets: list[tuple[uuid.UUID | None, str, str]] = [
        (sub_id, "webhook", url)
        for sub_id, url, events in rows.all()
        if event_type in events or ALL_EVENTS in events
    ]
    return await _record(session, tenant, event_type, data, targets)


async def emit_to(
    session: AsyncSession, subscription: WebhookSubscription, event_type: str, data: dict[str, Any]
) -> OutboxEvent:
    """An event for one subscription only (``webhook.test``)."""
    return await _record(
        session,
        subscription.tenant,
        event_type,
        data,
        [(subscription.id, "webhook", subscription.url)],
    )


async def emit_callback(
    session: AsyncSession, tenant: str, url: str, payload: dict[str, Any]
) -> OutboxEvent:
    """A per-request callback (the ``orderProcessed`` example): the body is ``payload`` itself."""
    # A callback's body is the callback document itself, not an event envelope.
    return await _record(
        session,
        tenant,
        CALLBACK_EVENT,
        payload,
        [(None, "callback", url)],
        body=orjson.dumps(payload).decode(),
    )
