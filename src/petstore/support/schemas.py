"""The wire forms of conversations and messages, for every door (REST, the sockets)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from pydantic import Field

from petstore.core.ids import rfc3339
from petstore.core.pagination import CollectionLinks, Pagination
from petstore.core.schemas import OutputModel
from petstore.core.tenancy import tenant_id_out
from petstore.support.models import Conversation as ConversationRow
from petstore.support.models import SupportMessage as MessageRow

MAX_MESSAGE_CHARS = 4000


class ConversationStatus(StrEnum):
    WAITING = "WAITING"  # no agent yet
    ACTIVE = "ACTIVE"  # an agent is assigned
    CLOSED = "CLOSED"


class SenderRole(StrEnum):
    CUSTOMER = "CUSTOMER"
    AGENT = "AGENT"
    ADVISOR = "ADVISOR"  # the pet adoption advisor, while no agent is online
    SYSTEM = "SYSTEM"


class Conversation(OutputModel):
    id: uuid.UUID
    customerId: uuid.UUID  # noqa: N815
    agentId: uuid.UUID | None  # noqa: N815
    status: ConversationStatus
    tenantId: uuid.UUID | None  # noqa: N815
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    updatedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    assignedAt: str | None = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    closedAt: str | None = Field(json_schema_extra={"format": "date-time"})  # noqa: N815


class SupportMessage(OutputModel):
    id: uuid.UUID
    conversationId: uuid.UUID  # noqa: N815
    senderId: uuid.UUID | None  # noqa: N815
    senderRole: SenderRole  # noqa: N815
    clientId: str | None  # noqa: N815
    text: str
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    deliveredAt: str | None = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    readAt: str | None = Field(json_schema_extra={"format": "date-time"})  # noqa: N815


class ConversationCollection(OutputModel):
    data: list[Conversation]
    pagination: Pagination
    links: CollectionLinks


class MessageCollection(OutputModel):
    data: list[SupportMessage]
    pagination: Pagination
    links: CollectionLinks


def _time(value: Any) -> str | None:
    return rfc3339(value) if value is not None else None


def conversation_payload(row: ConversationRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "customerId": str(row.customer_id),
        "agentId": str(row.agent_id) if row.agent_id else None,
        "status": row.status,
        "tenantId": tenant_id_out(row.tenant),
        "createdAt": rfc3339(row.created_at),
        "updatedAt": rfc3339(row.updated_at),
        "assignedAt": _time(row.assigned_at),
        "closedAt": _time(row.closed_at),
    }


def message_payload(row: MessageRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "conversationId": str(row.conversation_id),
        "senderId": str(row.sender_id) if row.sender_id else None,
        "senderRole": row.sender_role,
        "clientId": row.client_id,
        "text": row.body,
        "createdAt": rfc3339(row.created_at),
        "deliveredAt": _time(row.delivered_at),
        "readAt": _time(row.read_at),
    }
