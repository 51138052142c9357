"""The chat in the AsyncAPI document: one channel at the socket's path, every frame model in
its direction (the e2e tests hold each frame the server sends to these same models)."""

from __future__ import annotations

from typing import Any

import httpx

from petstore.realtime.frames import CLIENT_FRAMES, SERVER_FRAMES
from petstore.realtime.socketio_door import INBOUND, OUTBOUND


async def test_the_chat_channel_lists_every_frame_both_ways(client: httpx.AsyncClient) -> None:
    document: dict[str, Any] = (await client.get("/v1/asyncapi.json")).json()
    channel = document["channels"]["supportChat"]
    assert channel["address"] == "/v1/ws/chat"
    assert set(channel["bindings"]["ws"]["query"]["properties"]) == {"token", "tenant", "as"}
    assert document["servers"]["chat"]["protocol"] in ("ws", "wss")
    operations = document["operations"]

    def names(operation: str) -> set[str]:
        return {m["$ref"].rsplit("/", 1)[1] for m in operations[operation]["messages"]}

    assert operations["receiveChatFrame"]["action"] == "receive"
    assert names("receiveChatFrame") == {f"client{m.__name__}" for m in CLIENT_FRAMES}
    assert names("sendChatFrame") == {f"server{m.__name__}" for m in SERVER_FRAMES}
    schemas = document["components"]["schemas"]
    for model in (*CLIENT_FRAMES, *SERVER_FRAMES):
        assert model.__name__ in schemas
    assert schemas["Error"]["properties"]["code"]["type"] == "string"


async def test_the_socketio_channel_names_each_event(client: httpx.AsyncClient) -> None:
    document: dict[str, Any] = (await client.get("/v1/asyncapi.json")).json()
    channel = document["channels"]["supportChatSocketIo"]
    assert channel["address"] == "/socket.io/"
    messages = document["components"]["messages"]

    def events(operation: str) -> set[str]:
        refs = document["operations"][operation]["messages"]
        return {messages[m["$ref"].rsplit("/", 1)[1]]["name"] for m in refs}

    assert events("receiveChatEvent") == set(INBOUND)
    assert events("sendChatEvent") == set(OUTBOUND)
    assert {"joinChat", "chatMessage", "typingStarted", "leaveChat"} <= set(INBOUND)
    assert {"connected", "chatMessage", "agentAssigned", "messageRead"} <= set(OUTBOUND)
