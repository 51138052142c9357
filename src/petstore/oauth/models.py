"""Tables of the authorization server: registered clients, authorization codes and device
authorizations. Codes, device codes and client secrets are stored only as SHA-256 hashes: they
are high-entropy random strings, so a fast hash cannot be reversed by guessing."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base

# The life of a device authorization (``DeviceAuthorization.status``).
PENDING, APPROVED, DENIED, CONSUMED = "PENDING", "APPROVED", "DENIED", "CONSUMED"


class OAuthClient(Base):
    """A registered client. ``tenant`` is the tenant whose users and data it works with;
    ``None`` marks a first-party client of the server itself (the interactive docs), usable in
    every tenant. A public client has no secret (``secret_hash`` is ``None``)."""

    __tablename__ = "oauth_clients"
    __table_args__ = (Index("ix_oauth_clients_tenant", "tenant", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    tenant: Mapped[str | None] = mapped_column(String(36), nullable=True)
    name: Mapped[str] = mapped_column(String(100))
    secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    redirect_uris: Mapped[list[str]] = mapped_column(JSON)
    grant_types: Mapped[list[str]] = mapped_column(JSON)
    scope: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def is_public(self) -> bool:
        return self.secret_hash is None


class AuthorizationCode(Base):
    """A single-use code (60 s) bound to its client, redirect URI, user and PKCE challenge.
    ``access_jti`` and ``family_id`` name the access token and the refresh-token family its
    exchange issued, both revoked if the code is replayed."""

    __tablename__ = "oauth_authorization_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("oauth_clients.client_id", ondelete="CASCADE")
    )
    tenant: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    redirect_uri: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    scope: Mapped[str] = mapped_column(String(255))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(10))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    access_jti: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    family_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, default=None)
    # RFC 8707: the resource the client asked for (``None``: the REST API).
    resource: Mapped[str | None] = mapped_column(String(2048), nullable=True, default=None)


class DeviceAuthorization(Base):
    """An RFC 8628 device authorization: PENDING until the user approves or denies it at
    ``/device``; CONSUMED once the device has collected its tokens."""

    __tablename__ = "oauth_device_authorizations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_code: Mapped[str] = mapped_column(String(16), unique=True)
    client_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("oauth_clients.client_id", ondelete="CASCADE")
    )
    tenant: Mapped[str] = mapped_column(String(36))
    scope: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=True, default=None
    )
    interval: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
