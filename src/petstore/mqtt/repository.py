"""Every query of the MQTT outbox and of the publisher's lease."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.mqtt.models import MqttLease, MqttMessage
from petstore.mqtt.topics import Publication

LEASE = "publisher"


async def add_messages(
    session: AsyncSession,
    event_id: uuid.UUID,
    tenant: str,
    planned: Sequence[Publication],
    created_at: datetime,
) -> None:
    session.add_all(
        MqttMessage(
            event_id=event_id,
            tenant=tenant,
            topic=p.topic,
            retain=p.retain,
            payload=p.payload,
            created_at=created_at,
        )
        for p in planned
    )
    await session.flush()


async def unsent(session: AsyncSession, limit: int) -> list[MqttMessage]:
    """The oldest messages not yet acknowledged by the broker, in the order to send them."""
    rows = await session.scalars(
        select(MqttMessage)
        .where(MqttMessage.sent_at.is_(None))
        .order_by(MqttMessage.id)
        .limit(limit)
    )
    return list(rows.all())


async def mark_sent(session: AsyncSession, ids: Sequence[int], now: datetime) -> None:
    if ids:
        await session.execute(
            update(MqttMessage).where(MqttMessage.id.in_(ids)).values(sent_at=now)
        )


async def forget_sent(session: AsyncSession, before: datetime) -> int:
    """Sent messages are kept a while (to see what went out), then deleted."""
    result = await session.execute(delete(MqttMessage).where(MqttMessage.sent_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def pending_count(session: AsyncSession) -> int:
    count = await session.scalar(
        select(func.count()).select_from(MqttMessage).where(MqttMessage.sent_at.is_(None))
    )
    return int(count or 0)


async def take_lease(session: AsyncSession, holder: str, now: datetime, until: datetime) -> bool:
    """Become (or stay) the publisher until ``until``, unless another holds an unexpired
    lease. One conditional UPDATE: concurrent instances cannot both win it."""
    result = await session.execute(
        update(MqttLease)
        .where(
            MqttLease.name == LEASE,
            or_(
                MqttLease.holder == holder,
                MqttLease.holder.is_(None),
                MqttLease.expires_at.is_(None),
                MqttLease.expires_at < now,
            ),
        )
        .values(holder=holder, expires_at=until)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def release_lease(session: AsyncSession, holder: str) -> None:
    await session.execute(
        update(MqttLease)
        .where(MqttLease.name == LEASE, MqttLease.holder == holder)
        .values(holder=None, expires_at=None)
    )
