"""``PETSTORE_BODY_READ_TIMEOUT_SECONDS``, in process: a client that sends part of its body and
then nothing more gets a 408 problem and ``Connection: close``, whichever layer was reading
the body (the route, or the idempotency layer, which reads it before the route runs).

The app is driven through ASGI by hand: an HTTP client cannot stall half-way through a body.
The end-to-end test (``tests/e2e/test_body_timeout.py``) stalls a real socket instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from starlette.types import Message

from petstore.core.settings import Settings
from tests.support.apps import running_app
from tests.support.problems import PROBLEM_BASE
from tests.support.settings import fast_settings

TIMEOUT = 0.2  # seconds; the client below never sends the rest, so no margin is needed


@pytest.fixture(scope="module")
async def impatient(database_url: str) -> AsyncIterator[FastAPI]:
    async with running_app(
        fast_settings(database_url, body_read_timeout_seconds=TIMEOUT)
    ) as application:
        yield application


def request(path: str, *extra: tuple[bytes, bytes]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"petstore.test"),
            (b"content-type", b"application/json"),
            (b"content-length", b"1000"),
            *extra,
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("petstore.test", 80),
    }


async def stalled_answer(app: FastAPI, scope: dict[str, Any]) -> list[Message]:
    """What the app sends to a client that sends the first bytes of its body, then stalls."""
    sent: list[Message] = []
    first = True
    never = asyncio.Event()

    async def receive() -> Message:
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b'{"name": "Sl', "more_body": True}
        await never.wait()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, receive, send), timeout=30)  # a deadline, not a measure
    return sent


def assert_timed_out(sent: list[Message], path: str) -> None:
    start, *body = sent
    assert start["status"] == 408
    headers = dict(start["headers"])
    assert headers[b"content-type"] == b"application/problem+json"
    assert headers[b"connection"] == b"close"
    problem = orjson.loads(b"".join(m.get("body", b"") for m in body))
    assert problem["type"] == f"{PROBLEM_BASE}/request-timeout"
    assert problem["status"] == 408
    assert problem["instance"] == path
    assert f"{TIMEOUT:g} s" in problem["detail"]


async def test_a_stalled_body_gets_408_and_the_connection_closed(impatient: FastAPI) -> None:
    sent = await stalled_answer(impatient, request("/v1/pets"))
    assert_timed_out(sent, "/v1/pets")


async def test_a_stalled_body_with_an_idempotency_key_gets_408(impatient: FastAPI) -> None:
    scope = request("/v1/pets", (b"idempotency-key", b"stalled-body"))
    sent = await stalled_answer(impatient, scope)
    assert_timed_out(sent, "/v1/pets")


def test_the_documented_default_is_30_seconds() -> None:
    assert Settings.model_fields["body_read_timeout_seconds"].default == 30
