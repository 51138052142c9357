"""``create_app(settings)``: routers, middleware, error handlers and the lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import (
    AbstractAsyncContextManager,
    AsyncExitStack,
    asynccontextmanager,
    contextmanager,
)
from typing import Any

from fastapi import FastAPI, Response
from fastapi.routing import APIRoute
from sqlalchemy.engine import make_url
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Scope

from petstore import __version__
from petstore.asyncapi import install_asyncapi
from petstore.auth import routes as auth_routes
from petstore.auth.dependencies import rate_limit_key, verified_claims
from petstore.auth.tokens import TokenClaims
from petstore.chat import routes as chat_routes
from petstore.classic.door import classic_app
from petstore.classic.openapi import BASE_PATH as CLASSIC_PATH
from petstore.container import Container, build_container
from petstore.core import metrics
from petstore.core.container import STATE_KEY
from petstore.core.docs import install_docs
from petstore.core.farewell import on_sigterm
from petstore.core.health import database_check, install_readiness, redis_check
from petstore.core.hosts import AllowedHostsMiddleware
from petstore.core.idempotency import IdempotencyMiddleware
from petstore.core.middleware import (
    BodyLimitMiddleware,
    BodyReadTimeoutMiddleware,
    DatabaseUnavailableMiddleware,
    RequestContextMiddleware,
    UrlLengthMiddleware,
    route_resolver,
)
from petstore.core.problems import install_problem_handlers
from petstore.core.ratelimit import RateLimitMiddleware
from petstore.core.readcache import ReadCacheMiddleware, SqliteChangeProbe
from petstore.core.routing import Subtree
from petstore.core.secrets import server_secret
from petstore.core.settings import Settings
from petstore.frontdoor import routes as frontdoor_routes
from petstore.graphql.router import include_graphql_door
from petstore.grpc.server import GrpcServer
from petstore.images import routes as image_routes
from petstore.images.routes import MULTIPART_OVERHEAD, UPLOAD_PATH
from petstore.mcp import door as mcp_door
from petstore.mcp.door import PATH as MCP_PATH
from petstore.mcp.door import McpDoor
from petstore.mqtt import health as mqtt_health
from petstore.mqtt.publisher import PUBACK_TIMEOUT, MqttPublisher
from petstore.oauth import client_routes as oauth_client_routes
from petstore.oauth import routes as oauth_routes
from petstore.oauth.browser import Sessions
from petstore.openapi import build_openapi
from petstore.payments import routes as payment_routes
from petstore.pets import routes as pet_routes
from petstore.realtime import websocket as chat_socket
from petstore.realtime.socketio_door import PATH as SOCKET_IO_PATH
from petstore.realtime.socketio_door import SocketIoDoor
from petstore.store import routes as store_routes
from petstore.support import routes as support_routes
from petstore.users import routes as user_routes
from petstore.webhooks import metrics as webhook_metrics
from petstore.webhooks import routes as webhook_routes
from petstore.webhooks.delivery import DeliveryWorker

logger = logging.getLogger("petstore")

FAREWELL_SECONDS = 5.0  # at most, to close the chat's connections on SIGTERM
UNMETERED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
NO_IDEMPOTENCY_PATHS = frozenset(
    {
        "/v1/auth/tokens",
        "/v1/login",
        "/v1/auth/tokens/refresh",
        "/v1/logout",
        # OAuth protocol endpoints: a token answer must never be replayed to anyone.
        "/oauth/token",
        "/oauth/authorize",
        "/oauth/device/authorize",
        "/oauth/revoke",
        "/oauth/introspect",
        "/oauth/register",  # RFC 7591: each registration is a new client, in the RFC's own errors
        "/device",
        MCP_PATH,  # JSON-RPC: a request id of its own, and stateless calls
        f"{SOCKET_IO_PATH}/",  # Engine.IO's long-polling: a transport, not API calls
    }
)


@asynccontextmanager
async def in_background(
    job: Callable[[asyncio.Event], Coroutine[Any, Any, None]], name: str, grace_seconds: float
) -> AsyncIterator[None]:
    """Run ``job(stop)`` as a task while the block runs; then set ``stop`` and give it
    ``grace_seconds`` to finish what it has in hand before it is cancelled."""
    stop = asyncio.Event()
    task = asyncio.create_task(job(stop), name=name)
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, timeout=grace_seconds)
        except TimeoutError:
            task.cancel()


@asynccontextmanager
async def run_worker(container: Container) -> AsyncIterator[None]:
    """The event delivery worker, inside the server unless PETSTORE_WORKER_ENABLED=false.

    On shutdown it finishes the batch in hand (bounded by the delivery timeout) first.
    """
    settings = container.settings
    if not settings.worker_enabled:
        yield
        return
    worker = DeliveryWorker(container.sessionmaker, settings, wakeup=container.webhooks.wakeup)
    grace = settings.webhook_timeout_seconds + 5
    try:
        async with in_background(worker.run, "petstore-delivery-worker", grace):
            yield
    finally:
        await worker.aclose()


@asynccontextmanager
async def run_mqtt(container: Container) -> AsyncIterator[None]:
    """The MQTT publisher, beside the delivery worker (PETSTORE_WORKER_ENABLED), when a
    broker is configured; without one the server says so once."""
    settings, transport = container.settings, container.mqtt
    if transport is None:
        logger.info("MQTT is off (no PETSTORE_MQTT_URL): events go to webhooks and live doors")
        yield
        return
    if not settings.worker_enabled:
        yield
        return
    publisher = MqttPublisher(container.sessionmaker, settings, transport.wakeup)
    container.mqtt_publisher = publisher
    async with in_background(publisher.run, "petstore-mqtt-publisher", PUBACK_TIMEOUT + 5):
        yield


@asynccontextmanager
async def run_grpc(container: Container) -> AsyncIterator[None]:
    """The gRPC door beside the HTTP one, in this event loop, unless its port is 0."""
    settings = container.settings
    if not settings.grpc_port:
        yield
        return
    server = GrpcServer(container)
    await server.start()
    try:
        yield
    finally:
        await server.stop(settings.shutdown_grace_seconds)


def new_hex_key() -> str:
    return secrets.token_hex(32)


def sqlite_probe(settings: Settings) -> SqliteChangeProbe | None:
    url = make_url(settings.database_url)
    if not settings.read_cache or not url.drivername.startswith("sqlite"):
        return None
    if not url.database or url.database == ":memory:":
        return None
    return SqliteChangeProbe(url.database)


@contextmanager
def startup_heap_frozen() -> Iterator[None]:
    """What is alive once the app has started (modules, routes, the GraphQL schema) lives as
    long as the app: keep it out of the collector's passes, which otherwise walk all of it
    again and again (measured: a third of a by-id read's CPU, and most of its p99). Thawed at
    shutdown, so an app that stops (tests start hundreds) leaves nothing uncollectable."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def lifespan_of(
    container: Container, doors: Sequence[Callable[[], AbstractAsyncContextManager[None]]]
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start: load keys and server secrets, start the worker. Stop: the reverse."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = container.settings
        if settings.auth_mode == "sandbox":
            logger.warning(
                "SANDBOX AUTH MODE: any bearer value is accepted with every scope. "
                "Never run this mode with real data."
            )
        redis = container.redis
        if redis is not None and not await redis.ping():
            logger.warning("Redis does not answer: rate limits are counted per process for now")
        await container.keys.load(settings, container.sessionmaker)
        fingerprint = await server_secret(
            container.sessionmaker, "idempotency_fingerprint", new_hex_key
        )
        container.fingerprint_key = bytes.fromhex(fingerprint)
        # Not a secret of the database's own: with PETSTORE_JWT_PRIVATE_KEY_FILE mounted, a
        # copy of the database must not be enough to forge a signed-in browser.
        container.oauth_sessions = Sessions(container.keys.derived_key(Sessions.KEY_PURPOSE))
        await container.live.start()
        try:
            async with (
                run_worker(container),
                run_mqtt(container),
                run_grpc(container),
                AsyncExitStack() as running_doors,
            ):
                for door in doors:
                    await running_doors.enter_async_context(door())
                with on_sigterm(container.farewell, FAREWELL_SECONDS), startup_heap_frozen():
                    yield
        finally:
            await container.live.stop()
        if container.chat_upstream is not None:
            await container.chat_upstream.aclose()
        if redis is not None:
            await redis.aclose()
        await container.engine.dispose()
        metrics.forget_engine(container.engine)
        metrics.mark_this_process_dead()

    return lifespan


ROUTERS = (
    image_routes.router,
    pet_routes.router,
    store_routes.router,
    payment_routes.router,
    user_routes.router,
    auth_routes.router,
    oauth_routes.metadata_router,
    mcp_door.metadata_router,
    oauth_client_routes.router,
    oauth_routes.router,
    webhook_routes.router,
    chat_routes.router,
    support_routes.router,
)


def include_rest_door(app: FastAPI, container: Container) -> None:
    """Every domain's REST routes, the docs, and the OpenAPI document built from them."""
    for router in ROUTERS:
        app.include_router(router)
    container.api_routes = [
        r
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and r.include_in_schema
    ]
    app.include_router(chat_socket.router)
    install_docs(app)
    install_asyncapi(app, container.settings)
    app.include_router(frontdoor_routes.router)
    app.mount(CLASSIC_PATH, classic_app(container), name="classic")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, container.settings, container.api_routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def include_operations(app: FastAPI, container: Container) -> None:
    """``/healthz``, ``/readyz`` and ``/metrics``: for operators, outside the API contract."""

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        """Prometheus text exposition; operational, so outside the API contract."""
        outbox = await webhook_metrics.outbox_collector(container.sessionmaker)
        mqtt = None
        if container.mqtt is not None:
            mqtt = await mqtt_health.pending_collector(container.sessionmaker)
        return Response(metrics.exposition(outbox, mqtt), media_type=metrics.CONTENT_TYPE)

    checks = [database_check(container.engine)]
    if container.redis is not None:
        checks.append(redis_check(container.redis.ping))
    if container.mqtt is not None:
        checks.append(mqtt_health.mqtt_check(lambda: container.mqtt_publisher))
    install_readiness(app, checks, container.settings.readiness_timeout_seconds)


def add_middleware(app: FastAPI, container: Container) -> None:
    """The middleware stack, innermost first (so the last added sees every answer, even 413s
    and replays, and gives each its request id and rate-limit headers)."""
    settings = container.settings

    async def caller_key(scope: Scope) -> str:
        return await rate_limit_key(scope, container.tokens)

    def principal(scope: Scope) -> str | None:
        """Who called, for the request log: the verified token's subject (the rate limiter
        has verified it already), never the token."""
        claims = verified_claims(scope, container.tokens)
        return str(claims.subject) if isinstance(claims, TokenClaims) else None

    # Every route with a path, for naming answers given before routing (429, 413, replays).
    leaves: list[BaseRoute] = [
        *container.api_routes,
        *(r for r in app.router.routes if isinstance(r, Route | Mount)),
    ]
    probe = sqlite_probe(settings)
    if probe is not None:
        app.add_middleware(ReadCacheMiddleware, probe=probe)
    app.add_middleware(
        IdempotencyMiddleware,
        sessionmaker=lambda: container.sessionmaker,
        owner_func=caller_key,
        ttl_seconds=settings.idempotency_ttl_seconds,
        fingerprint_key=lambda: container.fingerprint_key,
        problem_base=settings.problem_base,
        exempt_paths=NO_IDEMPOTENCY_PATHS,
    )
    app.add_middleware(
        BodyLimitMiddleware,
        upload_max_bytes=settings.max_image_bytes + MULTIPART_OVERHEAD,
        upload_paths=UPLOAD_PATH,
        max_bytes=settings.max_json_body_bytes,
        problem_base=settings.problem_base,
    )
    # Outside every layer that reads the body (the size limit, idempotency, the routes).
    app.add_middleware(
        BodyReadTimeoutMiddleware,
        timeout_seconds=settings.body_read_timeout_seconds,
        problem_base=settings.problem_base,
    )
    app.add_middleware(
        RateLimitMiddleware,
        store=container.rate_limits,
        key_func=caller_key,
        limit=settings.rate_limit_requests,
        window=settings.rate_limit_window_seconds,
        # A long-polling socket is one connection: its frames are metered per connection.
        exempt_paths=UNMETERED_PATHS | {f"{SOCKET_IO_PATH}/"},
        problem_base=settings.problem_base,
    )
    app.add_middleware(DatabaseUnavailableMiddleware, problem_base=settings.problem_base)
    app.add_middleware(
        AllowedHostsMiddleware,
        allowed_hosts=settings.trusted_hosts,
        problem_base=settings.problem_base,
        exempt_paths=UNMETERED_PATHS,
    )
    # Just inside the request context (request id, metrics, log line), outside all the rest.
    app.add_middleware(
        UrlLengthMiddleware, max_bytes=settings.max_url_bytes, problem_base=settings.problem_base
    )
    app.add_middleware(
        RequestContextMiddleware, resolve_route=route_resolver(lambda: leaves), principal=principal
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    container = build_container(settings or Settings())
    metrics.instrument_pool(container.engine)
    mcp = McpDoor(container, openapi=lambda: app.openapi())
    socket_io = SocketIoDoor(container)
    app = FastAPI(
        title="Modern Petstore API",
        version=__version__,
        lifespan=lifespan_of(container, [mcp.running, socket_io.running]),
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    setattr(app.state, STATE_KEY, container)
    install_problem_handlers(app)
    include_graphql_door(app, container)  # first: see Subtree
    app.router.routes.append(Subtree(MCP_PATH, mcp))
    app.router.routes.append(Subtree(SOCKET_IO_PATH, socket_io.app))
    include_rest_door(app, container)
    include_operations(app, container)
    add_middleware(app, container)
    return app
