"""The application container: everything a door needs to call the services, typed.

Built once by :func:`build_container` (called by ``create_app``, the CLI and tests alike), kept
on the app, and reached by routes through :data:`ContainerDep`, so no route reads an untyped
``app.state`` attribute. Other doors (GraphQL, gRPC, MCP...) are handed the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from petstore.auth.keys import KeyRing
from petstore.auth.passwords import Passwords
from petstore.auth.principal import Principal
from petstore.auth.service import LoginThrottle
from petstore.auth.tokens import TokenService
from petstore.chat.upstream import UpstreamChat
from petstore.core.container import Plumbing, plumbing
from petstore.core.database import create_engine, create_sessionmaker
from petstore.core.events import EventBus
from petstore.core.farewell import Farewell
from petstore.core.live import LiveFeed, PostgresRelay, RedisRelay
from petstore.core.outbound import OutboundPolicy
from petstore.core.ratelimit import MemoryRateLimitStore, RateLimitStore, RedisRateLimitStore
from petstore.core.redis import create_pubsub_redis, create_redis
from petstore.core.settings import Settings
from petstore.images import service as images
from petstore.images.storage import ImageStorage, LocalStorage
from petstore.mqtt.publisher import MqttPublisher
from petstore.mqtt.transport import MqttTransport
from petstore.oauth.browser import Sessions
from petstore.oauth.service import DeviceThrottle
from petstore.payments import service as payments
from petstore.payments.processor import PaymentProcessor, SimulatedProcessor
from petstore.pets.models import Pet
from petstore.pets.service import RemovalHook
from petstore.store import service as store
from petstore.store.models import Order
from petstore.store.service import CancelHook
from petstore.webhooks.transport import WebhookTransport


@dataclass(slots=True, kw_only=True)
class Container(Plumbing):
    keys: KeyRing
    tokens: TokenService
    passwords: Passwords
    rate_limits: RateLimitStore
    redis: RedisRateLimitStore | None  # None without PETSTORE_REDIS_URL; readiness pings it
    login_throttle: LoginThrottle
    device_throttle: DeviceThrottle
    processor: PaymentProcessor
    outbound: OutboundPolicy
    storage: ImageStorage
    chat_upstream: UpstreamChat | None
    webhooks: WebhookTransport
    mqtt: MqttTransport | None
    """Set when PETSTORE_MQTT_URL is: the bus then writes every event's MQTT messages."""
    live: LiveFeed
    """Committed events and ephemeral messages, pushed to every instance's live listeners."""
    pet_removal_hooks: tuple[RemovalHook, ...]
    order_cancel_hooks: tuple[CancelHook, ...]
    # Made by the lifespan, from secrets kept in the database:
    fingerprint_key: bytes = b""
    oauth_sessions: Sessions | None = None
    mqtt_publisher: MqttPublisher | None = None  # while the lifespan runs it
    farewell: Farewell = field(default_factory=Farewell)
    """The chat connections to close with "going away" on SIGTERM."""

    @property
    def browser_sessions(self) -> Sessions:
        """The OAuth pages' cookie signer (made once the signing key is loaded)."""
        if self.oauth_sessions is None:
            raise RuntimeError("the application's lifespan has not started")
        return self.oauth_sessions


def _chat_upstream(settings: Settings) -> UpstreamChat | None:
    if not settings.chat_base_url:
        return None
    key = settings.chat_api_key.get_secret_value() if settings.chat_api_key else None
    return UpstreamChat(
        settings.chat_base_url, key, settings.chat_model, settings.chat_timeout_seconds
    )


def _live_feed(
    settings: Settings, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> LiveFeed:
    """Instances sharing PostgreSQL hear each other through it; on SQLite, through Redis when
    several processes share one; a lone process needs neither."""
    feed = LiveFeed()
    if engine.dialect.name == "postgresql":
        feed.use(PostgresRelay(engine, sessionmaker, feed.deliver))
    elif settings.redis_url is not None:
        feed.use(RedisRelay(create_pubsub_redis(settings), feed.deliver))
    return feed


def build_container(settings: Settings) -> Container:
    """Every collaborator, wired; nothing is connected until first used."""
    engine = create_engine(settings)
    bus = EventBus()
    webhooks = WebhookTransport()
    bus.subscribe(webhooks)
    mqtt = MqttTransport() if settings.mqtt_url is not None else None
    if mqtt is not None:
        bus.subscribe(mqtt)
    sessionmaker = create_sessionmaker(engine, bus.session_info())
    live = _live_feed(settings, engine, sessionmaker)
    bus.subscribe(live)
    storage = LocalStorage(settings.media_dir)
    # Several processes share their counters through Redis; one process keeps them in memory.
    redis = RedisRateLimitStore(create_redis(settings)) if settings.redis_url else None
    rate_limits: RateLimitStore = redis or MemoryRateLimitStore()
    keys = KeyRing()

    processor = SimulatedProcessor()

    async def forget_images(session: AsyncSession, pet: Pet) -> None:
        await images.forget_pet_images(session, sessionmaker, storage, pet)

    async def refund_payments(
        session: AsyncSession, actor: Principal | None, order: Order, base_url: str
    ) -> None:
        await payments.refund_order(session, processor, actor, order, base_url)

    return Container(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        bus=bus,
        keys=keys,
        tokens=TokenService(settings, keys),
        passwords=Passwords(settings),
        rate_limits=rate_limits,
        redis=redis,
        login_throttle=LoginThrottle(rate_limits, settings),
        device_throttle=DeviceThrottle(rate_limits, settings),
        processor=processor,
        outbound=OutboundPolicy(settings.outbound_allow),
        storage=storage,
        chat_upstream=_chat_upstream(settings),
        webhooks=webhooks,
        mqtt=mqtt,
        live=live,
        pet_removal_hooks=(store.refuse_pet_removal_while_ordered, forget_images),
        order_cancel_hooks=(refund_payments,),
    )


def container_of(app: ASGIApp) -> Container:
    """The container of an app made by ``create_app`` (for tests and tools holding the app)."""
    value = plumbing(app)
    if not isinstance(value, Container):
        raise RuntimeError("this application has plumbing but no domain container")
    return value


async def get_container(request: Request) -> Container:  # async: sync ones run in a thread
    return container_of(request.app)


ContainerDep = Annotated[Container, Depends(get_container)]
