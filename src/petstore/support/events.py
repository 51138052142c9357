"""The support chat's events. They travel on the event bus like every event, so every instance's
live listeners (the sockets) hear them once committed; but they are a conversation's own, so
they are not in the public catalogue: no webhook subscription or MQTT topic carries them."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from petstore.core.events import EventType
from petstore.core.schemas import OutputModel
from petstore.support.schemas import Conversation, SupportMessage


class ReceiptKind(StrEnum):
    DELIVERED = "delivered"
    READ = "read"


class MessagePostedData(OutputModel):
    conversation: Conversation
    message: SupportMessage


class ReceiptData(OutputModel):
    conversation: Conversation
    kind: ReceiptKind
    messageIds: list[str]  # noqa: N815
    byUserId: str  # noqa: N815
    at: str = Field(json_schema_extra={"format": "date-time"})


class ConversationData(OutputModel):
    conversation: Conversation


MESSAGE_POSTED = EventType(
    "support.messagePosted", "SupportMessagePosted", "A chat message was sent", MessagePostedData
)
RECEIPT = EventType(
    "support.receipt", "SupportReceipt", "Chat messages were delivered or read", ReceiptData
)
AGENT_ASSIGNED = EventType(
    "support.agentAssigned",
    "SupportAgentAssigned",
    "An agent took a conversation",
    ConversationData,
)
CLOSED = EventType(
    "support.conversationClosed",
    "SupportConversationClosed",
    "A conversation was closed",
    ConversationData,
)
EVENTS = (MESSAGE_POSTED, RECEIPT, AGENT_ASSIGNED, CLOSED)
NAMES = frozenset(event.name for event in EVENTS)
