"""``Idempotency-Key`` on POST: a retried request gets the stored answer instead of acting twice.

Same key and same request → the stored response is replayed with ``Idempotent-Replayed: true``;
same key with a different request → 422; a request with a key that is still being processed
→ 409. Keys are scoped to the caller (user, else client IP) and live for 24 hours.

A retry is not answered here but at the operation's guard (:mod:`.guard`), once the route's
authentication, scope and validation checks have passed again. Only the answers of an
operation that began are stored (its 4xx included); an answer the route's checks gave (401,
403, 400, 422 before the operation ran) and answers with status ≥ 500 release the key, so the
client may correct the request or retry it. One-time secrets in an answer (fields marked
:class:`~.guard.OneTimeSecret`) are never stored: the replay carries ``null`` in their place and
names them in ``Idempotent-Redacted``.

The key is reserved in its own committed transaction before the request runs, so two processes
sharing a database agree on who owns it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petstore.core.database import is_database_unavailable
from petstore.core.idempotency import repository
from petstore.core.idempotency.guard import Attempt, ReplayStored, attempting
from petstore.core.idempotency.models import MAX_KEY_LENGTH, IdempotencyKey
from petstore.core.ids import new_id, utcnow
from petstore.core.middleware import header
from petstore.core.problems import Problem, problem_response

logger = logging.getLogger("petstore.idempotency")

_REPLAYED_HEADERS = {"content-type", "location", "etag", "link", "cache-control"}
REDACTED_HEADER = "idempotent-redacted"


OwnerFunc = Callable[[Scope], Awaitable[str]]


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        sessionmaker: Callable[[], async_sessionmaker[AsyncSession]],
        owner_func: OwnerFunc,
        ttl_seconds: int,
        problem_base: str,
        fingerprint_key: Callable[[], bytes],
        exempt_paths: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.sessionmaker = sessionmaker
        self.owner_func = owner_func
        self.ttl = timedelta(seconds=ttl_seconds)
        self.fingerprint_key = fingerprint_key
        self.problem_base = problem_base
        self.exempt_paths = exempt_paths

    async def _problem(self, scope: Scope, receive: Receive, send: Send, p: Problem) -> None:
        await problem_response(p, scope["path"], self.problem_base)(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = header(scope, b"idempotency-key") if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST" or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        if not key or len(key) > MAX_KEY_LENGTH:
            await self._problem(
                scope,
                receive,
                send,
                Problem(400, f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters."),
            )
            return
        body = await _read_body(receive)
        owner = f"{header(scope, b'x-tenant-id') or ''}|{await self.owner_func(scope)}"
        fingerprint = _fingerprint(self.fingerprint_key(), scope, body)
        maker = self.sessionmaker()
        outcome = await self._reserve(maker, owner, key, fingerprint)
        if isinstance(outcome, Problem):
            await self._problem(scope, receive, send, outcome)
        elif isinstance(outcome, IdempotencyKey):
            await self._retry(scope, _buffered(body, receive), send, outcome)
        else:
            await self._first(scope, _buffered(body, receive), send, maker, outcome)

    async def _retry(self, scope: Scope, receive: Receive, send: Send, row: IdempotencyKey) -> None:
        """Run the request up to the operation's guard, which raises :class:`ReplayStored` once
        the route's checks have passed; any answer given before that (401, 403, 400...) is the
        route's own, and the stored copy stays unseen."""
        try:
            with attempting(Attempt(stored=row)):
                await self.app(scope, receive, send)
        except ReplayStored:
            await _replay(row, send)

    async def _first(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        maker: async_sessionmaker[AsyncSession],
        row_id: uuid.UUID,
    ) -> None:
        attempt = Attempt()
        captured = _Captured(attempt)

        async def capture_send(message: Message) -> None:
            captured.record(message)
            last = message["type"] == "http.response.body" and not message.get("more_body")
            if last:
                # Store the answer before the client has all of it: a retry sent the moment
                # the answer arrives must find it (a replay), not an in-flight key (409).
                await self._settle(maker, row_id, captured)
            await send(message)

        try:
            with attempting(attempt):
                await self.app(scope, receive, capture_send)
        except BaseException:
            if not captured.settled:
                captured.settled = True
                await self._guarded(self._release(maker, row_id))
            raise
        if not captured.settled:
            await self._settle(maker, row_id, captured)

    async def _settle(
        self, maker: async_sessionmaker[AsyncSession], row_id: uuid.UUID, captured: _Captured
    ) -> None:
        """Keep the answer of an operation that began; release the key when it never began
        (refused by the route's checks: the client may correct and retry with the same key,
        Stripe's rule) or failed with a 5xx."""
        captured.settled = True
        status = captured.status
        if status is None or status >= 500 or not captured.attempt.began:
            await self._guarded(self._release(maker, row_id))
        else:
            await self._guarded(self._complete(maker, row_id, captured))

    @staticmethod
    async def _guarded(step: Awaitable[None]) -> None:
        """Run a bookkeeping step after the request ran; a database that went away meanwhile
        must not turn the answer the client is owed into a crash. Only the replay copy is
        lost: a retry with this key is refused (409) until the key expires."""
        try:
            await step
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            logger.warning("idempotency key not settled: %s", type(exc).__name__)

    async def _reserve(
        self, maker: async_sessionmaker[AsyncSession], owner: str, key: str, fingerprint: str
    ) -> uuid.UUID | IdempotencyKey | Problem:
        now = utcnow()
        async with maker() as session:
            await session.connection(execution_options={"petstore_write": True})
            row_id = new_id()
            row = IdempotencyKey(
                id=row_id,
                owner=owner,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                expires_at=now + self.ttl,
            )
            await repository.reserve(session, row, now)
            try:
                await session.commit()
                return row_id
            except IntegrityError:
                await session.rollback()
            existing = await repository.find(session, owner, key)
        if existing is None:  # released between our insert and read: let the client retry
            return Problem(409, "A request with this Idempotency-Key is being processed.")
        if existing.fingerprint != fingerprint:
            return Problem(
                422,
                "This Idempotency-Key was used with a different request; use a new key.",
                slug="idempotency-key-reused",
            )
        if existing.status_code is None:
            return Problem(409, "A request with this Idempotency-Key is still being processed.")
        return existing

    async def _release(self, maker: async_sessionmaker[AsyncSession], row_id: uuid.UUID) -> None:
        async with maker() as session:
            await repository.remove(session, row_id)
            await session.commit()

    async def _complete(
        self, maker: async_sessionmaker[AsyncSession], row_id: uuid.UUID, captured: _Captured
    ) -> None:
        headers, body = captured.stored_copy()
        async with maker() as session:
            await repository.store_response(session, row_id, captured.status, headers, body)
            await session.commit()


