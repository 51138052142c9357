"""Pure-ASGI middleware for the cross-cutting parts of every request.

Pure ASGI (not ``BaseHTTPMiddleware``) keeps the per-request overhead to a few function calls.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from petstore.core.database import is_database_unavailable
from petstore.core.metrics import UNMATCHED, observe_request
from petstore.core.problems import Problem, database_unavailable, problem_response

access_log = logging.getLogger("petstore.access")
logger = logging.getLogger("petstore.middleware")

# Request ids: a random per-process prefix and a counter. Unique across processes, and far
# cheaper than a uuid4 per request (os.urandom releases and re-takes the GIL).
_PROCESS_PREFIX = secrets.token_hex(8)
_counter = itertools.count(1)


def _next_request_id() -> str:
    return f"{_PROCESS_PREFIX}{next(_counter):016x}"


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def route_template(scope: Scope) -> str | None:
    """The template of the route that answered (``/v1/pets/{id}``), from the router's choice."""
    route = scope.get("route")
    if route is None:
        return None
    path = getattr(route, "path", None)
    if isinstance(route, Mount):
        return f"{path}/{{path}}"
    if not isinstance(path, str):
        return None
    # A route of a mounted app (the classic API) is relative to its mount: put the prefix back.
    if "app_root_path" not in scope:  # set by a Mount only
        return path
    mounted_at = str(scope.get("root_path", "")).removeprefix(str(scope["app_root_path"]))
    return f"{mounted_at}{path}"


ScopeLabel = Callable[[Scope], str | None]


class RequestContextMiddleware:
    """Echo (or mint) ``X-Request-ID``, add security headers, count the request in the metrics
    and log one line per request.

    The route template comes from the router. Answers given before routing (429, 413,
    idempotent replays) are matched against the routes afterwards by ``resolve_route``, which
    costs a regex per route but only on those answers; the read cache marks its hits itself.
    """

    def __init__(
        self,
        app: ASGIApp,
        resolve_route: ScopeLabel | None = None,
        principal: ScopeLabel | None = None,
    ) -> None:
        self.app = app
        self.resolve_route = resolve_route
        self.principal = principal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else _next_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                headers["X-Content-Type-Options"] = "nosniff"
                headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            if route is None and self.resolve_route is not None:
                route = self.resolve_route(scope)
            route = route or UNMATCHED
            observe_request(route, scope["method"], status, elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "tenant": header(scope, b"x-tenant-id"),
                        "principal": self.principal(scope) if self.principal else None,
                        "method": scope["method"],
                        "route": route,
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )


def route_resolver(routes: Callable[[], Iterable[BaseRoute]]) -> ScopeLabel:
    """Find the template a path would have been routed to, for answers given before routing.
    A path no route matches gets ``None`` (counted as :data:`UNMATCHED`)."""

    def resolve(scope: Scope) -> str | None:
        probe = {"type": "http", "path": scope["path"], "method": scope["method"], "root_path": ""}
        partial = None
        for route in routes():
            match, _ = route.matches(probe)
            if match is Match.FULL:
                return route_template({"route": route})
            if match is Match.PARTIAL and partial is None:
                partial = route
        return route_template({"route": partial}) if partial is not None else None

    return resolve


class DatabaseUnavailableMiddleware:
    """503 for a database failure raised by middleware (idempotency keys are stored before the
    app runs), which the app's exception handlers never see. Without it the failure would
    reach the server as a crash: a 500 and a dropped keep-alive connection."""

    def __init__(self, app: ASGIApp, problem_base: str) -> None:
        self.app = app
        self.problem_base = problem_base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started or not is_database_unavailable(exc):
                raise
            logger.warning("database unavailable: %s", type(exc).__name__)
            response = problem_response(database_unavailable(), scope["path"], self.problem_base)
            await response(scope, receive, send)


