"""The ``petstore`` command: serve, migrate, seed, manage users and OAuth clients, print the
OpenAPI document. Operator mistakes end in one line (:mod:`petstore.cli.errors`)."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import signal
import socket
import sys
from enum import StrEnum
from importlib.metadata import version as package_version
from types import FrameType
from typing import Annotated

import typer
import uvicorn
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.scopes import Role
from petstore.cli import users, webhooks
from petstore.cli.common import TenantOption, operator_session, tenant_name, valid_tenant
from petstore.cli.errors import OperatorError, explain
from petstore.core.database import create_engine, create_sessionmaker, unit_of_work
from petstore.core.logging import configure_logging
from petstore.core.metrics_dir import metrics_directory
from petstore.core.settings import Settings
from petstore.core.tenancy import SHARED_POOL
from petstore.migrations.runner import upgrade
from petstore.seed import DEMO_STAFF_PASSWORD, DEMO_STAFF_USERNAME

app = typer.Typer(
    help="Petstore: the Modern Petstore API server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # main() prints operator mistakes as one line
)
app.add_typer(users.app, name="user")
app.add_typer(webhooks.app, name="webhook")
client_app = typer.Typer(help="Manage OAuth 2.0 clients.", no_args_is_help=True)
app.add_typer(client_app, name="client")
classic_app = typer.Typer(help="The Classic Petstore API (/api/v3).", no_args_is_help=True)
app.add_typer(classic_app, name="classic")

DEMO_PET_COUNT = 64
WORKER_HEALTHCHECK_SECONDS = 30


async def _seed(
    settings: Settings, pets: int, tenant: str, with_staff: bool, reset: bool = False
) -> None:
    from petstore.images.storage import LocalStorage
    from petstore.seed import count_pets, reset_catalog, seed_pets, seed_photos

    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    storage = LocalStorage(settings.media_dir)
    try:
        async with unit_of_work(sessionmaker, write=True) as session:
            if reset:
                gone_pets, gone_orders = await reset_catalog(session, sessionmaker, storage, tenant)
                typer.echo(f"deleted {gone_pets} pets and {gone_orders} orders")
            existing = await count_pets(session, tenant)
            if existing:
                typer.echo(
                    f"{tenant_name(tenant)} already has {existing} pets; not seeding pets again "
                    "(`petstore seed --reset` replaces them)"
                )
            else:
                typer.echo(f"seeding {pets} demo pets and drawing their photos ...")
                await seed_pets(session, tenant, pets)
                photos = await seed_photos(
                    session, sessionmaker, storage, tenant, max_pixels=settings.max_image_pixels
                )
                typer.echo(f"seeded {pets} demo pets, {photos} with a photo")
            if with_staff:
                await _seed_staff(session, settings, tenant)
    finally:
        await engine.dispose()


async def _seed_staff(session: AsyncSession, settings: Settings, tenant: str) -> None:
    from petstore.auth.passwords import Passwords
    from petstore.users import service as users_service
    from petstore.users.schemas import UserCreate

    if await users_service.find_by_username(session, tenant, DEMO_STAFF_USERNAME) is not None:
        return
    await users_service.sign_up(
        session,
        Passwords(settings),
        tenant,
        UserCreate(
            username=DEMO_STAFF_USERNAME,
            email="demo-staff@example.com",
            password=DEMO_STAFF_PASSWORD,
            firstName="Demo",
            lastName="Staff",
        ),
        role=Role.STAFF,
    )
    typer.echo(
        f"created staff account {DEMO_STAFF_USERNAME!r} "
        f"with password {DEMO_STAFF_PASSWORD!r} (demo only)"
    )


class _Run:
    debug = False  # --debug: tracebacks instead of one-line errors


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"petstore {package_version('petstore')}")
        raise typer.Exit


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of any error.")
    ] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Settings come from PETSTORE_* environment variables, then a .env file in the working
    directory, then the defaults."""
    _Run.debug = debug


@app.command()
def migrate() -> None:
    """Apply database migrations (creates the schema on a new database)."""
    settings = Settings()
    upgrade(settings.database_url)
    typer.echo("database is at the latest schema")


