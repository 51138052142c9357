"""Runtime configuration, read from ``PETSTORE_*`` environment variables.

Defaults make a fresh checkout run with no set-up (SQLite file under ``./var``); values that
would be unsafe in production (a sandbox auth mode, a missing public URL or list of allowed
hosts) are refused when ``PETSTORE_ENV=production``.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PROBLEM_BASE = "https://petstoreapi.com/errors"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# A host name (``*.`` before it names its subdomains), a bracketed IPv6 literal, or ``*``
# (any: the proxy in front checks Host). No port: the port is not compared.
_HOST_PATTERN = re.compile(r"\*|(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\]")


_DATABASE_SCHEMES = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
_DATABASE_EXAMPLES = "sqlite+aiosqlite:///path/petstore.db or postgresql://user:pass@host/db"


class Settings(BaseSettings):
    """Everything the server can be told from outside."""

    # Precedence: arguments, then the environment, then a ``.env`` file in the working
    # directory (PETSTORE_* lines, as the environment), then the defaults below.
    model_config = SettingsConfigDict(
        env_prefix="PETSTORE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///var/petstore.db"
    public_url: str | None = None
    # Host names the server answers to, comma-separated; unset: the loopback names (refused
    # in production, where the operator must say them). See trusted_hosts.
    allowed_hosts: str | None = None
    problem_base: str = DEFAULT_PROBLEM_BASE

    # Auth
    auth_mode: Literal["strict", "sandbox"] = "strict"
    # The ``iss`` of access tokens; unset: the public URL (see token_issuer)
    jwt_issuer: str | None = None
    jwt_audience: str = "petstore-api"
    access_token_ttl_seconds: int = Field(default=3600, ge=30, le=86_400)
    refresh_token_ttl_seconds: int = Field(default=30 * 86_400, ge=60)
    jwt_private_key_file: Path | None = None
    # argon2id cost; the defaults are RFC 9106's second recommended option (64 MiB, t=3).
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65_536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

    # Limits
    max_json_body_bytes: int = Field(default=1_048_576, ge=1024)
    # Longest request target (path and query string) answered; longer ones get 414.
    max_url_bytes: int = Field(default=8192, ge=256)
    # Seconds a request body may go without a byte arriving before the answer is 408
    body_read_timeout_seconds: float = Field(default=30.0, gt=0)
    max_image_bytes: int = Field(default=5 * 1_048_576, ge=1024)
    # Decoded size, checked from the header before decoding: 4096 x 4096 (16.8 MP) holds any
    # 12 MP phone photo. At most Pillow's own decompression-bomb threshold, which refuses too.
    max_image_pixels: int = Field(default=16_777_216, ge=1024, le=89_478_485)
    media_dir: Path = Path("var/media")
    rate_limit_requests: int = Field(default=1000, ge=1)
    rate_limit_window_seconds: int = Field(default=60, ge=1)
    # Failed logins: the hard budget is per (username, client IP), so a stranger spends only
    # their own; the per-username one is NIST SP 800-63B's ceiling of 100, against guessing
    # spread over many addresses (see LoginThrottle).
    login_failures_per_username_and_ip: int = Field(default=5, ge=1)
    login_failures_per_username: int = Field(default=100, ge=1)
    login_failures_per_ip: int = Field(default=20, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1)
    # Wrong user codes on the device verification page, per client IP (same window as logins).
    device_code_failures_per_ip: int = Field(default=10, ge=1)
    idempotency_ttl_seconds: int = Field(default=86_400, ge=60)

    # Database pool (ignored for SQLite)
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    db_statement_timeout_ms: int = Field(default=15_000, ge=100)
    # /readyz: how long each dependency may take to answer before the instance is "not ready"
    readiness_timeout_seconds: float = Field(default=2.0, gt=0)

    # Redis: shared rate-limit counters for several processes (in-process counters when unset)
    redis_url: SecretStr | None = None
    redis_timeout_seconds: float = Field(default=0.5, gt=0)
    redis_max_connections: int = Field(default=32, ge=1)

    # GraphQL door: introspection is on (a reference server describes itself); off hides the
    # schema from __schema/__type queries (the SDL stays at /v1/graphql/schema.graphql).
    graphql_introspection: bool = True
    # Support chat sockets: a connection silent this long is pinged, and closed if silent as
    # long again (load balancers need an idle timeout above twice this).
    chat_idle_seconds: float = Field(default=60.0, gt=0, le=3600)
    # Socket.IO (Engine.IO) pings every this many seconds and drops a client silent for as
    # long again; a long-poll request is held at most this long too.
    socketio_ping_seconds: float = Field(default=25.0, gt=0, le=600)
    # Where scripts/web_assets.py put the browser assets GraphiQL needs (from the npm registry).
    web_assets_dir: Path = Path("var/web-assets")

    # gRPC door (petstore.grpc): port 0 turns it off. `petstore serve` sets the host to its
    # --host, http_port to its --port (gRPC events link to it when public_url is unset) and
    # grpc_reuse_port when it runs several workers, which then share the port.
    grpc_host: str = "127.0.0.1"
    grpc_port: int = Field(default=50051, ge=0, le=65535)
    grpc_reuse_port: bool = False
    http_port: int = Field(default=8000, ge=1, le=65535)

    # MQTT 5 (petstore.mqtt): mqtt://user:pass@host:1883, mqtts:// for TLS; unset: off. The
    # lease makes one instance at a time the publisher; a holder that stops renewing it (killed)
    # is replaced after lease_seconds. Messages that are not state expire after expiry_seconds.
    mqtt_url: SecretStr | None = None
    mqtt_lease_seconds: float = Field(default=10.0, gt=0)
    mqtt_message_expiry_seconds: int = Field(default=86_400, ge=1)
    mqtt_keep_sent_seconds: int = Field(default=3_600, ge=0)

    # SIGTERM: how long in-flight requests may take to finish before they are cut off
    shutdown_grace_seconds: int = Field(default=15, ge=0)
    # Load balancers (addresses or CIDRs, comma-separated) whose X-Forwarded-For/-Proto are
    # believed; empty: the peer address is the client (the headers could be forged).
    forwarded_allow_ips: str = ""

    # Events
    worker_enabled: bool = True
    worker_poll_seconds: float = Field(default=0.5, gt=0)
    webhook_retry_schedule: str = "0,60,300,1800,3600"
    webhook_timeout_seconds: float = Field(default=5.0, gt=0)
    webhook_lease_seconds: float = Field(default=60.0, gt=0)
    # Subscriptions per user and per tenant (disabled ones count): each costs a delivery row
    # per event, so an unbounded number would let one caller multiply the outbox.
    webhook_max_per_user: int = Field(default=20, ge=1)
    webhook_max_per_tenant: int = Field(default=100, ge=1)
    outbound_allow: str = ""

    # Chat: an OpenAI-compatible upstream instead of the built-in advisor, when set
    chat_base_url: str | None = None
    chat_api_key: SecretStr | None = None
    chat_model: str = "pet-advisor"
    chat_timeout_seconds: float = Field(default=30.0, gt=0)

    # The Classic Petstore API (/api/v3) is as open as the public reference by default; set, its
    # writes need a bearer token of the tenant (write:pets, write:orders or write:user).
    classic_writes_require_token: bool = False

    # Serve repeated public pet reads from memory while the SQLite database is unchanged.
    read_cache: bool = True

    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("mqtt_url")
    @classmethod
    def _mqtt_scheme(cls, url: SecretStr | None) -> SecretStr | None:
        if url is not None:
            parts = urlsplit(url.get_secret_value())
            if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
                raise ValueError("must be mqtt://[user:password@]host[:port] (mqtts:// for TLS)")
        return url

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        """SQLite or PostgreSQL through their async drivers; the plain ``postgresql://`` and
        ``postgres://`` forms that hosting providers hand out mean asyncpg."""
        scheme, sep, rest = url.partition("://")
        if not sep:
            raise ValueError(f"must be a URL such as {_DATABASE_EXAMPLES}")
        scheme = _DATABASE_SCHEMES.get(scheme.lower(), scheme)
        if scheme not in _DATABASE_SCHEMES.values():
            raise ValueError(f"the {scheme!r} database is not supported; use {_DATABASE_EXAMPLES}")
        return f"{scheme}://{rest}"

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env == "production":
            if self.auth_mode == "sandbox":
                raise ValueError("PETSTORE_AUTH_MODE=sandbox is refused in production")
            if not self.public_url:
                raise ValueError("PETSTORE_PUBLIC_URL must be set in production")
            if self.allowed_hosts is None:
                raise ValueError("PETSTORE_ALLOWED_HOSTS must be set in production")
        bad = [h for h in self.trusted_hosts if not _HOST_PATTERN.fullmatch(h)]
        if bad or not self.trusted_hosts:
            raise ValueError(
                "PETSTORE_ALLOWED_HOSTS must list host names, '*.' before a name for its "
                f"subdomains, or bracketed IPv6 addresses, without ports; not {bad or 'none'}"
            )
        return self

    @cached_property
    def trusted_hosts(self) -> tuple[str, ...]:
        """The ``Host`` names requests may carry (anything else gets 400): without a public
        URL, links, ``Location`` and the OAuth metadata are built from that header."""
        if self.allowed_hosts is None:
            return LOOPBACK_HOSTS
        return tuple(h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip())

    @cached_property
    def token_issuer(self) -> str:
        """The ``iss`` of every access token and the ``issuer`` of the OAuth metadata, in every
        configuration: RFC 9068 resource servers check that the two agree. By default the
        public URL; without one (development) the server answers to any host name, so it is a
        fixed name instead (a token must verify whatever host name it is presented at)."""
        if self.jwt_issuer:
            return self.jwt_issuer
        return self.public_url.rstrip("/") if self.public_url else "petstore"

    @cached_property
    def sandbox(self) -> bool:
        """The public demo's relaxed rules apply (README, "Sandbox mode")."""
        return self.auth_mode == "sandbox"

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def retry_delays(self) -> tuple[float, ...]:
        """Seconds to wait before each attempt: attempt 1 at once, then the schedule's next."""
        delays = tuple(float(part) for part in self.webhook_retry_schedule.split(","))
        if not delays or any(d < 0 for d in delays):
            raise ValueError("PETSTORE_WEBHOOK_RETRY_SCHEDULE must list non-negative seconds")
        return delays
