"""``petstore mcp``: the MCP server over stdio, for a desktop assistant that starts it.

As in the reference's configuration, ``PETSTORE_API_KEY`` is the bearer token (an access
token of the REST API, from ``POST /v1/auth/tokens`` or an OAuth grant without ``resource``)
and ``PETSTORE_API_BASE`` the REST API it talks to (``https://host/v1``). Without a base, the
tools run on this machine's database (the ``PETSTORE_*`` settings) through the services, the
key verified by this server's keys. ``PETSTORE_TENANT_ID`` picks a tenant. Stdout carries the
protocol only: logs go to stderr."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from petstore.core.logging import configure_logging
from petstore.core.settings import Settings
from petstore.mcp.backend import Backend, Json
from petstore.mcp.local import ServiceBackend
from petstore.mcp.remote import RestBackend
from petstore.mcp.tools import PetstoreMCP, build_server

LOCAL_BASE = "http://localhost:8000"  # the links of a local run, without PETSTORE_PUBLIC_URL


@asynccontextmanager
async def remote_server(base: str, key: str | None, tenant: str) -> AsyncIterator[PetstoreMCP]:
    backend = RestBackend(base, key, tenant)
    try:
        yield build_server(lambda _ctx: backend, backend.openapi)
    finally:
        await backend.aclose()


@asynccontextmanager
async def local_server(
    settings: Settings, key: str | None, tenant: str
) -> AsyncIterator[PetstoreMCP]:
    """The services on this machine's database: the app is built (for its container and
    OpenAPI document) but not served; of its lifespan only what the tools need runs."""
    from petstore.app import create_app
    from petstore.container import container_of

    app = create_app(settings)
    container = container_of(app)
    await container.keys.load(settings, container.sessionmaker)
    await container.live.start()
    backend: Backend = ServiceBackend(
        container,
        base_url=(settings.public_url or LOCAL_BASE).rstrip("/"),
        tenant=tenant,
        authorization=f"Bearer {key}" if key else None,
        audience=None,  # the REST API's: the key is a REST API token
    )

    async def document() -> Json:
        return app.openapi()

    try:
        yield build_server(lambda _ctx: backend, document, settings.problem_base)
    finally:
        await container.live.stop()
        await container.engine.dispose()


async def serve_stdio(settings: Settings, key: str | None, base: str | None, tenant: str) -> None:
    """Until stdin closes (the assistant quits)."""
    configure_logging("WARNING", settings.log_json)
    opened = remote_server(base, key, tenant) if base else local_server(settings, key, tenant)
    async with opened as server:
        await server.run_stdio_async()
