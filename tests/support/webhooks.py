"""Shared by the webhook tests and the crash-safety test: a real HTTP receiver on loopback,
signature checks with the public algorithm, and helpers around the delivery worker."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import inspect
import json
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from petstore.core.settings import Settings
from petstore.webhooks.delivery import DeliveryWorker
from tests.support.accounts import Account
from tests.support.settings import fast_settings

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}
SECRET_PREFIX = "whsec_"


@dataclass(frozen=True)
class Reply:
    """What the receiver answers (after ``delay`` seconds)."""

    status: int = 200
    body: str = "ok"
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()
    trickle: float = 0.0  # > 0: dribble the body out, a byte at a time, for this long


@dataclass(frozen=True)
class Hit:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    client_port: int = 0  # the sender's port of the connection it came on

    def json(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.body)
        return payload

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # a worker sends a whole batch at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        """The sender hung up (timeouts, a killed server): nothing to report."""


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 (a thread per request) that records what it gets and
    answers scripted replies per path (then ``default``)."""

    port: int = 0
    default: Reply = field(default_factory=Reply)
    answered: int = 0
    on_hit: Callable[[Hit], None] | None = None  # called while the connection is still open
    _hits: list[Hit] = field(default_factory=list)
    _scripts: dict[str, list[Reply]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                hit = Hit(self.path, headers, body, int(self.client_address[1]))
                if receiver.on_hit is not None:
                    receiver.on_hit(hit)
                reply = receiver._arrive(hit)
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.body.encode()
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/plain")
                if reply.trickle:  # no Content-Length: the body ends when the connection does
                    self.end_headers()
                    until = time.monotonic() + reply.trickle
                    while time.monotonic() < until:
                        self.wfile.write(b".")
                        self.wfile.flush()
                        time.sleep(0.2)
                    return
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                with receiver._lock:
                    receiver.answered += 1

            do_GET = do_POST  # noqa: N815 - the http.server hook name
            do_PATCH = do_POST  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = _Server(("127.0.0.1", self.port), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _arrive(self, hit: Hit) -> Reply:
        with self._lock:
            self._hits.append(hit)
            script = self._scripts.get(urlsplit(hit.path).path)
            return script.pop(0) if script else self.default

    def url(self, path: str | None = None) -> str:
        """A URL on this receiver; by default a fresh path, so tests never see stray hits."""
        return f"http://127.0.0.1:{self.port}{path or '/hook/' + uuid.uuid4().hex}"

    def script(self, url: str, *replies: Reply) -> None:
        """Answer the next requests to ``url`` with ``replies``, in order."""
        with self._lock:
            self._scripts[urlsplit(url).path] = list(replies)

    def hits(self, url: str | None = None) -> list[Hit]:
        with self._lock:
            hits = list(self._hits)
        if url is None:
            return hits
        path = urlsplit(url).path
        return [hit for hit in hits if urlsplit(hit.path).path == path]


def verify_signed(hit: Hit, secret: str) -> dict[str, Any]:
    """Check both signatures the public way and return the JSON body."""
    assert secret.startswith(SECRET_PREFIX)
    payload: dict[str, Any] = Webhook(secret).verify(hit.body, hit.headers)
    message_id = hit.headers["webhook-id"]
    timestamp = hit.headers["webhook-timestamp"]
    assert abs(int(timestamp) - time.time()) < 300
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.{hit.body.decode()}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [
        part.split(",", 1)[1]
        for part in hit.headers["webhook-signature"].split(" ")
        if part.startswith("v1,")
    ]
    assert any(hmac.compare_digest(expected, sig) for sig in offered), offered
    legacy = hmac.new(key, hit.body, hashlib.sha256).hexdigest()
    assert hit.headers["x-webhook-signature"] == f"sha256={legacy}"
    assert hit.headers["content-type"].startswith("application/json")
    return payload


def signed_with(hit: Hit, secret: str) -> bool:
    """Whether ``hit`` verifies with ``secret`` (for rotation: old or new secret)."""
    try:
        Webhook(secret).verify(hit.body, hit.headers)
    except WebhookVerificationError:
        return False
    return True


def webhook_settings(database_url: str, **overrides: Any) -> Settings:
    """Fast retries and timeouts, loopback receivers allowed, no background worker."""
    values: dict[str, Any] = {
        "outbound_allow": "127.0.0.0/8",
        "webhook_retry_schedule": "0,0.1,0.1,0.1,0.1",
        "webhook_timeout_seconds": 1,
        "webhook_lease_seconds": 2,
        **overrides,
    }
    return fast_settings(database_url, **values)


Condition = Callable[[], bool | Awaitable[bool]]


async def _holds(condition: Condition) -> bool:
    result = condition()
    if inspect.isawaitable(result):
        return bool(await result)
    return bool(result)


async def deliver_until(worker: DeliveryWorker, done: Condition, within: float = 20.0) -> None:
    """Run delivery rounds until ``done`` holds (a generous deadline, not a timing assert)."""
    deadline = time.monotonic() + within
    while not await _holds(done):
        if time.monotonic() > deadline:
            raise AssertionError("the expected deliveries did not happen before the deadline")
        await worker.run_once()
        await asyncio.sleep(0.02)


async def settle(worker: DeliveryWorker, rounds: int = 4) -> None:
    """Give every due delivery (retries included) its chance, to assert that nothing comes."""
    for _ in range(rounds):
        await worker.run_once()
        await asyncio.sleep(0.15)


async def subscribe(
    client: httpx.AsyncClient,
    account: Account,
    url: str,
    events: tuple[str, ...] | list[str] = ("*",),
    **extra: Any,
) -> dict[str, Any]:
    """A webhook subscription of ``account`` to ``url`` (asserted created); its body."""
    response = await client.post(
        "/v1/webhooks", json={"url": url, "events": list(events), **extra}, headers=account.auth
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def deliveries_of(
    client: httpx.AsyncClient, account: Account, sub_id: str
) -> list[dict[str, Any]]:
    """The delivery log of a subscription, as its owner sees it."""
    response = await client.get(f"/v1/webhooks/{sub_id}/deliveries", headers=account.auth)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data