class UrlLengthMiddleware:
    """Refuse a request target (path and query string) longer than the limit with 414 before
    any other work, so no link, cache key or query parser ever handles an oversized URL."""

    def __init__(self, app: ASGIApp, max_bytes: int, problem_base: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.problem_base = problem_base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and target_length(scope) > self.max_bytes:
            problem = Problem(
                414, f"The request target exceeds the limit of {self.max_bytes} bytes."
            )
            # The instance is cut short: echoing the whole path would return what we refused.
            instance = scope["path"][:INSTANCE_CHARS]
            await problem_response(problem, instance, self.problem_base)(scope, receive, send)
            return
        await self.app(scope, receive, send)


INSTANCE_CHARS = 256


def target_length(scope: Scope) -> int:
    """Bytes of the request target as sent: the raw path, ``?`` and the query string."""
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
    query = scope.get("query_string", b"")
    return len(raw_path) + (len(query) + 1 if query else 0)


class _BodyTooLarge(StarletteHTTPException):
    """Raised while the app reads the body; an HTTP exception so the framework lets it through
    (it turns other exceptions raised during body reading into 400s)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body exceeds the limit of {max_bytes} bytes.")


class BodyLimitMiddleware:
    """Refuse bodies over the limit with 413, by ``Content-Length`` or while streaming, so the
    server never buffers more than the limit."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        problem_base: str,
        upload_max_bytes: int | None = None,
        upload_paths: re.Pattern[str] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.problem_base = problem_base
        self.upload_max_bytes = upload_max_bytes or max_bytes
        self.upload_paths = upload_paths

    def _limit(self, scope: Scope) -> int:
        if self.upload_paths is not None and self.upload_paths.match(scope["path"]):
            return self.upload_max_bytes
        return self.max_bytes

    @staticmethod
    def _too_large(limit: int) -> Problem:
        return Problem(413, f"The request body exceeds the limit of {limit} bytes.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await problem_response(self._too_large(limit), scope["path"], self.problem_base)(
                scope, receive, send
            )
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await problem_response(self._too_large(limit), scope["path"], self.problem_base)(
                scope, receive, send
            )


class _BodyReadTimedOut(StarletteHTTPException):
    """Raised from ``receive`` when the client sent nothing more of its body in time; an HTTP
    exception, so the app answers it as a problem wherever it was reading."""

    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"The request body stopped arriving: nothing came for {seconds:g} s.")


class BodyReadTimeoutMiddleware:
    """408 and ``Connection: close`` for a client that stops sending its request body (uvicorn
    has no such limit: a stalled body holds its connection and the request for good).

    The timeout is between reads, like nginx's ``client_body_timeout``: each chunk restarts
    it, so a slow upload that keeps moving is never cut off, and a total deadline long enough
    for a 5 MB upload over a poor mobile link would be too long to stop anything. It runs
    only while the body is incomplete and no answer has started: later reads (a streaming
    answer waiting for the disconnect) are not about the request body.
    """

    def __init__(self, app: ASGIApp, timeout_seconds: float, problem_base: str) -> None:
        self.app = app
        self.timeout = timeout_seconds
        self.problem_base = problem_base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reading = True  # until the body is complete or an answer starts
        timed_out = started = False

        async def timed_receive() -> Message:
            nonlocal reading, timed_out
            if not reading:
                return await receive()
            if timed_out:
                raise _BodyReadTimedOut(self.timeout)
            try:
                async with asyncio.timeout(self.timeout):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                raise _BodyReadTimedOut(self.timeout) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                reading = False
            return message

        async def closing_send(message: Message) -> None:
            nonlocal reading, started
            if message["type"] == "http.response.start":
                reading, started = False, True
                if timed_out:  # what is left of the body must not be read as the next request
                    message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        try:
            await self.app(scope, timed_receive, closing_send)
        except _BodyReadTimedOut as exc:
            if started:
                raise
            # Raised where no exception handler answers it: in the idempotency layer, which
            # reads the body before the app runs.
            problem = Problem(408, str(exc.detail))
            await problem_response(problem, scope["path"], self.problem_base)(
                scope, receive, closing_send
            )
