"""Talking GraphQL to the app: an operation over HTTP, its error codes, and the statements a
block sends to the database (the DataLoader tests count them)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from petstore.container import container_of

PATH = "/v1/graphql"


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST one operation; the JSON answer (asserted to be a GraphQL response, not a 5xx)."""
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    answer = await client.post(PATH, json=body, headers=headers or {})
    assert answer.status_code < 500, answer.text
    result: dict[str, Any] = answer.json()
    assert set(result) <= {"data", "errors", "extensions"}, result
    return result


def data_of(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    data: dict[str, Any] = result["data"]
    return data


def codes(result: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of each error (every error must have one)."""
    return [error["extensions"]["code"] for error in result.get("errors", [])]


@asynccontextmanager
async def statements(app: FastAPI) -> AsyncIterator[list[str]]:
    """Every statement SQLAlchemy sends to the database inside the block."""
    sent: list[str] = []

    def on_execute(*args: Any) -> None:
        sent.append(" ".join(str(args[2]).split()))

    engine = container_of(app).engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


class Subscription:
    """One ``graphql-transport-ws`` subscription on its own connection (a real WebSocket)."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def next(self, within: float = 30.0) -> dict[str, Any]:
        """The next ``next`` payload (or the ``error`` payload, as ``{"errors": ...}``)."""
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), within))
            if message["type"] == "next":
                payload: dict[str, Any] = message["payload"]
                return payload
            if message["type"] == "error":
                return {"errors": message["payload"]}
            if message["type"] == "complete":
                raise AssertionError("the subscription completed")

    async def quiet(self, within: float) -> bool:
        """Whether nothing arrives for ``within`` seconds."""
        try:
            await asyncio.wait_for(self.socket.recv(), within)
        except TimeoutError:
            return True
        return False


def ws_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://", 1) + PATH


@asynccontextmanager
async def subscribe(
    base_url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    init: dict[str, Any] | None = None,
) -> AsyncIterator[Subscription]:
    async with connect(ws_url(base_url), subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": init or {}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 30))
        assert ack["type"] == "connection_ack", ack
        payload = {"query": query, "variables": variables or {}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        yield Subscription(ws)
