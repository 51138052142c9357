"""SIGTERM with chat connections open: the WebSocket is closed with 1001 (going away) and the
Socket.IO client is disconnected, the server exits 0, and what was acknowledged is there when
a server starts again on the same database."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from tests.realtime.conftest import Chat
from tests.realtime.test_websocket_chat import say
from tests.support.realtime import chat_socket
from tests.support.servers import petstore, run_server, server_env
from tests.support.socketio import socketio_chat

pytestmark = pytest.mark.e2e


async def test_sigterm_says_going_away_and_keeps_what_was_acknowledged(tmp_path: Path) -> None:
    env = server_env(
        f"sqlite+aiosqlite:///{tmp_path / 'bye.db'}", PETSTORE_SOCKETIO_PING_SECONDS="2"
    )
    petstore(env, "migrate")
    with run_server(env, tmp_path / "a.log") as server:
        chat = Chat(server)
        _, token = chat.customer()
        _, other = chat.customer()
        async with (
            chat_socket(server.base_url, token) as ws,
            socketio_chat(server.base_url, other, transport="websocket") as sio,
        ):
            await ws.expect("connected")
            ack = await say(ws, "Please keep this")
            await sio.call("joinChat")
            server.process.send_signal(signal.SIGTERM)
            code, reason = await ws.closed()
            await sio.expect("disconnect")
        assert code == 1001, reason
        assert await asyncio.to_thread(server.process.wait, 30) == 0
    with run_server(env, tmp_path / "b.log") as again:  # the token is still good: keys persist
        path = f"/v1/support/conversations/{ack['conversationId']}/messages"
        async with Chat(again).rest(token) as api:
            history = await api.get(path)
    assert history.status_code == 200, history.text
    assert ack["messageId"] in [m["id"] for m in history.json()["data"]]
