"""Helpers for the chat socket tests: a real WebSocket client of a server process that reads
the server's frames as they come and waits for the one a test expects (with a deadline)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from petstore.realtime.frames import SERVER_FRAME

Frame = dict[str, Any]
WITHIN = 20.0  # generous: CI machines are busy


def chat_url(base_url: str, **query: str) -> str:
    return base_url.replace("http", "ws", 1) + "/v1/ws/chat?" + urlencode(query)


class ChatClient:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seen: list[Frame] = []

    async def _receive(self) -> Frame:
        """The next frame, held to the message models the AsyncAPI document publishes."""
        frame: Frame = json.loads(await self.ws.recv())
        SERVER_FRAME.validate_python(frame)
        return frame

    async def send(self, frame: Frame | str | bytes) -> None:
        await self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def expect(
        self, type_: str, where: Callable[[Frame], bool] = lambda _f: True, within: float = WITHIN
    ) -> Frame:
        """The next frame of ``type_`` (matching ``where``) not yet taken; earlier frames of
        other kinds stay in :attr:`seen` for the test to look at."""

        async def find() -> Frame:
            while True:
                for index, frame in enumerate(self.seen):
                    if frame.get("type") == type_ and where(frame):
                        return self.seen.pop(index)
                self.seen.append(await self._receive())

        return await asyncio.wait_for(find(), timeout=within)

    async def closed(self, within: float = WITHIN) -> tuple[int, str]:
        """The close code and reason, once the server closes."""

        async def drain() -> tuple[int, str]:
            try:
                while True:
                    self.seen.append(await self._receive())
            except ConnectionClosed as closed:
                received = closed.rcvd
                return (received.code, received.reason) if received else (1006, "")

        return await asyncio.wait_for(drain(), timeout=within)


@asynccontextmanager
async def chat_socket(
    base_url: str,
    token: str | None,
    *,
    tenant: str = "",
    as_agent: bool = False,
    header: bool = False,
) -> AsyncIterator[ChatClient]:
    query: dict[str, str] = {}
    headers: dict[str, str] = {}
    if token and header:
        headers["Authorization"] = f"Bearer {token}"
    elif token:
        query["token"] = token
    if tenant:
        query["tenant"] = tenant
    if as_agent:
        query["as"] = "agent"
    async with connect(
        chat_url(base_url, **query), additional_headers=headers, max_size=2**22
    ) as ws:
        yield ChatClient(ws)
