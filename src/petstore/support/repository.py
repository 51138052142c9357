"""Every query on the support tables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.core.database import atomic
from petstore.support.models import AgentPresence, Conversation, SupportMessage


async def conversation(
    session: AsyncSession, tenant: str, conversation_id: uuid.UUID, *, for_update: bool = False
) -> Conversation | None:
    query = select(Conversation).where(
        Conversation.id == conversation_id, Conversation.tenant == tenant
    )
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def open_conversation_of(
    session: AsyncSession, tenant: str, customer_id: uuid.UUID
) -> Conversation | None:
    """The customer's conversation that is not closed (at most one), newest first."""
    return await session.scalar(
        select(Conversation)
        .where(
            Conversation.tenant == tenant,
            Conversation.customer_id == customer_id,
            Conversation.status != "CLOSED",
        )
        .order_by(Conversation.id.desc())
        .limit(1)
    )


async def add(session: AsyncSession, row: Conversation | SupportMessage | AgentPresence) -> None:
    session.add(row)
    await session.flush()


async def conversations(
    session: AsyncSession,
    tenant: str,
    *,
    customer_id: uuid.UUID | None,
    statuses: Sequence[str],
    offset: int,
    limit: int,
) -> tuple[list[Conversation], int]:
    where: list[ColumnElement[bool]] = [Conversation.tenant == tenant]
    if customer_id is not None:
        where.append(Conversation.customer_id == customer_id)
    if statuses:
        where.append(Conversation.status.in_(statuses))
    rows = await session.scalars(
        select(Conversation)
        .where(*where)
        .order_by(Conversation.id.desc())
        .offset(offset)
        .limit(limit)
    )
    total = await session.scalar(select(func.count()).select_from(Conversation).where(*where))
    return list(rows), int(total or 0)


async def conversations_of_agent(
    session: AsyncSession, tenant: str, agent_id: uuid.UUID
) -> list[Conversation]:
    rows = await session.scalars(
        select(Conversation)
        .where(
            Conversation.tenant == tenant,
            Conversation.agent_id == agent_id,
            Conversation.status == "ACTIVE",
        )
        .order_by(Conversation.id)
    )
    return list(rows)


async def messages(
    session: AsyncSession, conversation_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[SupportMessage], int]:
    where = SupportMessage.conversation_id == conversation_id
    rows = await session.scalars(
        select(SupportMessage).where(where).order_by(SupportMessage.id).offset(offset).limit(limit)
    )
    total = await session.scalar(select(func.count()).select_from(SupportMessage).where(where))
    return list(rows), int(total or 0)


async def recent_messages(
    session: AsyncSession, conversation_id: uuid.UUID, limit: int
) -> list[SupportMessage]:
    rows = await session.scalars(
        select(SupportMessage)
        .where(SupportMessage.conversation_id == conversation_id)
        .order_by(SupportMessage.id.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


async def message_by_client_id(
    session: AsyncSession, conversation_id: uuid.UUID, sender_id: uuid.UUID, client_id: str
) -> SupportMessage | None:
    return await session.scalar(
        select(SupportMessage).where(
            SupportMessage.conversation_id == conversation_id,
            SupportMessage.sender_id == sender_id,
            SupportMessage.client_id == client_id,
        )
    )


async def insert_once(session: AsyncSession, message: SupportMessage) -> bool:
    """Insert ``message``; ``False`` if its client id was taken meanwhile (a racing retry)."""
    try:
        async with atomic(session) as writer:
            writer.add(message)
            await writer.flush()
    except IntegrityError:
        return False
    return True


async def mark(
    session: AsyncSession,
    conversation_id: uuid.UUID,
    ids: Sequence[uuid.UUID],
    reader_id: uuid.UUID,
    at: datetime,
    *,
    read: bool,
) -> list[uuid.UUID]:
    """Receipts by ``reader_id`` for the messages of ``ids`` the others sent; the ids that
    changed. A read message is delivered too."""
    others = (
        SupportMessage.conversation_id == conversation_id,
        SupportMessage.id.in_(ids),
        (SupportMessage.sender_id.is_(None)) | (SupportMessage.sender_id != reader_id),
    )
    changed: set[uuid.UUID] = set()
    pending = await session.scalars(
        select(SupportMessage.id).where(*others, SupportMessage.delivered_at.is_(None))
    )
    changed.update(pending)
    await session.execute(
        update(SupportMessage)
        .where(*others, SupportMessage.delivered_at.is_(None))
        .values(delivered_at=at)
    )
    if read:
        unread = await session.scalars(
            select(SupportMessage.id).where(*others, SupportMessage.read_at.is_(None))
        )
        changed.update(unread)
        await session.execute(
            update(SupportMessage)
            .where(*others, SupportMessage.read_at.is_(None))
            .values(read_at=at)
        )
    return sorted(changed)


# --- agents ---------------------------------------------------------------------------------


async def agents_online(
    session: AsyncSession, tenant: str, since: datetime, *, lock: bool = False
) -> list[uuid.UUID]:
    """The agents with a connection seen since ``since``, longest connected first. ``lock``
    holds their presence rows, so two instances assigning at once take turns."""
    query = (
        select(AgentPresence)
        .where(AgentPresence.tenant == tenant, AgentPresence.seen_at >= since)
        .order_by(AgentPresence.connected_at, AgentPresence.connection_id)
    )
    if lock:
        query = query.with_for_update()
    found: dict[uuid.UUID, None] = {}
    for row in await session.scalars(query):
        found.setdefault(row.agent_id, None)
    return list(found)


async def active_counts(
    session: AsyncSession, tenant: str, agent_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(Conversation.agent_id, func.count())
        .where(
            Conversation.tenant == tenant,
            Conversation.status == "ACTIVE",
            Conversation.agent_id.in_(agent_ids),
        )
        .group_by(Conversation.agent_id)
    )
    counts = dict.fromkeys(agent_ids, 0)
    for agent, count in rows.tuples():
        if agent is not None:
            counts[agent] = int(count)
    return counts


async def oldest_waiting(session: AsyncSession, tenant: str, limit: int) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(Conversation.id)
        .where(Conversation.tenant == tenant, Conversation.status == "WAITING")
        .order_by(Conversation.id)
        .limit(limit)
    )
    return list(rows)


async def claim(
    session: AsyncSession, conversation_id: uuid.UUID, agent_id: uuid.UUID, at: datetime
) -> bool:
    """Give a WAITING conversation to ``agent_id``: ``False`` if someone took it first."""
    result = await session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.status == "WAITING")
        .values(agent_id=agent_id, status="ACTIVE", assigned_at=at, updated_at=at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def touch_presence(session: AsyncSession, connection_id: uuid.UUID, at: datetime) -> None:
    await session.execute(
        update(AgentPresence).where(AgentPresence.connection_id == connection_id).values(seen_at=at)
    )


async def forget_stale_presence(session: AsyncSession, tenant: str, before: datetime) -> None:
    """The rows of connections whose instance died without removing them."""
    await session.execute(
        delete(AgentPresence).where(AgentPresence.tenant == tenant, AgentPresence.seen_at < before)
    )


async def remove_presence(session: AsyncSession, connection_id: uuid.UUID) -> None:
    await session.execute(delete(AgentPresence).where(AgentPresence.connection_id == connection_id))
