"""The chat over raw WebSocket at ``/v1/ws/chat``.

Credentials: ``?token=`` (browsers cannot set headers on a WebSocket) or ``Authorization:
Bearer``; the tenant ``?tenant=`` or ``X-Tenant-ID``; ``?as=agent`` for staff online as agents.
They are checked before the chat starts: a refusal is the close code 1008 with the reason.

Frames are JSON text with a ``type`` (:mod:`petstore.realtime.frames`). A frame that is not
understood gets an ``error`` frame, and the connection goes on. Refused outright: frames over
:data:`MAX_FRAME_BYTES` (close 1009) and floods (``error`` ``RATE_LIMITED`` beyond
:data:`FRAMES_PER_WINDOW` frames per :data:`WINDOW_SECONDS`; close 1008 after
:data:`MAX_REFUSED` refused in a row). A connection silent for ``PETSTORE_CHAT_IDLE_SECONDS``
is sent a ``ping`` frame, and closed (1001) if still silent as long again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState
from websockets.exceptions import ConnectionClosed

from petstore.container import Container, container_of
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
from petstore.realtime.frames import MAX_FRAME_BYTES
from petstore.support.service import HEARTBEAT_SECONDS

PATH = "/v1/ws/chat"
MAX_REFUSED = 60
POLICY_VIOLATION, GOING_AWAY, TOO_BIG, INTERNAL_ERROR = 1008, 1001, 1009, 1011
logger = logging.getLogger("petstore.realtime")
GONE = (WebSocketDisconnect, OSError, ConnectionClosed, RuntimeError)
"""What sending to a client that has gone raises (uvicorn's ClientDisconnected is an OSError):
the end of a connection, not a fault."""

router = APIRouter()


def _credentials(websocket: WebSocket) -> tuple[str | None, str]:
    token = websocket.query_params.get("token")
    authorization = f"Bearer {token}" if token else websocket.headers.get("authorization")
    tenant = websocket.query_params.get("tenant") or websocket.headers.get("x-tenant-id")
    return authorization, tenant_of(tenant, "tenant")


def _base(websocket: WebSocket, container: Container) -> str:
    public = container.settings.public_url
    if public:
        return public.rstrip("/")
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    return f"{scheme}://{websocket.url.netloc}"


@router.websocket(PATH)
async def chat_socket(websocket: WebSocket) -> None:
    container = container_of(websocket.app)
    try:
        authorization, tenant = _credentials(websocket)
        principal = await authenticate(container, authorization, tenant)
        as_agent = websocket.query_params.get("as") == "agent"
        if as_agent and not principal.is_staff:
            raise errors.forbidden("Only staff connect as support agents.")
    except errors.DomainError as refused:
        await _refuse(websocket, refusal_reason(refused))
        return
    await websocket.accept()
    chat = ChatSession(container, principal, tenant, _base(websocket, container), as_agent=as_agent)
    connection = Connection(websocket, chat, container.settings.chat_idle_seconds)
    await connection.run()


async def _refuse(websocket: WebSocket, reason: str) -> None:
    """Close 1008 with the reason (a close frame needs an open socket: nothing else is sent)."""
    await websocket.accept()
    await websocket.close(POLICY_VIOLATION, reason=reason[:120])


class Connection:
    """One socket's three jobs: read frames, write frames, keep an agent's presence fresh."""

    def __init__(self, websocket: WebSocket, chat: ChatSession, idle_seconds: float) -> None:
        self.websocket = websocket
        self.chat = chat
        self.idle = idle_seconds
        self.outgoing: asyncio.Queue[Out | None] = asyncio.Queue()
        self.refused = 0

    async def run(self) -> None:
        live = self.chat.container.live
        events = live.subscribe(channel=EVENTS, tenant=self.chat.tenant)
        typing = live.subscribe(channel=TYPING, tenant=self.chat.tenant)
        farewell = self.chat.container.farewell
        farewell.add(self._going_away)
        async with events, typing:
            try:
                self.outgoing.put_nowait(await self.chat.start())
                jobs = [self._read(), self._write(), self._listen(events), self._listen(typing)]
                if self.chat.as_agent:
                    jobs.append(self._heartbeat())
                tasks = [asyncio.create_task(job) for job in jobs]
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in tasks:
                    task.cancel()
                outcomes = await asyncio.gather(*tasks, return_exceptions=True)
                failures = [
                    o for o in outcomes if isinstance(o, Exception) and not isinstance(o, GONE)
                ]
                if failures:  # a fault of ours (the database went away...): say so, then 1011
                    logger.error("chat connection failed", exc_info=failures[0])
                    await self._close(INTERNAL_ERROR, "internal error; reconnect")
            finally:
                farewell.discard(self._going_away)
                await self.chat.stop()
                await self._close(GOING_AWAY, "server closing")

    async def _going_away(self) -> None:
        """SIGTERM: close now (1001), so the client reconnects to another instance."""
        await self._close(GOING_AWAY, "server shutting down")
        self.outgoing.put_nowait(None)

    async def _close(self, code: int, reason: str) -> None:
        if self.websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
                await self.websocket.close(code, reason=reason)

    async def _write(self) -> None:
        while (frame := await self.outgoing.get()) is not None:
            await self.websocket.send_text(orjson.dumps(frame).decode())

    async def _listen(self, subscription: Any) -> None:
        async for message in subscription:
            frame = self.chat.told(message)
            if frame is not None:
                self.outgoing.put_nowait(frame)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            await self.chat.heartbeat()

    async def _read(self) -> None:
        pinged = False
        while True:
            try:
                event = await asyncio.wait_for(self.websocket.receive(), timeout=self.idle)
            except TimeoutError:
                if pinged:
                    await self._close(GOING_AWAY, "idle")
                    return
                pinged = True
                self.outgoing.put_nowait({"type": "ping"})
                continue
            pinged = False
            if event["type"] == "websocket.disconnect":
                return
            if not await self._take(event):
                return

    async def _take(self, event: Mapping[str, Any]) -> bool:
        """Handle one received frame; ``False`` once the connection must end."""
        text = event.get("text")
        if text is None:
            self._error("TEXT_ONLY", "Frames are JSON text, not binary.")
            return True
        if len(text.encode()) > MAX_FRAME_BYTES:
            await self._close(TOO_BIG, f"frames are limited to {MAX_FRAME_BYTES} bytes")
            return False
        wait = self.chat.bucket.take()
        if wait is not None:
            self.refused += 1
            if self.refused >= MAX_REFUSED:
                await self._close(POLICY_VIOLATION, "too many frames")
                return False
            self._error("RATE_LIMITED", "Too many frames; slow down.", retryAfter=round(wait, 2))
            return True
        self.refused = 0
        await self._answer(text)
        return True

    async def _answer(self, text: str) -> None:
        try:
            raw = orjson.loads(text)
        except orjson.JSONDecodeError:
            self._error("INVALID_JSON", "The frame is not JSON.")
            return
        for answer in await self.chat.answer(raw):
            self.outgoing.put_nowait(answer)

    def _error(self, code: str, message: str, **extra: Any) -> None:
        self.outgoing.put_nowait(error_frame(code, message, **extra))
