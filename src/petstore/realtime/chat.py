"""One chat connection, whatever carries it: who it is (a customer, or staff online as an
agent), the conversations it is in, what it asks (:meth:`ChatSession.handle`) and what it is
told of them (:meth:`ChatSession.told`) as the live feed brings the bus's events from any
instance. Frames out are plain dicts; the transport sends them."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pydantic import ValidationError

from petstore.auth import service as auth
from petstore.container import Container
from petstore.core.database import unit_of_work
from petstore.core.errors import DomainError, field_errors, not_found, validation_failed
from petstore.core.live import EVENTS, LiveMessage
from petstore.realtime.frames import (
    CLIENT_FRAME,
    HISTORY,
    TYPES,
    JoinFrame,
    MessageFrame,
    PingFrame,
    ReceiptFrame,
    TypingFrame,
)
from petstore.support import service as support
from petstore.support.events import AGENT_ASSIGNED, CLOSED, MESSAGE_POSTED, RECEIPT, ReceiptKind
from petstore.support.schemas import conversation_payload, message_payload

FRAMES_PER_WINDOW = 30
WINDOW_SECONDS = 10.0
TYPING = "support.typing"
"""The live feed channel of typing indicators: ephemeral, never stored."""
Out = dict[str, Any]
ClientFrame = MessageFrame | TypingFrame | ReceiptFrame | JoinFrame | PingFrame


async def authenticate(
    container: Container, authorization: str | None, tenant: str
) -> auth.Principal:
    """The caller of a chat connection, holding ``chat:write`` (the REST door's verdicts)."""
    settings = container.settings
    async with unit_of_work(container.sessionmaker, write=False) as session:
        principal = await auth.identify(
            session,
            container.passwords,
            auth.verify_bearer(container.tokens, authorization),
            tenant,
            sandbox=settings.sandbox,
            has_header=bool(authorization and authorization.strip()),
            sandbox_anonymous=False,
        )
    return auth.authorize(principal, frozenset({"chat:write"}))


class Bucket:
    """A token bucket: ``rate`` frames per ``per`` seconds, bursts up to ``rate``."""

    def __init__(self, rate: int, per: float) -> None:
        self.capacity, self.fill = float(rate), rate / per
        self.tokens, self.at = float(rate), time.monotonic()

    def take(self) -> float | None:
        """``None`` if a frame may pass, else the seconds until one may."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.fill)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.fill


class ChatSession:
    def __init__(
        self,
        container: Container,
        principal: auth.Principal,
        tenant: str,
        base_url: str,
        *,
        as_agent: bool,
    ) -> None:
        self.container = container
        self.me = principal
        self.tenant = tenant
        self.base = base_url
        self.as_agent = as_agent
        self.joined: set[uuid.UUID] = set()
        self.presence: uuid.UUID | None = None
        self.started = False
        self.bucket = Bucket(FRAMES_PER_WINDOW, WINDOW_SECONDS)

    def bucket_allows(self) -> bool:
        return self.bucket.take() is None

    @asynccontextmanager
    async def _work(self) -> AsyncIterator[Any]:
        async with unit_of_work(self.container.sessionmaker, write=True) as session:
            yield session

    async def start(self) -> Out:
        """Join: an agent comes online (and is given waiting conversations); a customer is put
        in their open conversation. The ``connected`` frame carries each one's recent history."""
        async with self._work() as session:
            if self.as_agent:
                self.presence = await support.agent_connected(session, self.me, self.tenant)
                await support.assign_waiting(session, self.tenant)
                rows = await support.assigned_to(session, self.me, self.tenant)
            else:
                current = await support.current_conversation(session, self.me, self.tenant)
                rows = [current] if current is not None else []
            self.joined.update(row.id for row in rows)
            joined = [await self._with_history(session, row) for row in rows]
        self.started = True
        return self._connected(joined)

    async def rejoin(self) -> Out:
        """The ``connected`` frame again, for the conversations this connection is in."""
        async with self._work() as session:
            joined = []
            for conversation_id in sorted(self.joined):
                row = await support.visible_conversation(
                    session, self.me, self.tenant, conversation_id
                )
                joined.append(await self._with_history(session, row))
        return self._connected(joined)

    def _connected(self, joined: list[Out]) -> Out:
        role = "agent" if self.as_agent else "customer"
        return {
            "type": "connected",
            "role": role,
            "userId": str(self.me.user_id),
            "conversations": joined,
        }

    async def _with_history(self, session: Any, row: Any) -> Out:
        total = (await support.history(session, row, 0, 1))[1]
        messages, _ = await support.history(session, row, max(total - HISTORY, 0), HISTORY)
        return {
            "conversation": conversation_payload(row),
            "messages": [message_payload(m) for m in messages],
        }

    async def heartbeat(self) -> None:
        if self.presence is not None:
            async with self._work() as session:
                await support.agent_seen(session, self.presence)

    async def stop(self) -> None:
        if self.presence is not None:
            async with self._work() as session:
                await support.agent_disconnected(session, self.presence)
            self.presence = None

    async def answer(self, raw: object) -> list[Out]:
        """The answers to a frame as the client sent it (decoded JSON): checked, then handled;
        anything wrong with it is an ``error`` frame, never an exception."""
        client_id = raw.get("clientId") if isinstance(raw, dict) else None
        client_id = client_id if isinstance(client_id, str) else None
        if not isinstance(raw, dict) or raw.get("type") not in TYPES:
            return [
                error_frame("UNKNOWN_TYPE", f"type must be one of: {', '.join(TYPES)}.", client_id)
            ]
        try:
            return await self.handle(CLIENT_FRAME.validate_python(raw))
        except ValidationError as exc:
            fields = field_errors(exc, skip=1)  # the first part is the frame's type tag
            return [
                error_frame("VALIDATION_FAILED", "The frame is invalid.", client_id, errors=fields)
            ]
        except DomainError as refused:
            return [error_frame(refused.code, refused.detail, client_id, errors=refused.errors)]

    async def handle(self, frame: ClientFrame) -> list[Out]:
        """The direct answers to one frame (its ack); what it causes reaches every
        participant, this connection included, through the live feed."""
        if isinstance(frame, PingFrame):
            return [{"type": "pong", "clientId": frame.clientId}]
        if isinstance(frame, MessageFrame):
            return [await self._send(frame)]
        if isinstance(frame, TypingFrame):
            conversation_id = self._in(frame.conversationId)
            data = {
                "conversationId": str(conversation_id),
                "userId": str(self.me.user_id),
                "state": frame.state,
            }
            await self.container.live.broadcast(TYPING, self.tenant, data)
            return self._ack(frame, conversation_id)
        if isinstance(frame, ReceiptFrame):
            return await self._receipt(frame)
        return [await self._join(frame)]

    def _ack(self, frame: ClientFrame, conversation_id: uuid.UUID) -> list[Out]:
        if frame.clientId is None:
            return []
        return [{"type": "ack", "clientId": frame.clientId, "conversationId": str(conversation_id)}]

    def _in(self, conversation_id: uuid.UUID | None) -> uuid.UUID:
        """The conversation a frame is about: the one named (which must be joined), else the
        only one this connection is in."""
        if conversation_id is not None:
            if conversation_id not in self.joined:
                raise support_not_found(conversation_id)
            return conversation_id
        if len(self.joined) != 1:
            raise missing_conversation()
        return next(iter(self.joined))

    async def _send(self, frame: MessageFrame) -> Out:
        upstream = self.container.chat_upstream
        async with self._work() as session:
            if frame.conversationId is None and not self.joined and not self.as_agent:
                row = await support.start_conversation(session, self.me, self.tenant)
            else:
                row = await support.visible_conversation(
                    session, self.me, self.tenant, self._in(frame.conversationId), for_update=True
                )
            fresh = row.id not in self.joined
            self.joined.add(row.id)  # before the commit: its events must find us in it
            try:
                message = await support.post_message(
                    session, self.me, row, frame.text, frame.clientId, upstream, self.base
                )
            except BaseException:
                if fresh:
                    self.joined.discard(row.id)
                raise
        return {
            "type": "ack",
            "clientId": frame.clientId,
            "conversationId": str(row.id),
            "messageId": str(message.id),
        }

    async def _receipt(self, frame: ReceiptFrame) -> list[Out]:
        conversation_id = self._in(frame.conversationId)
        kind = ReceiptKind(frame.type)
        async with self._work() as session:
            row = await support.visible_conversation(session, self.me, self.tenant, conversation_id)
            await support.mark_messages(session, self.me, row, frame.messageIds, kind)
        return self._ack(frame, conversation_id)

    async def _join(self, frame: JoinFrame) -> Out:
        """Into one of your conversations (staff: any of the tenant's), with its history."""
        async with self._work() as session:
            row = await support.visible_conversation(
                session, self.me, self.tenant, frame.conversationId
            )
            joined = await self._with_history(session, row)
        self.joined.add(row.id)
        return {"type": "joined", "clientId": frame.clientId, **joined}

    def told(self, message: LiveMessage) -> Out | None:
        """What this connection hears of a live message, if anything."""
        if message.channel == TYPING:
            return self._typing(message.data)
        if message.channel != EVENTS:
            return None
        kind, data = message.data.get("eventType"), message.data.get("data", {})
        conversation = data.get("conversation") if isinstance(data, dict) else None
        if not isinstance(conversation, dict):
            return None
        conversation_id = uuid.UUID(conversation["id"])
        if kind == AGENT_ASSIGNED.name and conversation.get("agentId") == str(self.me.user_id):
            self.joined.add(conversation_id)
        if conversation_id not in self.joined:
            return None
        return _frame_of(kind, conversation, data)

    def _typing(self, data: dict[str, Any]) -> Out | None:
        try:
            conversation_id = uuid.UUID(str(data.get("conversationId")))
        except ValueError:
            return None
        if conversation_id not in self.joined or data.get("userId") == str(self.me.user_id):
            return None
        return {"type": "typing", **data}


def refusal_reason(refused: DomainError) -> str:
    """Why a connection is refused, in one line: the offending field if one is named."""
    if refused.errors:
        first = refused.errors[0]
        return f"{first['field']}: {first['message']}"
    return refused.detail


def error_frame(code: str, message: str, client_id: str | None = None, **extra: Any) -> Out:
    frame: Out = {"type": "error", "code": code, "message": message}
    if client_id is not None:
        frame["clientId"] = client_id
    frame.update({k: v for k, v in extra.items() if v is not None})
    return frame


def _frame_of(kind: object, conversation: dict[str, Any], data: dict[str, Any]) -> Out | None:
    base = {"conversationId": conversation["id"]}
    if kind == MESSAGE_POSTED.name:
        return {"type": "message", **base, "message": data["message"]}
    if kind == RECEIPT.name:
        ids = {"messageIds": data["messageIds"], "byUserId": data["byUserId"], "at": data["at"]}
        return {"type": data["kind"], **base, **ids}
    if kind == AGENT_ASSIGNED.name:
        return {
            "type": "agentAssigned",
            **base,
            "agentId": conversation["agentId"],
            "conversation": conversation,
        }
    if kind == CLOSED.name:
        return {"type": "conversationClosed", **base, "conversation": conversation}
    return None


def support_not_found(conversation_id: uuid.UUID) -> Exception:
    return not_found("conversation (join it first)", conversation_id)


def missing_conversation() -> Exception:
    return validation_failed(
        "conversationId", "name the conversation: this connection is in none or several", "missing"
    )
