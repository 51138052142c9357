"""Every query of the webhooks domain: subscriptions, their deliveries and delivery attempts."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.core.ids import new_id
from petstore.core.outbox import OutboxEvent
from petstore.webhooks.models import Delivery, DeliveryAttempt, WebhookSubscription

ALL_EVENTS = "*"


async def add_subscription(session: AsyncSession, sub: WebhookSubscription) -> None:
    session.add(sub)
    await session.flush()


async def count_locked(session: AsyncSession, tenant: str, owner_id: uuid.UUID) -> tuple[int, int]:
    """(``owner_id``'s, the tenant's) subscriptions, counted in one query after taking the
    tenant's subscription lock, so that two creations at a cap cannot both see room.

    PostgreSQL: a transaction-scoped advisory lock per tenant (row locks cannot stop a new row
    from appearing; the lock is released at commit or rollback, and a waiter's count, a new
    statement under READ COMMITTED, sees what the previous holder committed). SQLite: writing
    requests already hold the database's write lock (``BEGIN IMMEDIATE``).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(_lock_key(tenant))))
    mine = func.count(case((WebhookSubscription.owner_id == owner_id, 1)))
    row = (
        await session.execute(
            select(mine, func.count()).where(WebhookSubscription.tenant == tenant)
        )
    ).one()
    return int(row[0]), int(row[1])


def _lock_key(tenant: str) -> int:
    """A stable signed 64-bit advisory-lock key for the tenant's subscriptions."""
    digest = hashlib.blake2b(f"webhook-subscriptions:{tenant}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def get_subscription(
    session: AsyncSession, tenant: str, sub_id: uuid.UUID
) -> WebhookSubscription | None:
    return await session.scalar(
        select(WebhookSubscription).where(
            WebhookSubscription.id == sub_id, WebhookSubscription.tenant == tenant
        )
    )


async def list_subscriptions(
    session: AsyncSession, tenant: str, owner_id: uuid.UUID | None
) -> list[WebhookSubscription]:
    """The tenant's subscriptions, or only ``owner_id``'s, oldest first."""
    query = select(WebhookSubscription).where(WebhookSubscription.tenant == tenant)
    if owner_id is not None:
        query = query.where(WebhookSubscription.owner_id == owner_id)
    return list((await session.scalars(query.order_by(WebhookSubscription.id))).all())


async def remove_subscription(session: AsyncSession, sub: WebhookSubscription) -> None:
    await session.execute(delete(WebhookSubscription).where(WebhookSubscription.id == sub.id))


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def subscribers(
    session: AsyncSession, tenant: str, event_type: str
) -> list[tuple[uuid.UUID, str]]:
    """(id, url) of the tenant's active subscriptions that want ``event_type``."""
    rows = await session.execute(
        select(WebhookSubscription.id, WebhookSubscription.url, WebhookSubscription.events).where(
            WebhookSubscription.tenant == tenant, WebhookSubscription.status == "ACTIVE"
        )
    )
    return [
        (sub_id, url)
        for sub_id, url, events in rows.all()
        if event_type in events or ALL_EVENTS in events
    ]


