"""The outbox: every recorded event, written in the transaction of the change it reports.

It is the log the transports read from (webhook deliveries reference their event here) and the
record of what the server announced. Rows are written only through :func:`append`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base


class OutboxEvent(Base):
    __tablename__ = "outbox_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the envelope's eventId
    tenant: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(40))
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


async def append(
    session: AsyncSession,
    event_id: uuid.UUID,
    tenant: str,
    event_type: str,
    envelope: dict[str, Any],
    created_at: datetime,
) -> None:
    """Add the event to the caller's transaction; flushed now, since rows of the transports
    (deliveries) reference it and no ORM relationship orders those inserts."""
    session.add(
        OutboxEvent(
            id=event_id,
            tenant=tenant,
            event_type=event_type,
            envelope=envelope,
            created_at=created_at,
        )
    )
    await session.flush()


async def envelope_of(session: AsyncSession, event_id: uuid.UUID) -> dict[str, Any] | None:
    """The stored envelope of one event (the live feed's fallback for envelopes too large to
    travel in a notification)."""
    return await session.scalar(select(OutboxEvent.envelope).where(OutboxEvent.id == event_id))