@app.command()
def seed(
    pets: Annotated[int, typer.Option(min=0, help="How many demo pets.")] = DEMO_PET_COUNT,
    tenant: TenantOption = SHARED_POOL,
    with_staff: Annotated[
        bool, typer.Option("--with-staff", help="Also create the documented demo staff account.")
    ] = False,
    reset: Annotated[
        bool,
        typer.Option("--reset", help="First delete the tenant's pets and orders (asks first)."),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before --reset.")] = False,
) -> None:
    """Load the deterministic demo catalog (into a tenant that has no pets, or after --reset)."""
    if reset and not yes:
        typer.confirm(
            f"Delete every pet and order of {tenant_name(tenant)} (accounts stay)?", abort=True
        )
    asyncio.run(_seed(Settings(), pets, tenant, with_staff, reset))


def _tell_the_grpc_door(host: str, port: int, workers: int) -> None:
    """The gRPC door runs in each worker's lifespan, which sees only the environment: it binds
    this command's host, links to its HTTP port, and shares its port between the workers."""
    os.environ.setdefault("PETSTORE_GRPC_HOST", host)
    os.environ.setdefault("PETSTORE_HTTP_PORT", str(port))
    if workers > 1:
        os.environ.setdefault("PETSTORE_GRPC_REUSE_PORT", "true")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    demo: Annotated[
        bool, typer.Option("--demo", help="Migrate and load demo data before serving.")
    ] = False,
) -> None:
    """Run the API server (uvicorn with uvloop and httptools).

    SIGTERM (or Ctrl-C) shuts down gracefully: the listening socket closes at once, requests in
    flight get ``PETSTORE_SHUTDOWN_GRACE_SECONDS`` to finish, then the delivery worker finishes
    the deliveries in hand, and the process exits 0.
    """
    _tell_the_grpc_door(host, port, workers)
    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    ensure_can_listen(host, port)
    if settings.grpc_port:
        how = "set PETSTORE_GRPC_PORT to another (0 turns the gRPC door off)"
        ensure_can_listen(settings.grpc_host, settings.grpc_port, how)
    if demo:
        upgrade(settings.database_url)
        asyncio.run(_seed(settings, DEMO_PET_COUNT, SHARED_POOL, with_staff=False))
        typer.echo(f"interactive docs: http://{host}:{port}/v1/docs")
    if workers > 1 and settings.redis_url is None:
        logging.getLogger("petstore").warning(
            "PETSTORE_REDIS_URL is unset: each of the %d workers counts rate limits on its own",
            workers,
        )
    signal.signal(signal.SIGTERM, _exit_cleanly)
    with metrics_directory(workers):
        uvicorn.run(
            "petstore.asgi:app",
            host=host,
            port=port,
            workers=workers,
            loop="uvloop",
            http="httptools",
            log_config=None,
            # Behind a load balancer the client address (rate limits, login throttle) comes from
            # X-Forwarded-For, believed only from the balancers named in the setting.
            proxy_headers=bool(settings.forwarded_allow_ips),
            forwarded_allow_ips=settings.forwarded_allow_ips or None,
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,
            # A WebSocket message (a GraphQL subscription's) is bounded like a request body.
            ws_max_size=settings.max_json_body_bytes,
            # Chat frames and subscription events are small JSON: compressing each one cost
            # 5% of the server's CPU per chat message (measured) for next to no bytes saved.
            ws_per_message_deflate=False,
            # With several workers the supervisor pings each one and replaces any that does not
            # answer in time. A worker still starting up on a busy machine (a fresh interpreter
            # importing the app) can take longer than uvicorn's 5 s: it was killed and restarted
            # in a loop, and the server never came up.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        )


def ensure_can_listen(host: str, port: int, how: str = "serve on another with --port") -> None:
    """Refuse at once, in one line, a port another process holds (before any output that
    would point at that other server)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise OperatorError(
                f"port {port} on {host} is already in use (another server?): stop it, or {how}"
            ) from None
        raise OperatorError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _exit_cleanly(signum: int, _frame: FrameType | None) -> None:
    """After its graceful shutdown, uvicorn restores the handler it found and raises the signal
    again (so that the default action would end the process with status 143). A shutdown
    that was asked for and completed is a success: this handler turns it into exit status 0."""
    raise SystemExit(0)


@app.command()
def worker() -> None:
    """Run only the event delivery worker, webhooks and MQTT (several may run at once)."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    asyncio.run(_run_worker(settings))


async def _run_worker(settings: Settings) -> None:
    from petstore.mqtt.publisher import MqttPublisher
    from petstore.webhooks.delivery import DeliveryWorker

    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    delivery = DeliveryWorker(sessionmaker, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    jobs = [delivery.run(stop)]
    if settings.mqtt_url is not None:  # the MQTT outbox too (one publisher at a time)
        jobs.append(MqttPublisher(sessionmaker, settings, asyncio.Event()).run(stop))
    typer.echo("delivery worker running; SIGTERM finishes the batch in hand and stops")
    try:
        await asyncio.gather(*jobs)
    finally:
        await delivery.aclose()
        await engine.dispose()


@client_app.command("create")
def client_create(
    name: Annotated[str, typer.Option(help="Shown to users on the consent page.")],
    grant: Annotated[
        list[str],
        typer.Option(
            help=(
                "Grant type, repeatable: authorization_code, refresh_token, device_code, "
                "client_credentials."
            )
        ),
    ],
    redirect_uri: Annotated[
        list[str] | None,
        typer.Option("--redirect-uri", help="Exact redirect URI, repeatable."),
    ] = None,
    scope: Annotated[
        str | None, typer.Option(help="Space-separated scopes the client may ask for.")
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="No secret (browser/native app; PKCE).")
    ] = False,
    tenant: TenantOption = SHARED_POOL,
) -> None:
    """Register an OAuth client. A confidential client's secret is printed once, only now."""
    from petstore.core.errors import DomainError
    from petstore.oauth import service as clients

    spec = clients.ClientSpec(
        name=name, redirect_uris=redirect_uri or [], grant_types=grant, scope=scope, public=public
    )
    settings = Settings()

    async def create() -> None:
        async with operator_session(settings) as session:
            client, secret = await clients.create_client(session, tenant, spec)
            await session.commit()
        typer.echo(f"client_id: {client.client_id}")
        if secret is not None:
            typer.echo(f"client_secret: {secret}")
            typer.echo("(the secret is shown only now; the server keeps just its hash)")
        typer.echo(f"grants: {' '.join(client.grant_types)}")
        typer.echo(f"scope: {client.scope}")

    try:
        asyncio.run(create())
    except DomainError as exc:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors or [])
        typer.echo(f"invalid: {detail or exc.detail}", err=True)
        raise typer.Exit(2) from exc


