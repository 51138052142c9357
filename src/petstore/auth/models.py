"""Tables behind tokens: signing keys, revoked access tokens and refresh tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from petstore.core.database import Base


class SigningKey(Base):
    """An RSA key pair for access tokens, shared by every process through the database."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RevokedToken(Base):
    """An access token refused until it would have expired anyway."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class RefreshToken(Base):
    """A single-use refresh token, stored only as its SHA-256; rotation keeps one ``family``.
    ``client_id`` is the OAuth client it was issued to (``None``: issued by login).
    ``access_jti`` and ``access_expires_at`` name the access token issued with it, so that a
    revoked family takes its live access tokens along (``None``: written before 0010; such a
    token is assumed alive for a day, the longest lifetime). ``resource`` (RFC 8707) is the
    audience of the access tokens it gives, kept across rotation."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family", "family_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    tenant: Mapped[str] = mapped_column(String(36))
    scope: Mapped[str] = mapped_column(String(255))
    access_jti: Mapped[str] = mapped_column(String(64), index=True)
    access_expires_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    client_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    # RFC 8707: the resource its access tokens are for (``None``: the REST API's audience).
    resource: Mapped[str | None] = mapped_column(String(2048), default=None)
