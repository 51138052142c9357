"""The support chat's rules: who may see and talk in a conversation, messages sent once (a
client's retry is the message it already sent), receipts from the other side only, agents
assigned fairly up to a cap, and the adoption advisor answering while no agent is online.

Who is online is shared by every instance (a presence row per agent connection, refreshed by
a heartbeat); assignment is a compare-and-set on the conversation, with the agents' rows
locked meanwhile, so two instances assigning at once neither double-assign nor pass the cap."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.chat import service as chat
from petstore.chat.schemas import ChatRequest
from petstore.chat.upstream import UpstreamChat
from petstore.core import events
from petstore.core.errors import conflict, forbidden, not_found
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.support import repository
from petstore.support.events import AGENT_ASSIGNED, CLOSED, MESSAGE_POSTED, RECEIPT, ReceiptKind
from petstore.support.models import AgentPresence, Conversation, SupportMessage
from petstore.support.schemas import (
    ConversationStatus,
    SenderRole,
    conversation_payload,
    message_payload,
)

AGENT_CAP = 3
"""An agent is given at most this many ACTIVE conversations by assignment (a take-over may
go beyond it: staff choose that themselves)."""
PRESENCE_TTL = timedelta(seconds=60)
"""An agent connection not seen for this long is offline (its instance died without saying)."""
HEARTBEAT_SECONDS = 20.0
ADVISOR_HISTORY = 20
ADVISOR_PREFIX = "No agent is online right now, so the pet adoption advisor is answering: "
WAITING_NOTE = "All our agents are busy; one will be with you shortly."


def can_see(actor: Principal, row: Conversation) -> bool:
    return actor.is_staff or row.customer_id == actor.user_id


async def visible_conversation(
    session: AsyncSession,
    actor: Principal,
    tenant: str,
    conversation_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> Conversation:
    """The conversation, if ``actor`` may see it (its customer, or staff); another
    customer's is not found, as if it did not exist."""
    row = await repository.conversation(session, tenant, conversation_id, for_update=for_update)
    if row is None or not can_see(actor, row):
        raise not_found("conversation", conversation_id)
    return row


async def current_conversation(
    session: AsyncSession, actor: Principal, tenant: str
) -> Conversation | None:
    return await repository.open_conversation_of(session, tenant, actor.user_id)


async def start_conversation(session: AsyncSession, actor: Principal, tenant: str) -> Conversation:
    """The customer's open conversation, or a new one, WAITING for an agent."""
    found = await repository.open_conversation_of(session, tenant, actor.user_id)
    if found is not None:
        return found
    now = utcnow()
    row = Conversation(
        id=new_id(),
        tenant=tenant,
        customer_id=actor.user_id,
        agent_id=None,
        status=ConversationStatus.WAITING.value,
        created_at=now,
        updated_at=now,
        assigned_at=None,
        closed_at=None,
    )
    await repository.add(session, row)
    return row


def _role_in(actor: Principal, row: Conversation) -> SenderRole:
    if row.customer_id == actor.user_id:
        return SenderRole.CUSTOMER
    if actor.is_staff and row.agent_id == actor.user_id:
        return SenderRole.AGENT
    raise forbidden("Only the customer and the assigned agent talk here; take it over first.")