@client_app.command("list")
def client_list(tenant: TenantOption = SHARED_POOL) -> None:
    """List the OAuth clients of a tenant."""
    from petstore.oauth import service as clients

    settings = Settings()

    async def show() -> None:
        async with operator_session(settings) as session:
            rows, _ = await clients.list_clients(session, tenant, 0, 1000)
        for row in rows:
            kind = "public" if row.is_public else "confidential"
            typer.echo(f"{row.client_id}  {kind}  {' '.join(row.grant_types)}  {row.name}")

    asyncio.run(show())


@client_app.command("delete")
def client_delete(
    client_id: Annotated[str, typer.Argument(help="The client_id to delete.")],
    tenant: TenantOption = SHARED_POOL,
) -> None:
    """Delete an OAuth client and revoke the tokens issued to it."""
    from petstore.oauth import service as clients

    settings = Settings()

    async def remove() -> bool:
        async with operator_session(settings) as session:
            client = await clients.find_client(session, client_id)
            if client is None or client.tenant != tenant:
                found = False
            else:
                await clients.delete_client(session, client)
                await session.commit()
                found = True
        return found

    if not asyncio.run(remove()):
        typer.echo(f"no client {client_id!r} in this tenant", err=True)
        raise typer.Exit(1)
    typer.echo(f"deleted {client_id}")


@classic_app.command("reset")
def classic_reset(tenant: TenantOption = SHARED_POOL) -> None:
    """Put a tenant's classic store back to the reference's seed (its pets, orders and users
    are forgotten), as the public classic server is reset."""
    from petstore.classic import service

    settings = Settings()

    async def reset() -> None:
        async with operator_session(settings) as session:
            await service.reset(session, tenant)
            await session.commit()

    asyncio.run(reset())
    typer.echo(f"classic store of {tenant_name(tenant)} reset")


class Rendition(StrEnum):
    """The served OpenAPI documents: ``/v1/openapi.json`` and ``/v1/openapi-3.1.json``."""

    V32 = "3.2"
    V31 = "3.1"


@app.command()
def openapi(
    as_yaml: Annotated[bool, typer.Option("--yaml", help="YAML instead of JSON.")] = False,
    rendition: Annotated[
        Rendition,
        typer.Option(help="3.1: the rendition for tools that do not read 3.2 yet."),
    ] = Rendition.V32,
) -> None:
    """Print the OpenAPI 3.2 document (or its 3.1 rendition), as the server serves it."""
    from petstore.app import create_app
    from petstore.core.openapi_31 import rendition_31

    document = create_app(Settings()).openapi()
    if rendition is Rendition.V31:
        document = rendition_31(document)
    if as_yaml:
        typer.echo(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    else:
        typer.echo(json.dumps(document, indent=2))


@app.command("mcp")
def mcp_stdio() -> None:
    """Serve MCP over stdio, for an AI assistant that starts this command: the tools call the
    REST API at PETSTORE_API_BASE with the bearer token PETSTORE_API_KEY, or, without a base,
    this machine's database (PETSTORE_* settings). PETSTORE_TENANT_ID picks a tenant."""
    from petstore.mcp.stdio import serve_stdio

    tenant = valid_tenant(os.environ.get("PETSTORE_TENANT_ID", SHARED_POOL))
    key = os.environ.get("PETSTORE_API_KEY") or None
    base = os.environ.get("PETSTORE_API_BASE") or None
    asyncio.run(serve_stdio(Settings(), key, base, tenant))


@app.command("graphql-schema")
def graphql_schema() -> None:
    """Print the GraphQL schema (SDL), as the server serves it at /v1/graphql/schema.graphql."""
    from petstore.graphql.schema import sdl

    typer.echo(sdl(), nl=False)


def _wants_traceback() -> bool:
    return _Run.debug or os.environ.get("PETSTORE_LOG_LEVEL", "").upper() == "DEBUG"


def main() -> None:
    """Run the command; an operator mistake exits 1 with one line on stderr."""
    try:
        app()
    except Exception as exc:
        line = explain(exc)
        if line is None or _wants_traceback():
            raise
        typer.echo(f"petstore: {line}", err=True)
        sys.exit(1)
