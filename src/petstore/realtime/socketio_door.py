"""The chat over Socket.IO (python-socketio) at ``/socket.io/`` on the HTTP port, WebSocket and
long-polling transports, default namespace.

The handshake's ``auth`` carries ``{token, tenant?, as?}`` (``as: "agent"`` for staff); a
refusal is ``connect_error`` with ``{message, data: {code}}``. Events in: ``joinChat`` (answered by
``connected``, and acknowledged with it), ``chatMessage``, ``typingStarted``,
``typingStopped``, ``messageDelivered``, ``messageRead``, ``leaveChat``; each is acknowledged
(Socket.IO acks) with the stored ids, or with ``{"error": ...}``. Events out: ``chatMessage``
(to everyone in the conversation, the sender too), ``typingStarted``/``typingStopped``,
``messageDelivered``, ``messageRead``, ``agentAssigned``, ``conversationClosed``,
``chatError``.

It is a door over the same :class:`ChatSession` as the raw WebSocket, so a Socket.IO client
and a WebSocket client in one conversation see each other's messages; and like it, each
instance hears every conversation's events through the event bus's live feed (PostgreSQL
``NOTIFY``, or Redis on SQLite), so rooms need no manager of Socket.IO's own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import socketio
from pydantic import BaseModel

from petstore.container import Container
from petstore.core import errors
from petstore.core.live import EVENTS
from petstore.core.tenancy import tenant_of
from petstore.realtime.chat import (
    TYPING,
    ChatSession,
    Out,
    authenticate,
    error_frame,
    refusal_reason,
)
from petstore.realtime.frames import (
    MAX_FRAME_BYTES,
    AgentAssigned,
    Connected,
    ConversationClosed,
    Error,
    JoinFrame,
    MessageFrame,
    MessageSent,
    Receipt,
    ReceiptFrame,
    Typing,
    TypingFrame,
)
from petstore.support.service import HEARTBEAT_SECONDS

PATH = "/socket.io"
logger = logging.getLogger("petstore.socketio")

# Socket.IO event in -> the chat frame it is.
FRAME_OF: dict[str, dict[str, str]] = {
    "chatMessage": {"type": "message"},
    "typingStarted": {"type": "typing", "state": "started"},
    "typingStopped": {"type": "typing", "state": "stopped"},
    "messageDelivered": {"type": "delivered"},
    "messageRead": {"type": "read"},
}


# For the AsyncAPI document: each event's payload model (an inbound event is its frame without
# the `type`, which the event's name says; joinChat's conversationId is optional).
INBOUND: dict[str, type[BaseModel]] = {
    "joinChat": JoinFrame,
    "chatMessage": MessageFrame,
    "typingStarted": TypingFrame,
    "typingStopped": TypingFrame,
    "messageDelivered": ReceiptFrame,
    "messageRead": ReceiptFrame,
    "leaveChat": JoinFrame,
}
OUTBOUND: dict[str, type[BaseModel]] = {
    "connected": Connected,
    "chatMessage": MessageSent,
    "typingStarted": Typing,
    "typingStopped": Typing,
    "messageDelivered": Receipt,
    "messageRead": Receipt,
    "agentAssigned": AgentAssigned,
    "conversationClosed": ConversationClosed,
    "chatError": Error,
}


def event_of(frame: Out) -> str | None:
    """The Socket.IO event a frame the chat tells of is emitted as."""
    kind = frame["type"]
    if kind == "typing":
        return "typingStarted" if frame.get("state") == "started" else "typingStopped"
    names = {
        "message": "chatMessage",
        "delivered": "messageDelivered",
        "read": "messageRead",
        "agentAssigned": "agentAssigned",
        "conversationClosed": "conversationClosed",
        "connected": "connected",
        "error": "chatError",
    }
    return names.get(str(kind))


def _refusal(frame: Out) -> Out:
    """An ``error`` frame as a Socket.IO acknowledgement: ``{"error": {code, message...}}``."""
    return {"error": {k: v for k, v in frame.items() if k != "type"}}


def _error(code: str, message: str, client_id: Any = None) -> Out:
    return _refusal(error_frame(code, message, client_id if isinstance(client_id, str) else None))


class SocketIoDoor:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.sio = socketio.AsyncServer(
            async_mode="asgi",
            # The default: pages of this origin only (a cross-site page is refused), and any
            # client that sends no Origin (apps, the SDKs).
            cors_allowed_origins=None,
            max_http_buffer_size=MAX_FRAME_BYTES,
            ping_interval=container.settings.socketio_ping_seconds,
            ping_timeout=container.settings.socketio_ping_seconds,
            logger=False,
            engineio_logger=False,
        )
        self.app = socketio.ASGIApp(self.sio, socketio_path=PATH.strip("/"))
        self.chats: dict[str, ChatSession] = {}
        self._register()

    def _register(self) -> None:
        self.sio.on("connect", self._connect)
        self.sio.on("disconnect", self._disconnect)
        self.sio.on("joinChat", self._join)
        self.sio.on("leaveChat", self._leave)
        for name in FRAME_OF:
            self.sio.on(name, self._frame_handler(name))

    async def _connect(self, sid: str, environ: Mapping[str, Any], auth: Any) -> None:
        given = auth if isinstance(auth, dict) else {}
        token = given.get("token")
        authorization = f"Bearer {token}" if isinstance(token, str) and token else None
        try:
            named = given.get("tenant") or environ.get("HTTP_X_TENANT_ID")
            tenant = tenant_of(str(named) if named else None, "tenant")
            principal = await authenticate(self.container, authorization, tenant)
            as_agent = given.get("as") == "agent"
            if as_agent and not principal.is_staff:
                raise errors.forbidden("Only staff connect as support agents.")
        except errors.DomainError as refused:
            raise socketio.exceptions.ConnectionRefusedError(
                refusal_reason(refused), {"code": refused.code}
            ) from None
        base = self._base(environ)
        self.chats[sid] = ChatSession(self.container, principal, tenant, base, as_agent=as_agent)

    def _base(self, environ: Mapping[str, Any]) -> str:
        public = self.container.settings.public_url
        if public:
            return public.rstrip("/")
        secure = environ.get("wsgi.url_scheme") in ("https", "wss")
        return f"{'https' if secure else 'http'}://{environ.get('HTTP_HOST', 'localhost')}"

    async def _disconnect(self, sid: str, *_reason: Any) -> None:
        chat = self.chats.pop(sid, None)
        if chat is not None:
            await chat.stop()

    async def _join(self, sid: str, data: Any = None) -> Out:
        chat = self.chats.get(sid)
        if chat is None:
            return _error("NOT_CONNECTED", "Connect first.")
        try:
            connected = await chat.start() if not chat.started else await chat.rejoin()
            wanted = data.get("conversationId") if isinstance(data, dict) else None
            if wanted:
                joined = await self._handle(chat, {"type": "join", "conversationId": wanted})
                if "error" in joined:
                    return joined
                connected = await chat.rejoin()
        except errors.DomainError as refused:
            return _error(refused.code, refused.detail)
        await self.sio.emit("connected", connected, to=sid)
        return connected

    async def _leave(self, sid: str, data: Any = None) -> Out:
        chat = self.chats.get(sid)
        wanted = data.get("conversationId") if isinstance(data, dict) else None
        if chat is None or not isinstance(wanted, str):
            return _error("INVALID_INPUT", "leaveChat needs a conversationId.")
        with contextlib.suppress(ValueError):
            chat.joined.discard(uuid.UUID(wanted))
        return {"left": wanted}

    def _frame_handler(self, name: str) -> Any:
        async def handler(sid: str, data: Any = None) -> Out:
            chat = self.chats.get(sid)
            if chat is None:
                return _error("NOT_CONNECTED", "Connect first.")
            body = data if isinstance(data, dict) else {}
            return await self._handle(chat, {**body, **FRAME_OF[name]})

        return handler

    async def _handle(self, chat: ChatSession, raw: dict[str, Any]) -> Out:
        """The acknowledgement of an event: the chat's answer, or ``{error}``."""
        if not chat.bucket_allows():
            return _error("RATE_LIMITED", "Too many events; slow down.", raw.get("clientId"))
        answers = await chat.answer(raw)
        if answers and answers[0]["type"] == "error":
            return _refusal(answers[0])
        return answers[0] if answers else {"ok": True}

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Relay the live feed to this instance's connections, and keep agents present."""
        live = self.container.live
        events = live.subscribe(channel=EVENTS, tenant=None, max_queue=10_000)
        typing = live.subscribe(channel=TYPING, tenant=None, max_queue=10_000)
        self.container.farewell.add(self._disconnect_all)
        async with events, typing:
            tasks = [
                asyncio.create_task(self._relay(events)),
                asyncio.create_task(self._relay(typing)),
                asyncio.create_task(self._heartbeats()),
            ]
            try:
                yield
            finally:
                self.container.farewell.discard(self._disconnect_all)
                await self._disconnect_all()
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _disconnect_all(self) -> None:
        for sid in list(self.chats):
            with contextlib.suppress(Exception):
                await self.sio.disconnect(sid)

    async def _relay(self, subscription: Any) -> None:
        async for message in subscription:
            for sid, chat in list(self.chats.items()):
                if chat.tenant != message.tenant:
                    continue
                frame = chat.told(message)
                name = event_of(frame) if frame is not None else None
                if frame is not None and name is not None:
                    await self.sio.emit(name, frame, to=sid)

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            for chat in list(self.chats.values()):
                try:
                    await chat.heartbeat()
                except Exception:  # one agent's failed refresh must not stop the others'
                    logger.exception("agent heartbeat failed")