async def post_message(
    session: AsyncSession,
    actor: Principal,
    row: Conversation,
    text: str,
    client_id: str | None,
    upstream: UpstreamChat | None,
    base_url: str,
) -> SupportMessage:
    """Send ``text`` as ``actor``; a customer's message to a conversation without an agent
    is answered by the advisor when none is online."""
    if row.status == ConversationStatus.CLOSED.value:
        raise conflict("The conversation is closed; start a new one.")
    role = _role_in(actor, row)
    if client_id is not None:
        sent = await repository.message_by_client_id(session, row.id, actor.user_id, client_id)
        if sent is not None:
            return sent
    message = _message(row, actor.user_id, role, text, client_id)
    if not await repository.insert_once(session, message):  # a retry racing its original
        sent = await repository.message_by_client_id(
            session, row.id, actor.user_id, client_id or ""
        )
        if sent is None:
            raise conflict("The message could not be stored; send it again.")
        return sent
    waiting = role is SenderRole.CUSTOMER and row.status == ConversationStatus.WAITING.value
    if waiting:  # first, so the agent it goes to is in the conversation to hear the message
        await assign_waiting(session, row.tenant)
        await session.refresh(row)
    await _announce(session, row, message)
    if waiting and row.status == ConversationStatus.WAITING.value:
        await _while_waiting(session, row, upstream, base_url)
    return message


def _message(
    row: Conversation,
    sender: uuid.UUID | None,
    role: SenderRole,
    text: str,
    client_id: str | None,
) -> SupportMessage:
    now = utcnow()
    row.updated_at = now
    return SupportMessage(
        id=new_id(),
        tenant=row.tenant,
        conversation_id=row.id,
        sender_id=sender,
        sender_role=role.value,
        client_id=client_id,
        body=text,
        created_at=now,
        delivered_at=None,
        read_at=None,
    )


async def _announce(session: AsyncSession, row: Conversation, message: SupportMessage) -> None:
    data = {"conversation": conversation_payload(row), "message": message_payload(message)}
    await events.record(session, MESSAGE_POSTED, row.tenant, data)


async def _while_waiting(
    session: AsyncSession, row: Conversation, upstream: UpstreamChat | None, base_url: str
) -> None:
    """No agent took the conversation: the advisor answers if no agent is online at all;
    if all are busy, the customer is told so (once)."""
    if await repository.agents_online(session, row.tenant, utcnow() - PRESENCE_TTL):
        history = await repository.recent_messages(session, row.id, ADVISOR_HISTORY)
        if any(m.sender_role == SenderRole.SYSTEM.value for m in history):
            return
        note = _message(row, None, SenderRole.SYSTEM, WAITING_NOTE, None)
        await repository.add(session, note)
        await _announce(session, row, note)
        return
    history = await repository.recent_messages(session, row.id, ADVISOR_HISTORY)
    asked = [
        {"role": "ASSISTANT" if m.sender_id is None else "USER", "content": m.body}
        for m in history
        if m.sender_role in (SenderRole.CUSTOMER.value, SenderRole.ADVISOR.value)
    ]
    request = ChatRequest.model_validate({"messages": asked})
    answer = await chat.complete(session, row.tenant, request, base_url, upstream)
    reply = _message(row, None, SenderRole.ADVISOR, ADVISOR_PREFIX + answer.text, None)
    await repository.add(session, reply)
    await _announce(session, row, reply)


async def mark_messages(
    session: AsyncSession,
    actor: Principal,
    row: Conversation,
    ids: Sequence[uuid.UUID],
    kind: ReceiptKind,
) -> list[uuid.UUID]:
    """Receipts for messages the others sent; the ids that changed (announced once)."""
    _role_in(actor, row)
    at = utcnow()
    changed = await repository.mark(
        session, row.id, ids, actor.user_id, at, read=kind is ReceiptKind.READ
    )
    if changed:
        data = {
            "conversation": conversation_payload(row),
            "kind": kind.value,
            "messageIds": [str(i) for i in changed],
            "byUserId": str(actor.user_id),
            "at": rfc3339(at),
        }
        await events.record(session, RECEIPT, row.tenant, data)
    return changed


# --- agents and assignment -------------------------------------------------------------------


