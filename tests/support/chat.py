"""Talking to ``POST /v1/chat/completions``: request bodies, a checked complete answer, and a
stream parsed by a real SSE client with its framing checked, for the advisor's tests and the
upstream model's."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from tests.support.accounts import Account

URL = "/v1/chat/completions"
COMPLETION_ID = re.compile(r"^chatcmpl_[a-z0-9]+$")
APARTMENT_DOG = "I'm looking for a small dog for an apartment under $300"


def ask(*texts: str, **fields: Any) -> dict[str, Any]:
    """A conversation of user messages (alternate roles with :func:`conversation`)."""
    return {"messages": [{"role": "USER", "content": text} for text in texts], **fields}


def conversation(*turns: tuple[str, str], **fields: Any) -> dict[str, Any]:
    """A conversation of ``(role, content)`` turns, for tests of roles and follow-ups."""
    return {"messages": [{"role": role, "content": content} for role, content in turns], **fields}


async def complete(
    client: httpx.AsyncClient, account: Account, body: dict[str, Any]
) -> dict[str, Any]:
    """A complete (non-streamed) answer, asserted to be a JSON 201."""
    response = await client.post(URL, json=body, headers=account.auth)
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    data: dict[str, Any] = response.json()
    return data


def content_of(completion: dict[str, Any]) -> str:
    """The text of the first choice: what the advisor said."""
    text: str = completion["choices"][0]["message"]["content"]
    return text


@dataclass
class Streamed:
    """A parsed event stream: the chunk objects (without the ``[DONE]`` terminator)."""

    chunks: list[dict[str, Any]]

    @property
    def deltas(self) -> list[str]:
        return [
            c["choices"][0]["delta"]["content"]
            for c in self.chunks[1:-1]
            if c["choices"][0]["delta"].get("content")
        ]

    @property
    def text(self) -> str:
        return "".join(self.deltas)

    @property
    def final(self) -> dict[str, Any]:
        return self.chunks[-1]


async def read_stream(
    client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]
) -> Streamed:
    """POST with ``stream: true`` and parse the answer with httpx-sse; check the framing."""
    data: list[str] = []
    async with aconnect_sse(
        client, "POST", URL, json={**body, "stream": True}, headers=headers
    ) as source:
        assert source.response.status_code == 201
        assert source.response.headers["content-type"].startswith("text/event-stream")
        async for event in source.aiter_sse():
            assert event.event == "message"  # plain `data:` events
            data.append(event.data)
    assert data, "the stream was empty"
    assert data[-1] == "[DONE]", data[-3:]
    assert "[DONE]" not in data[:-1]
    chunks = [_json(item) for item in data[:-1]]
    assert len(chunks) >= 2
    ident = chunks[0]["id"]
    assert COMPLETION_ID.match(ident)
    for chunk in chunks:
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["id"] == ident
        assert chunk["model"] == chunks[0]["model"]
        assert isinstance(chunk["created"], int)
        assert len(chunk["choices"]) == 1
        assert chunk["choices"][0]["index"] == 0
    first = chunks[0]["choices"][0]
    assert first["delta"]["role"] == "assistant"
    assert first["finish_reason"] is None
    for chunk in chunks[1:-1]:
        choice = chunk["choices"][0]
        assert set(choice["delta"]) == {"content"}
        assert choice["finish_reason"] is None
        assert "usage" not in chunk
    last = chunks[-1]["choices"][0]
    assert last["delta"] == {}
    assert last["finish_reason"] in {"stop", "length", "content_filter"}
    assert last["finishReason"] == last["finish_reason"].upper()
    usage = chunks[-1]["usage"]
    assert usage["promptTokens"] + usage["completionTokens"] == usage["totalTokens"]
    return Streamed(chunks)


def _json(data: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(data)
    return parsed