class _Captured:
    def __init__(self, attempt: Attempt) -> None:
        self.attempt = attempt
        self.status: int | None = None
        self.headers: list[list[str]] = []
        self.chunks: list[bytes] = []
        self.settled = False

    def record(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [
                [k.decode("latin-1"), v.decode("latin-1")]
                for k, v in message.get("headers", [])
                if k.decode("latin-1").lower() in _REPLAYED_HEADERS
            ]
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    def stored_copy(self) -> tuple[list[list[str]], bytes]:
        """What may be kept of the answer: a one-time secret (a webhook's signing secret, an
        OAuth client's secret) is shown once, to the first answer, and never written down
        here; the replay carries ``null`` instead and names the fields in
        ``Idempotent-Redacted``. Encrypting the copy was the alternative; the key would have
        to live outside the database, which by default holds every key the server has."""
        body = b"".join(self.chunks)
        redacted, body = _without_secrets(body, self.attempt.secret_fields)
        if not redacted:
            return self.headers, body
        # The ETag named the answer as sent; the copy is another representation.
        headers = [h for h in self.headers if h[0].lower() != "etag"]
        return [*headers, [REDACTED_HEADER, ", ".join(redacted)]], body


def _without_secrets(body: bytes, fields: frozenset[str]) -> tuple[list[str], bytes]:
    """``body`` with each of ``fields`` (top-level JSON members) that holds a value set to
    ``null``; the names of those it changed."""
    if not fields:
        return [], body
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return [], body
    if not isinstance(document, dict):
        return [], body
    redacted = sorted(name for name in fields if document.get(name) is not None)
    for name in redacted:
        document[name] = None
    return redacted, orjson.dumps(document) if redacted else body


def _buffered(body: bytes, receive: Receive) -> Receive:
    """``receive`` for the app: the body the middleware has read, then the client's own
    messages (a disconnect)."""
    sent = False

    async def replay_receive() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay_receive


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _fingerprint(key: bytes, scope: Scope, body: bytes) -> str:
    """A keyed hash (HMAC) of the request: bodies can carry card numbers, and an unkeyed hash
    of a card number is not safe to keep."""
    digest = hmac.new(key, digestmod=hashlib.sha256)
    digest.update(scope["method"].encode())
    digest.update(b"\0" + scope["path"].encode() + b"\0")
    # The same JSON with other whitespace or key order is the same request.
    with contextlib.suppress(orjson.JSONDecodeError):
        body = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    digest.update(body)
    return digest.hexdigest()


async def _replay(row: IdempotencyKey, send: Send) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (row.headers or [])]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": row.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": row.body or b""})
