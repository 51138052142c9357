"""Forwarding to an OpenAI-compatible server: a real one, started by these tests on loopback.

``FakeOpenAI`` is an HTTP server in a thread that answers ``POST /v1/chat/completions`` as
JSON or as an SSE stream, records what it was sent, and can be slow, fail, talk garbage, or
stream slowly for a long time while noticing when its client hangs up.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from httpx_sse import connect_sse

from petstore.chat import tokenizer
from tests.support.accounts import PASSWORD, Account, account_in
from tests.support.apps import running_app
from tests.support.chat import (
    APARTMENT_DOG,
    URL,
    ask,
    complete,
    content_of,
    conversation,
    read_stream,
)
from tests.support.pets import MakePet, pet_in
from tests.support.problems import assert_problem
from tests.support.servers import run_server, server_env
from tests.support.settings import fast_settings

ANSWER_PIECES = ("Zephyrine", " would love", " your apartment", ".")
ANSWER = "".join(ANSWER_PIECES)
UPSTREAM_USAGE = {"prompt_tokens": 321, "completion_tokens": 17, "total_tokens": 338}
SLOW_SECONDS = 3.0  # longer than the app's 1 s upstream timeout
TRICKLE_SECONDS = 10.0
TRICKLE_EVERY = 0.1


@dataclass
class Seen:
    body: dict[str, Any]
    authorization: str | None


class FakeOpenAI:
    """Modes: ``ok`` (finish "stop", with usage), ``length`` (finish "length", no usage),
    ``slow``, ``error`` (500), ``garbage`` and ``trickle`` (a chunk every 100 ms for 10 s)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.trickle_started = threading.Event()
        self.client_hung_up = threading.Event()
        self.trickle_finished = threading.Event()
        self.hung_up_at: float | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                mode = fake.mode
                if self.path != "/v1/chat/completions":
                    self._send(404, b'{"error": "not found"}')
                    return
                body = json.loads(raw)
                with fake.lock:
                    fake.requests.append(Seen(body, self.headers.get("Authorization")))
                if mode == "slow":
                    time.sleep(SLOW_SECONDS)
                if mode == "error":
                    self._send(500, b'{"error": {"message": "the model crashed"}}')
                elif mode == "garbage":
                    if body.get("stream"):
                        self._start_stream()
                        self._event(b"data: this is not json\n\n")
                    else:
                        self._send(200, b"<html>this is not json</html>")
                elif mode == "trickle":
                    self._trickle()
                elif body.get("stream"):
                    self._stream(mode)
                else:
                    self._send(200, json.dumps(self._completion(mode)).encode())

            def _completion(self, mode: str) -> dict[str, Any]:
                answer: dict[str, Any] = {
                    "id": "chatcmpl-upstream",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": "test-model",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": ANSWER},
                            "finish_reason": "length" if mode == "length" else "stop",
                        }
                    ],
                }
                if mode == "ok":
                    answer["usage"] = UPSTREAM_USAGE
                return answer

            def _send(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _start_stream(self) -> None:
                # HTTP/1.0 without Content-Length: the body ends when the connection does.
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()

            def _event(self, data: bytes) -> None:
                self.wfile.write(data)
                self.wfile.flush()

            def _chunk(self, delta: dict[str, str], finish: str | None = None) -> bytes:
                payload = {
                    "id": "chatcmpl-upstream",
                    "object": "chat.completion.chunk",
                    "model": "test-model",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                return b"data: " + json.dumps(payload).encode() + b"\n\n"

            def _stream(self, mode: str) -> None:
                self._start_stream()
                self._event(b": keep-alive comment\n\n")
                self._event(self._chunk({"role": "assistant", "content": ""}))
                for piece in ANSWER_PIECES:
                    self._event(self._chunk({"content": piece}))
                    time.sleep(0.01)
                self._event(self._chunk({}, "length" if mode == "length" else "stop"))
                self._event(b"data: [DONE]\n\n")

            def _trickle(self) -> None:
                self._start_stream()
                fake.trickle_started.set()
                until = time.monotonic() + TRICKLE_SECONDS
                try:
                    self._event(self._chunk({"role": "assistant", "content": ""}))
                    while time.monotonic() < until:
                        self._event(self._chunk({"content": " woof"}))
                        time.sleep(TRICKLE_EVERY)
                    self._event(self._chunk({}, "stop") + b"data: [DONE]\n\n")
                except (BrokenPipeError, ConnectionResetError):
                    fake.hung_up_at = time.monotonic()
                    fake.client_hung_up.set()
                    return
                fake.trickle_finished.set()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def reset(self, mode: str = "ok") -> None:
        with self.lock:
            self.mode = mode
            self.requests.clear()

    def only_request(self) -> Seen:
        with self.lock:
            assert len(self.requests) == 1, self.requests
            return self.requests[0]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(autouse=True)
def fresh_fake(fake: FakeOpenAI) -> FakeOpenAI:
    fake.reset()
    return fake


@pytest.fixture(scope="module")
async def app(database_url: str, fake: FakeOpenAI) -> AsyncIterator[FastAPI]:
    """Overrides the shared ``app``: the same database, chat forwarded to the fake server."""
    settings = fast_settings(
        database_url,
        chat_base_url=fake.base_url,
        chat_api_key="sk-test",
        chat_model="test-model",
        chat_timeout_seconds=1,
    )
    async with running_app(settings) as application:
        yield application


def system_prompt(seen: Seen) -> str:
    first = seen.body["messages"][0]
    assert first["role"] == "system"
    content: str = first["content"]
    return content


# --- what is forwarded -----------------------------------------------------------------------


async def test_forwards_the_conversation_with_the_matching_available_pets(
    app: FastAPI,
    client: httpx.AsyncClient,
    user: Account,
    make_pet: MakePet,
    fake: FakeOpenAI,
) -> None:
    zephyrine = await make_pet(name="Zephyrine", size="SMALL", price="250.00")
    await make_pet(name="Quillon", size="SMALL", price="200.00", status="ADOPTED")
    await make_pet(name="Borealis", size="LARGE", price="900.00")
    other_tenant = str(uuid.uuid4())
    other_staff = await account_in(app, other_tenant, staff=True)
    await pet_in(app, other_staff, other_tenant, name="Nimbusor", size="SMALL", price="150.00")

    body = conversation(
        ("SYSTEM", "Answer in English."),
        ("USER", "I want a dog"),
        ("ASSISTANT", "What size?"),
        ("user", APARTMENT_DOG),
        maxTokens=200,
        temperature=0.3,
    )
    answer = await complete(client, user, body)

    seen = fake.only_request()
    assert seen.authorization == "Bearer sk-test"
    assert seen.body["model"] == "test-model"
    assert seen.body["stream"] is False
    assert seen.body["max_tokens"] == 200
    assert seen.body["temperature"] == 0.3
    context = system_prompt(seen)
    assert "Zephyrine" in context
    assert f"/v1/pets/{zephyrine['id']}" in context
    assert "Quillon" not in context  # adopted
    assert "Borealis" not in context  # does not match
    assert "Nimbusor" not in context  # another tenant's
    assert seen.body["messages"][1:] == [
        {"role": "system", "content": "Answer in English."},
        {"role": "user", "content": "I want a dog"},
        {"role": "assistant", "content": "What size?"},
        {"role": "user", "content": APARTMENT_DOG},
    ]

    assert content_of(answer) == ANSWER
    assert answer["object"] == "chat.completion"
    assert answer["choices"][0]["message"]["role"] == "assistant"
    assert answer["choices"][0]["finishReason"] == "STOP"
    assert answer["usage"] == {"promptTokens": 321, "completionTokens": 17, "totalTokens": 338}


async def test_no_matching_pet_means_none_in_the_context(
    client: httpx.AsyncClient, user: Account, make_pet: MakePet, fake: FakeOpenAI
) -> None:
    await make_pet(name="Quillon", size="SMALL", price="200.00", status="ADOPTED")
    await complete(client, user, ask(APARTMENT_DOG))
    context = system_prompt(fake.only_request())
    assert "Quillon" not in context
    assert "/v1/pets/" not in context


async def test_defaults_are_forwarded(
    client: httpx.AsyncClient, user: Account, fake: FakeOpenAI
) -> None:
    await complete(client, user, ask("hello"))
    seen = fake.only_request()
    assert seen.body["max_tokens"] == 1024
    assert seen.body["temperature"] == 1.0


async def test_length_is_translated_and_missing_usage_is_counted(
    client: httpx.AsyncClient, user: Account, fake: FakeOpenAI
) -> None:
    fake.reset("length")
    answer = await complete(client, user, ask("Tell me about dogs", maxTokens=4))
    assert content_of(answer) == ANSWER
    assert answer["choices"][0]["finishReason"] == "LENGTH"
    assert answer["usage"] == {
        "promptTokens": tokenizer.count("Tell me about dogs"),
        "completionTokens": tokenizer.count(ANSWER),
        "totalTokens": tokenizer.count("Tell me about dogs") + tokenizer.count(ANSWER),
    }
    assert fake.only_request().body["max_tokens"] == 4


# --- streaming -------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "finish"), [("ok", "stop"), ("length", "length")])
async def test_stream_is_translated_into_our_chunks(
    client: httpx.AsyncClient,
    user: Account,
    make_pet: MakePet,
    fake: FakeOpenAI,
    mode: str,
    finish: str,
) -> None:
    await make_pet(name="Zephyrine", size="SMALL", price="250.00")
    fake.reset(mode)
    streamed = await read_stream(client, ask(APARTMENT_DOG, maxTokens=50), user.auth)
    seen = fake.only_request()
    assert seen.body["stream"] is True
    assert seen.body["model"] == "test-model"
    assert seen.body["max_tokens"] == 50
    assert seen.authorization == "Bearer sk-test"
    assert "Zephyrine" in system_prompt(seen)

    assert streamed.deltas == list(ANSWER_PIECES)
    assert streamed.text == ANSWER
    final = streamed.final["choices"][0]
    assert final["finish_reason"] == finish
    assert final["finishReason"] == finish.upper()

    fake.reset(mode)
    whole = await complete(client, user, ask(APARTMENT_DOG, maxTokens=50))
    assert content_of(whole) == streamed.text
    assert whole["choices"][0]["finishReason"] == final["finishReason"]
    if mode == "length":  # no upstream usage: both count with the same tokenizer
        assert whole["usage"] == streamed.final["usage"]


# --- failures --------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize(
    ("mode", "status", "slug"),
    [
        ("slow", 504, "gateway-timeout"),
        ("error", 502, "bad-gateway"),
        ("garbage", 502, "bad-gateway"),
    ],
)
async def test_upstream_failures_are_problems(
    client: httpx.AsyncClient,
    user: Account,
    fake: FakeOpenAI,
    mode: str,
    status: int,
    slug: str,
    stream: bool,
) -> None:
    fake.reset(mode)
    started = time.monotonic()
    response = await client.post(URL, json=ask("hello", stream=stream), headers=user.auth)
    assert_problem(response, status, slug)
    if mode == "slow":
        assert time.monotonic() - started < SLOW_SECONDS  # gave up after its own timeout
    assert len(fake.requests) == 1


# --- a client hanging up cancels the upstream request ----------------------------------------


@pytest.mark.e2e
def test_client_disconnect_cancels_the_upstream_stream(
    database_url: str, fake: FakeOpenAI, tmp_path: Path
) -> None:
    env = server_env(
        database_url,
        PETSTORE_CHAT_BASE_URL=fake.base_url,
        PETSTORE_CHAT_API_KEY="sk-test",
        PETSTORE_CHAT_MODEL="test-model",
        PETSTORE_CHAT_TIMEOUT_SECONDS="30",
        PETSTORE_WORKER_ENABLED="false",
    )
    with run_server(env, tmp_path / "server.log") as server:
        tenant = str(uuid.uuid4())
        username = f"u{uuid.uuid4().hex[:12]}"
        with httpx.Client(
            base_url=server.base_url, headers={"X-Tenant-ID": tenant}, timeout=15
        ) as client:
            signed_up = client.post(
                "/v1/users",
                json={
                    "username": username,
                    "email": f"{username}@example.com",
                    "password": PASSWORD,
                },
            )
            assert signed_up.status_code == 201, signed_up.text
            login = client.post(
                "/v1/auth/tokens", json={"username": username, "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            auth = {"Authorization": f"Bearer {login.json()['token']}"}

            fake.reset("trickle")
            started = time.monotonic()
            contents: list[str] = []
            with connect_sse(
                client, "POST", URL, json=ask("hello", stream=True), headers=auth
            ) as source:
                assert source.response.status_code == 201
                for event in source.iter_sse():
                    chunk = json.loads(event.data)
                    delta = chunk["choices"][0]["delta"]
                    if delta.get("content"):
                        contents.append(delta["content"])
                    if len(contents) == 2:
                        break
                # Chunks arrive as the upstream produces them, not when its stream ends.
                assert time.monotonic() - started < TRICKLE_SECONDS / 2
                assert fake.trickle_started.is_set()
                assert not fake.client_hung_up.is_set()
                closed_at = time.monotonic()
            # Leaving the block closed our response (and its connection) mid-stream.
            assert contents == [" woof", " woof"]
            assert fake.client_hung_up.wait(timeout=5), server.log()[-3000:]
            assert fake.hung_up_at is not None
            assert fake.hung_up_at - closed_at < 5
            assert not fake.trickle_finished.is_set()
            seen = fake.only_request()
            assert seen.body["stream"] is True
            assert seen.authorization == "Bearer sk-test"