def _pending(
    event_id: uuid.UUID,
    target: tuple[uuid.UUID | None, str, str],
    body: str,
    now: datetime,
) -> Delivery:
    """A PENDING delivery of ``body`` to (subscription id, kind, url), due now."""
    subscription_id, kind, url = target
    return Delivery(
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


async def add_deliveries(
    session: AsyncSession,
    event_id: uuid.UUID,
    targets: Sequence[tuple[uuid.UUID | None, str, str]],
    body: str,
    now: datetime,
) -> None:
    """One PENDING delivery of ``body`` per (subscription id, kind, url), due now."""
    session.add_all(_pending(event_id, target, body, now) for target in targets)
    await session.flush()


async def copy_delivery(session: AsyncSession, original: Delivery, now: datetime) -> Delivery:
    """A new PENDING delivery of ``original``'s event and body to the same target, due now."""
    target = (original.subscription_id, original.kind, original.url)
    copy = _pending(original.event_id, target, original.body, now)
    session.add(copy)
    await session.flush()
    return copy


async def delivery_in_tenant(
    session: AsyncSession, tenant: str, delivery_id: uuid.UUID
) -> tuple[Delivery, WebhookSubscription, str] | None:
    """A webhook delivery of one of the tenant's subscriptions, with it and its event type."""
    row = (
        await session.execute(
            select(Delivery, WebhookSubscription, OutboxEvent.event_type)
            .join(WebhookSubscription, WebhookSubscription.id == Delivery.subscription_id)
            .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
            .where(Delivery.id == delivery_id, WebhookSubscription.tenant == tenant)
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def deliveries_of(
    session: AsyncSession, sub_id: uuid.UUID, limit: int
) -> list[tuple[Delivery, str, list[DeliveryAttempt]]]:
    """The newest deliveries of a subscription, with their event type and every attempt."""
    rows = (
        await session.execute(
            select(Delivery, OutboxEvent.event_type)
            .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
            .where(Delivery.subscription_id == sub_id)
            .order_by(Delivery.id.desc())
            .limit(limit)
        )
    ).all()
    ids = [delivery.id for delivery, _ in rows]
    attempts: dict[uuid.UUID, list[DeliveryAttempt]] = defaultdict(list)
    if ids:
        for attempt in await session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id.in_(ids))
            .order_by(DeliveryAttempt.attempt)
        ):
            attempts[attempt.delivery_id].append(attempt)
    return [(delivery, event_type, attempts[delivery.id]) for delivery, event_type in rows]


async def claim_due(
    session: AsyncSession, now: datetime, locked_until: datetime, batch: int, skip_locked: bool
) -> list[tuple[Delivery, WebhookSubscription | None]]:
    """Lease up to ``batch`` due deliveries (with their subscription) until ``locked_until``.

    ``skip_locked`` (PostgreSQL) lets several workers claim disjoint batches at once.
    """
    due = (
        select(Delivery.id)
        .where(
            Delivery.status == "PENDING",
            Delivery.next_attempt_at <= now,
            or_(Delivery.locked_until.is_(None), Delivery.locked_until < now),
        )
        .order_by(Delivery.next_attempt_at)
        .limit(batch)
    )
    if skip_locked:
        due = due.with_for_update(skip_locked=True)
    ids = list((await session.scalars(due)).all())
    if not ids:
        return []
    await session.execute(
        update(Delivery).where(Delivery.id.in_(ids)).values(locked_until=locked_until)
    )
    rows = await session.execute(
        select(Delivery, WebhookSubscription)
        .outerjoin(WebhookSubscription, WebhookSubscription.id == Delivery.subscription_id)
        .where(Delivery.id.in_(ids))
    )
    return [(delivery, subscription) for delivery, subscription in rows.all()]


async def record_attempts(
    session: AsyncSession,
    attempts: list[dict[str, Any]],
    states: list[dict[str, Any]],
    gone: set[uuid.UUID | None],
    now: datetime,
) -> None:
    """Store attempts, move their deliveries on (bulk, by primary key), and disable the
    subscriptions whose endpoint answered 410."""
    await session.execute(insert(DeliveryAttempt), attempts)
    await session.execute(update(Delivery), states)
    if gone:
        await session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id.in_(gone))
            .values(
                status="DISABLED",
                disabled_reason="the endpoint answered 410 Gone",
                updated_at=now,
            )
        )


async def abandon(
    session: AsyncSession, delivery_id: uuid.UUID, reason: str, now: datetime
) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status="FAILED", locked_until=None, last_error=reason, updated_at=now)
    )


async def pending_summary(
    session: AsyncSession,
) -> tuple[int, datetime | None, datetime | None]:
    """(count, earliest due, earliest created) of the pending deliveries: one aggregate on the
    ``(status, next_attempt_at)`` index."""
    pending, next_due, oldest = (
        await session.execute(
            select(
                func.count(), func.min(Delivery.next_attempt_at), func.min(Delivery.created_at)
            ).where(Delivery.status == "PENDING")
        )
    ).one()
    return int(pending), next_due, oldest
