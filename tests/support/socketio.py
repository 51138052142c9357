"""A real Socket.IO client (python-socketio, over aiohttp) of a server process, collecting
the events it is sent so a test can wait for the one it expects (with a deadline)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import socketio

from petstore.realtime.frames import SERVER_FRAME
from tests.support.realtime import WITHIN

Event = tuple[str, Any]
EVENTS = (
    "connect_error",
    "disconnect",
    "connected",
    "chatMessage",
    "typingStarted",
    "typingStopped",
    "messageDelivered",
    "messageRead",
    "agentAssigned",
    "conversationClosed",
    "chatError",
)


class SocketIoChat:
    def __init__(self, client: socketio.AsyncClient) -> None:
        self.client = client
        self.seen: list[Event] = []
        self.arrived = asyncio.Event()
        for name in EVENTS:
            client.on(name, self._keeper(name))

    def _keeper(self, name: str) -> Callable[[Any], Any]:
        async def keep(data: Any = None) -> None:
            if name not in ("connect_error", "disconnect"):  # held to the AsyncAPI models
                SERVER_FRAME.validate_python(data)
            self.seen.append((name, data))
            self.arrived.set()

        return keep

    async def call(self, event: str, data: Any = None) -> Any:
        """Emit ``event`` and wait for its acknowledgement."""
        return await self.client.call(event, data, timeout=WITHIN)

    async def expect(self, name: str, where: Callable[[Any], bool] = lambda _d: True) -> Any:
        async def find() -> Any:
            while True:
                for index, (event, data) in enumerate(self.seen):
                    if event == name and where(data):
                        return self.seen.pop(index)[1]
                self.arrived.clear()
                await self.arrived.wait()

        return await asyncio.wait_for(find(), timeout=WITHIN)


class Refused(Exception):  # noqa: N818
    """The server refused the connection; ``data`` is the ``connect_error`` payload: the
    server's dict, or the client's own words when the transport itself was refused."""

    def __init__(self, data: Any) -> None:
        super().__init__(str(data))
        self.data = data


@asynccontextmanager
async def socketio_chat(
    base_url: str,
    token: str | None,
    *,
    transport: str,
    tenant: str = "",
    as_agent: bool = False,
    origin: str | None = None,
) -> AsyncIterator[SocketIoChat]:
    auth: dict[str, str] = {}
    if token:
        auth["token"] = token
    if tenant:
        auth["tenant"] = tenant
    if as_agent:
        auth["as"] = "agent"
    client = socketio.AsyncClient(reconnection=False)
    chat = SocketIoChat(client)
    try:
        headers = {"Origin": origin} if origin else {}
        await client.connect(
            base_url, auth=auth, headers=headers, transports=[transport], wait_timeout=WITHIN
        )
    except socketio.exceptions.ConnectionError:
        refusals = [data for name, data in chat.seen if name == "connect_error"]
        raise Refused(refusals[0] if refusals else None) from None
    except RuntimeError as closed:
        # python-engineio's polling client closes its HTTP session before it reads the body
        # of a refused handshake (a 400), and aiohttp then says so: that is a refusal too.
        if str(closed) != "Connection closed.":
            raise
        raise Refused(str(closed)) from None
    try:
        yield chat
    finally:
        await client.disconnect()
