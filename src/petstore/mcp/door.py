"""The ``/v1/mcp`` door: MCP's streamable HTTP transport in stateless mode (any instance
answers any request: no session to keep), as an OAuth 2.0 protected resource (RFC 9728).

Every request must carry an access token minted for this resource (RFC 8707: ``aud`` is
``{base}/v1/mcp``), live, of the request's tenant. Without one the answer is 401 with
``WWW-Authenticate: Bearer resource_metadata="..."``, which is how an MCP client finds the
authorization server and starts the sign-in. Each tool then checks the scopes of its REST
twin (:data:`petstore.mcp.local.ACCESS`). The app's middleware applies as for REST: body
size and rate limits, allowed hosts, request ids, metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, Request
from mcp.server.mcpserver import Context
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from petstore.auth import service as auth
from petstore.container import Container, container_of
from petstore.core import errors, problems
from petstore.core.database import unit_of_work
from petstore.core.links import base_url
from petstore.core.responses import JsonResponse
from petstore.core.tenancy import tenant_of
from petstore.mcp.backend import Backend, Json
from petstore.mcp.local import ServiceBackend
from petstore.mcp.tools import build_server

PATH = "/v1/mcp"
METADATA_PATH = "/.well-known/oauth-protected-resource"
STATE_KEY = "petstore.mcp.caller"


@dataclass(frozen=True, slots=True)
class Caller:
    """What the door learnt of a request, for the tools it calls."""

    authorization: str | None
    tenant: str
    base: str

    @property
    def audience(self) -> str:
        return f"{self.base}{PATH}"


def protected_resource_metadata(base: str, settings_issuer: str | None) -> Json:
    """RFC 9728. The authorization server is named by its issuer, which MCP clients compare
    with the ``issuer`` of its metadata: that is this server's public URL when one is set
    (``PETSTORE_PUBLIC_URL``; without it, the base the request came to)."""
    return {
        "resource": f"{base}{PATH}",
        "authorization_servers": [settings_issuer or base],
        "scopes_supported": sorted(auth.ALL_SCOPES),
        "bearer_methods_supported": ["header"],
        "resource_name": "Petstore MCP server",
        "resource_documentation": f"{base}/v1/docs",
    }


metadata_router = APIRouter()


@metadata_router.get(METADATA_PATH, include_in_schema=False)
@metadata_router.get(f"{METADATA_PATH}{PATH}", include_in_schema=False)
async def resource_metadata(request: Request) -> Response:
    public = container_of(request.app).settings.public_url
    body = protected_resource_metadata(base_url(request), public.rstrip("/") if public else None)
    return JsonResponse(body, headers={"Cache-Control": "public, max-age=3600"})


def challenge(base: str, error: errors.DomainError | None) -> str:
    """The ``WWW-Authenticate`` value of a 401 (RFC 6750 §3, RFC 9728 §5.1)."""
    value = f'Bearer realm="petstore", resource_metadata="{base}{METADATA_PATH}{PATH}"'
    if error is not None:
        value += f', error="invalid_token", error_description="{error.detail}"'
    return value


class McpDoor:
    """The ASGI app behind the ``/v1/mcp`` subtree."""

    def __init__(self, container: Container, openapi: Callable[[], Json]) -> None:
        self.container = container
        self._openapi = openapi
        self._sessions: StreamableHTTPSessionManager | None = None

    def _serve_sessions(self) -> StreamableHTTPSessionManager:
        """The SDK's server and its session manager, made when the app starts (not in
        ``create_app``: its tool schemas cost as much as the rest of the app together)."""
        openapi = self._openapi

        async def document() -> Json:
            return openapi()

        server = build_server(self.backend_of, document, self.container.settings.problem_base)
        # Hosts are checked by the app (PETSTORE_TRUSTED_HOSTS) and every request needs a
        # bearer token, which a rebinding page cannot have: the SDK's own check stays off.
        server.streamable_http_app(
            streamable_http_path=PATH,
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        return server.session_manager

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The SDK's request task group, for the app's lifespan. It lives in a task of its
        own: an anyio task group must be left by the task that entered it, and whoever runs
        the lifespan (a server, a test harness) may end it from another task."""
        started, stop = asyncio.Event(), asyncio.Event()
        sessions = self._sessions = self._serve_sessions()

        async def serve() -> None:
            async with sessions.run():
                started.set()
                await stop.wait()

        task = asyncio.create_task(serve(), name="petstore-mcp-sessions")
        ready = asyncio.create_task(started.wait())
        await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            ready.cancel()
            task.result()  # it failed to start: say why
        try:
            yield
        finally:
            stop.set()
            await task

    def backend_of(self, ctx: Context) -> Backend:
        request = ctx.request_context.request
        caller = request.scope["state"][STATE_KEY] if request is not None else None
        if not isinstance(caller, Caller):
            raise RuntimeError("an MCP request that did not come through the door")
        return ServiceBackend(
            self.container,
            base_url=caller.base,
            tenant=caller.tenant,
            authorization=caller.authorization,
            audience=caller.audience,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        base = base_url(request)
        try:
            caller = await self._admit(request, base)
        except errors.DomainError as exc:
            problem = problems.from_domain_error(exc)
            if problem.status == 401:
                problem.headers["WWW-Authenticate"] = challenge(
                    base, exc if _sent(request) else None
                )
            settings = self.container.settings
            await problems.problem_response(problem, PATH, settings.problem_base)(
                scope, receive, send
            )
            return
        scope.setdefault("state", {})[STATE_KEY] = caller
        if self._sessions is None:
            raise RuntimeError("the MCP door serves only while the app's lifespan runs")
        await self._sessions.handle_request(scope, receive, send)

    async def _admit(self, request: Request, base: str) -> Caller:
        """The caller, if its token may use this resource (the sandbox admits anyone, as
        the demo user of each tool's call)."""
        authorization = request.headers.get("authorization")
        caller = Caller(authorization, _tenant(request), base)
        if self.container.settings.sandbox:
            return caller
        async with unit_of_work(self.container.sessionmaker, write=False) as session:
            await auth.authorize_bearer(
                session, self.container.tokens, authorization, caller.tenant, None, caller.audience
            )
        return caller


def _sent(request: Request) -> bool:
    return bool(request.headers.get("authorization", "").strip())


def _tenant(request: Request) -> str:
    return tenant_of(request.headers.get("x-tenant-id"))
