"""A micro-cache for the public pet reads, with exact invalidation on SQLite.

``GET /v1/pets`` and ``GET /v1/pets/{id}`` answer the same bytes to everyone until something
is written. On SQLite, ``PRAGMA data_version`` on a connection of our own changes whenever
any other connection, in this process or another, commits. A cached answer is served only
while that number is what it was *before* the answer was computed, so a cached response is
never older than the database: any commit anywhere invalidates everything. A hit skips the
framework entirely (routing, dependencies, the database round trips); rate limiting, request
ids, metrics and the other outer middleware still run (a hit names the route that computed it).

Not used on PostgreSQL, which has no equally cheap "has anything changed?" probe.
"""

from __future__ import annotations

import re
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petstore.core.middleware import header

CACHEABLE = re.compile(r"^/v1/pets(/[0-9a-fA-F-]{36})?$")
_KEPT_HEADERS = {b"content-type", b"etag", b"cache-control", b"link"}


class SqliteChangeProbe:
    """Reads ``PRAGMA data_version`` (about a microsecond, no I/O) on a private connection."""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)

    def version(self) -> int:
        row = self._conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        self._conn.close()


@dataclass(frozen=True, slots=True)
class _Entry:
    version: int
    etag: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    route: object  # the route that computed the answer: a hit reports it, as routing would


class ReadCacheMiddleware:
    def __init__(self, app: ASGIApp, probe: SqliteChangeProbe, max_entries: int = 10_000):
        self.app = app
        self.probe = probe
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, bytes, str, str], _Entry] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not CACHEABLE.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        key = (
            scope["path"],
            scope.get("query_string", b""),
            header(scope, b"x-tenant-id") or "",
            header(scope, b"host") or "",
        )
        version = self.probe.version()
        entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            self._entries.move_to_end(key)
            scope["route"] = entry.route
            await self._serve(scope, entry, send)
            return
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k in _KEPT_HEADERS]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        etag = next((v for k, v in headers if k == b"etag"), None)
        if status == 200 and etag is not None:
            entry = _Entry(version, etag, headers, b"".join(chunks), scope.get("route"))
            self._entries[key] = entry
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    @staticmethod
    async def _serve(scope: Scope, entry: _Entry, send: Send) -> None:
        if_none_match = header(scope, b"if-none-match")
        if if_none_match is not None and entry.etag.decode() in (
            c.strip() for c in if_none_match.split(",")
        ):
            await send(
                {"type": "http.response.start", "status": 304, "headers": [(b"etag", entry.etag)]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*entry.headers, (b"content-length", str(len(entry.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})
