"""The frames a chat client sends, each a JSON object with a ``type``: checked here, so the
session only ever sees a frame that makes sense."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from petstore.support.schemas import MAX_MESSAGE_CHARS, Conversation, SupportMessage

ClientId = Annotated[str, Field(min_length=1, max_length=64)]
MAX_RECEIPT_IDS = 100
MAX_FRAME_BYTES = 16 * 1024
HISTORY = 50


class Frame(BaseModel):
    model_config = ConfigDict(extra="ignore")
    clientId: ClientId | None = None  # noqa: N815 - echoed in the ack
    conversationId: uuid.UUID | None = None  # noqa: N815 - default: the one you are in


class MessageFrame(Frame):
    type: Literal["message"]
    clientId: ClientId  # noqa: N815 - required: a retry with the same id is the same message
    text: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_CHARS)]


class TypingFrame(Frame):
    type: Literal["typing"]
    state: Literal["started", "stopped"]


class ReceiptFrame(Frame):
    type: Literal["delivered", "read"]
    messageIds: Annotated[list[uuid.UUID], Field(min_length=1, max_length=MAX_RECEIPT_IDS)]  # noqa: N815


class JoinFrame(Frame):
    type: Literal["join"]
    conversationId: uuid.UUID  # noqa: N815


class PingFrame(Frame):
    type: Literal["ping"]


ClientFrame = Annotated[
    MessageFrame | TypingFrame | ReceiptFrame | JoinFrame | PingFrame,
    Field(discriminator="type"),
]
CLIENT_FRAME: TypeAdapter[ClientFrame] = TypeAdapter(ClientFrame)
TYPES = ("message", "typing", "delivered", "read", "join", "ping")


# --- what the server sends (the AsyncAPI document's messages; tests hold every frame to them)


class ServerFrame(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConversationWithHistory(ServerFrame):
    conversation: Conversation
    messages: list[SupportMessage] = Field(
        description=f"The last {HISTORY} messages, oldest first."
    )


class Connected(ServerFrame):
    type: Literal["connected"]
    role: Literal["customer", "agent"]
    userId: uuid.UUID  # noqa: N815
    conversations: list[ConversationWithHistory]


class Joined(ConversationWithHistory):
    type: Literal["joined"]
    clientId: str | None  # noqa: N815


class Ack(ServerFrame):
    """A frame with a ``clientId`` was done; for a message, ``messageId`` is the stored id."""

    type: Literal["ack"]
    clientId: str  # noqa: N815
    conversationId: uuid.UUID  # noqa: N815
    messageId: uuid.UUID | None = None  # noqa: N815


class MessageSent(ServerFrame):
    type: Literal["message"]
    conversationId: uuid.UUID  # noqa: N815
    message: SupportMessage


class Typing(ServerFrame):
    type: Literal["typing"]
    conversationId: uuid.UUID  # noqa: N815
    userId: uuid.UUID  # noqa: N815
    state: Literal["started", "stopped"]


class Receipt(ServerFrame):
    type: Literal["delivered", "read"]
    conversationId: uuid.UUID  # noqa: N815
    messageIds: list[uuid.UUID]  # noqa: N815
    byUserId: uuid.UUID  # noqa: N815
    at: str = Field(json_schema_extra={"format": "date-time"})


class AgentAssigned(ServerFrame):
    type: Literal["agentAssigned"]
    conversationId: uuid.UUID  # noqa: N815
    agentId: uuid.UUID  # noqa: N815
    conversation: Conversation


class ConversationClosed(ServerFrame):
    type: Literal["conversationClosed"]
    conversationId: uuid.UUID  # noqa: N815
    conversation: Conversation


class FieldProblem(ServerFrame):
    field: str
    message: str
    code: str


class Error(ServerFrame):
    """A frame that was refused; the connection goes on."""

    type: Literal["error"]
    code: str = Field(
        description=(
            "INVALID_JSON, UNKNOWN_TYPE, VALIDATION_FAILED, TEXT_ONLY, RATE_LIMITED, or the "
            "domain's refusal: NOT_FOUND, FORBIDDEN, CONFLICT, INVALID_INPUT..."
        )
    )
    message: str
    clientId: str | None = None  # noqa: N815
    errors: list[FieldProblem] | None = None
    retryAfter: float | None = None  # noqa: N815


class Pong(ServerFrame):
    type: Literal["pong"]
    clientId: str | None = None  # noqa: N815


class Ping(ServerFrame):
    """The connection was silent: answer with any frame, or it is closed (1001)."""

    type: Literal["ping"]


SERVER_FRAMES: tuple[type[ServerFrame], ...] = (
    Connected,
    Joined,
    Ack,
    MessageSent,
    Typing,
    Receipt,
    AgentAssigned,
    ConversationClosed,
    Error,
    Pong,
    Ping,
)
CLIENT_FRAMES: tuple[type[Frame], ...] = (
    MessageFrame,
    TypingFrame,
    ReceiptFrame,
    JoinFrame,
    PingFrame,
)
AnyServerFrame = Annotated[
    Connected
    | Joined
    | Ack
    | MessageSent
    | Typing
    | Receipt
    | AgentAssigned
    | ConversationClosed
    | Error
    | Pong
    | Ping,
    Field(discriminator="type"),
]
SERVER_FRAME: TypeAdapter[AnyServerFrame] = TypeAdapter(AnyServerFrame)