async def agent_connected(session: AsyncSession, actor: Principal, tenant: str) -> uuid.UUID:
    """A staff member is online as an agent (until :func:`agent_disconnected`); waiting
    conversations are assigned at once. Returns the connection's presence id."""
    if not actor.is_staff:
        raise forbidden("Only staff connect as support agents.")
    now = utcnow()
    await repository.forget_stale_presence(session, tenant, now - PRESENCE_TTL)
    connection = AgentPresence(
        connection_id=new_id(), tenant=tenant, agent_id=actor.user_id, connected_at=now, seen_at=now
    )
    await repository.add(session, connection)
    return connection.connection_id


async def agent_seen(session: AsyncSession, connection_id: uuid.UUID) -> None:
    await repository.touch_presence(session, connection_id, utcnow())


async def agent_disconnected(session: AsyncSession, connection_id: uuid.UUID) -> None:
    await repository.remove_presence(session, connection_id)


async def assign_waiting(
    session: AsyncSession, tenant: str, cap: int = AGENT_CAP
) -> list[Conversation]:
    """Give waiting conversations (oldest first) to online agents, one at a time, each to
    the agent with the fewest active conversations (longest online first on a tie), none
    beyond ``cap``."""
    agents = await repository.agents_online(session, tenant, utcnow() - PRESENCE_TTL, lock=True)
    if not agents:
        return []
    load = await repository.active_counts(session, tenant, agents)
    spare = sum(max(cap - n, 0) for n in load.values())
    assigned: list[Conversation] = []
    for conversation_id in await repository.oldest_waiting(session, tenant, spare):
        agent = min(agents, key=lambda a: load[a])
        if load[agent] >= cap:
            break
        if await repository.claim(session, conversation_id, agent, utcnow()):
            load[agent] += 1
            row = await repository.conversation(session, tenant, conversation_id)
            if row is not None:
                await session.refresh(row)
                await events.record(
                    session, AGENT_ASSIGNED, tenant, {"conversation": conversation_payload(row)}
                )
                assigned.append(row)
    return assigned


async def take_over(session: AsyncSession, actor: Principal, row: Conversation) -> Conversation:
    """Staff take a conversation for themselves (from the queue or from another agent)."""
    if not actor.is_staff:
        raise forbidden("Only staff take conversations over.")
    if row.status == ConversationStatus.CLOSED.value:
        raise conflict("The conversation is closed.")
    now = utcnow()
    row.agent_id, row.status, row.assigned_at, row.updated_at = (
        actor.user_id,
        ConversationStatus.ACTIVE.value,
        now,
        now,
    )
    await session.flush()
    await events.record(
        session, AGENT_ASSIGNED, row.tenant, {"conversation": conversation_payload(row)}
    )
    return row


async def close(
    session: AsyncSession, actor: Principal, row: Conversation, cap: int = AGENT_CAP
) -> Conversation:
    """Its customer or staff close a conversation; the agent's freed place goes to the queue."""
    if row.status == ConversationStatus.CLOSED.value:
        return row
    if not can_see(actor, row):
        raise not_found("conversation", row.id)
    now = utcnow()
    row.status, row.closed_at, row.updated_at = ConversationStatus.CLOSED.value, now, now
    await session.flush()
    await events.record(session, CLOSED, row.tenant, {"conversation": conversation_payload(row)})
    await assign_waiting(session, row.tenant, cap)
    return row


async def list_conversations(
    session: AsyncSession,
    actor: Principal,
    tenant: str,
    statuses: Sequence[str],
    offset: int,
    limit: int,
) -> tuple[list[Conversation], int]:
    """Your conversations; staff see all of the tenant's."""
    customer = None if actor.is_staff else actor.user_id
    return await repository.conversations(
        session, tenant, customer_id=customer, statuses=statuses, offset=offset, limit=limit
    )


async def history(
    session: AsyncSession, row: Conversation, offset: int, limit: int
) -> tuple[list[SupportMessage], int]:
    return await repository.messages(session, row.id, offset, limit)


async def assigned_to(session: AsyncSession, actor: Principal, tenant: str) -> list[Conversation]:
    return await repository.conversations_of_agent(session, tenant, actor.user_id)
