"""``create_app(settings)``: routers, middleware, error handlers and the lifespan."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Response
from fastapi.routing import APIRoute
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Scope

from petstore import __version__
from petstore.auth import routes as auth_routes
from petstore.auth.dependencies import rate_limit_key, verified_claims
from petstore.auth.keys import KeyRing
from petstore.auth.passwords import Passwords
from petstore.auth.service import LoginThrottle
from petstore.auth.tokens import TokenClaims, TokenService
from petstore.chat import routes as chat_routes
from petstore.chat.upstream import UpstreamChat
from petstore.core import metrics
from petstore.core.database import create_engine, create_sessionmaker
from petstore.core.docs import install_docs
from petstore.core.health import database_check, install_readiness, redis_check
from petstore.core.idempotency import IdempotencyMiddleware
from petstore.core.middleware import (
    BodyLimitMiddleware,
    DatabaseUnavailableMiddleware,
    RequestContextMiddleware,
    route_resolver,
)
from petstore.core.openapi import build_openapi
from petstore.core.outbound import OutboundPolicy
from petstore.core.problems import install_problem_handlers
from petstore.core.ratelimit import (
    MemoryRateLimitStore,
    RateLimitMiddleware,
    RateLimitStore,
    RedisRateLimitStore,
)
from petstore.core.readcache import ReadCacheMiddleware, SqliteChangeProbe
from petstore.core.redis import create_redis
from petstore.core.secrets import server_secret
from petstore.core.settings import Settings
from petstore.images import routes as image_routes
from petstore.images.routes import MULTIPART_OVERHEAD, UPLOAD_PATH
from petstore.images.storage import LocalStorage
from petstore.oauth import client_routes as oauth_client_routes
from petstore.oauth import routes as oauth_routes
from petstore.oauth import service as oauth_service
from petstore.oauth.browser import Sessions
from petstore.payments import routes as payment_routes
from petstore.payments.processor import SimulatedProcessor
from petstore.pets import routes as pet_routes
from petstore.store import routes as store_routes
from petstore.users import routes as user_routes
from petstore.webhooks import routes as webhook_routes
from petstore.webhooks.delivery import DeliveryWorker

logger = logging.getLogger("petstore")

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
        "/device",
    }
)


@asynccontextmanager
async def run_worker(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """The event delivery worker, inside the server unless PETSTORE_WORKER_ENABLED=false.

    On shutdown it finishes the batch in hand (bounded by the delivery timeout) first.
    """
    if not settings.worker_enabled:
        yield
        return
    worker = DeliveryWorker(app.state.sessionmaker, settings)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop), name="petstore-delivery-worker")
    try:
        yield
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, timeout=settings.webhook_timeout_seconds + 5)
        except TimeoutError:
            task.cancel()
        await worker.aclose()


def new_hex_key() -> str:
    return secrets.token_hex(32)


def sqlite_probe(settings: Settings) -> SqliteChangeProbe | None:
    url = make_url(settings.database_url)
    if not settings.read_cache or not url.drivername.startswith("sqlite"):
        return None
    if not url.database or url.database == ":memory:":
        return None
    return SqliteChangeProbe(url.database)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = create_engine(settings)
    metrics.instrument_pool(engine)
    sessionmaker = create_sessionmaker(engine)
    keys = KeyRing()
    # Several processes share their counters through Redis; one process keeps them in memory.
    redis_store = RedisRateLimitStore(create_redis(settings)) if settings.redis_url else None
    rate_store: RateLimitStore = redis_store or MemoryRateLimitStore()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auth_mode == "sandbox":
            logger.warning(
                "SANDBOX AUTH MODE: any bearer value is accepted with every scope. "
                "Never run this mode with real data."
            )
        if redis_store is not None and not await redis_store.ping():
            logger.warning("Redis does not answer: rate limits are counted per process for now")
        await keys.load(settings, sessionmaker)
        fingerprint = await server_secret(sessionmaker, "idempotency_fingerprint", new_hex_key)
        app.state.fingerprint_key = bytes.fromhex(fingerprint)
        # Not a secret of the database's own: with PETSTORE_JWT_PRIVATE_KEY_FILE mounted, a
        # copy of the database must not be enough to forge a signed-in browser.
        app.state.oauth_sessions = Sessions(keys.derived_key(Sessions.KEY_PURPOSE))
        async with run_worker(app, settings):
            yield
        if app.state.chat_upstream is not None:
            await app.state.chat_upstream.aclose()
        if redis_store is not None:
            await redis_store.aclose()
        await engine.dispose()
        metrics.forget_engine(engine)
        metrics.mark_this_process_dead()

    app = FastAPI(
        title="Modern Petstore API",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = sessionmaker
    app.state.keys = keys
    app.state.tokens = TokenService(settings, keys)
    app.state.passwords = Passwords(settings)
    app.state.rate_limit_store = rate_store
    app.state.redis = redis_store  # None without PETSTORE_REDIS_URL; readiness pings it
    app.state.login_throttle = LoginThrottle(rate_store, settings)
    app.state.device_throttle = oauth_service.DeviceThrottle(rate_store, settings)
    app.state.processor = SimulatedProcessor()
    app.state.outbound_policy = OutboundPolicy(settings.outbound_allow)
    app.state.storage = LocalStorage(settings.media_dir)
    app.state.chat_upstream = (
        UpstreamChat(
            settings.chat_base_url,
            settings.chat_api_key.get_secret_value() if settings.chat_api_key else None,
            settings.chat_model,
            settings.chat_timeout_seconds,
        )
        if settings.chat_base_url
        else None
    )

    install_problem_handlers(app)
    routers = (
        image_routes.router,
        pet_routes.router,
        store_routes.router,
        payment_routes.router,
        user_routes.router,
        auth_routes.router,
        oauth_routes.metadata_router,
        oauth_client_routes.router,
        oauth_routes.router,
        webhook_routes.router,
        chat_routes.router,
    )
    for router in routers:
        app.include_router(router)
    # The routes as declared (FastAPI nests included routers): for Allow headers and OpenAPI.
    app.state.api_routes = [
        r
        for router in routers
        for r in router.routes
        if isinstance(r, APIRoute) and r.include_in_schema
    ]
    install_docs(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        """Prometheus text exposition; operational, so outside the API contract."""
        outbox = await metrics.outbox_collector(sessionmaker)
        return Response(metrics.exposition(outbox), media_type=metrics.CONTENT_TYPE)

    checks = [database_check(engine)]
    if redis_store is not None:
        checks.append(redis_check(redis_store.ping))
    install_readiness(app, checks, settings.readiness_timeout_seconds)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    async def caller_key(scope: Scope) -> str:
        return await rate_limit_key(scope, app.state.tokens)

    def current_sessionmaker() -> async_sessionmaker[AsyncSession]:
        return app.state.sessionmaker  # type: ignore[no-any-return]

    def principal(scope: Scope) -> str | None:
        """Who called, for the request log: the verified token's subject (the rate limiter
        has verified it already), never the token."""
        claims = verified_claims(scope, app.state.tokens)
        return str(claims.subject) if isinstance(claims, TokenClaims) else None

    # Every route with a path, for naming answers given before routing (429, 413, replays).
    leaves: list[BaseRoute] = [
        *app.state.api_routes,
        *(r for r in app.router.routes if isinstance(r, Route | Mount)),
    ]

    probe = sqlite_probe(settings)
    if probe is not None:
        app.add_middleware(ReadCacheMiddleware, probe=probe)
    # Outermost last: every answer (even 413s and replays) carries request id and rate limits.
    app.add_middleware(
        IdempotencyMiddleware,
        sessionmaker=current_sessionmaker,
        owner_func=caller_key,
        ttl_seconds=settings.idempotency_ttl_seconds,
        fingerprint_key=lambda: app.state.fingerprint_key,
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
    app.add_middleware(
        RateLimitMiddleware,
        store=rate_store,
        key_func=caller_key,
        limit=settings.rate_limit_requests,
        window=settings.rate_limit_window_seconds,
        exempt_paths=UNMETERED_PATHS,
        problem_base=settings.problem_base,
    )
    app.add_middleware(DatabaseUnavailableMiddleware, problem_base=settings.problem_base)
    app.add_middleware(
        RequestContextMiddleware, resolve_route=route_resolver(lambda: leaves), principal=principal
    )
    return app
