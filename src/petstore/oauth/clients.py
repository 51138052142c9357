"""Client registration rules, shared by the CLI and the staff-only ``/v1/oauth/clients`` API.

Secrets are 256-bit random strings stored as SHA-256. A slow password hash (argon2) would buy
nothing against guessing a secret of that entropy, and would put ~50 ms of CPU and 64 MiB of
memory in front of every token request, an easy denial of service.
"""

from __future__ import annotations

import ipaddress
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.scopes import ALL_SCOPES
from petstore.auth.service import hash_token, revoke_client_tokens
from petstore.core.ids import new_id, utcnow
from petstore.core.problems import not_found, validation_failed
from petstore.oauth.models import OAuthClient

AUTHORIZATION_CODE = "authorization_code"
REFRESH_TOKEN = "refresh_token"  # noqa: S105 - a grant type, not a secret
CLIENT_CREDENTIALS = "client_credentials"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_TYPES = (AUTHORIZATION_CODE, REFRESH_TOKEN, DEVICE_CODE, CLIENT_CREDENTIALS)
GRANT_ALIASES = {"device_code": DEVICE_CODE, "device": DEVICE_CODE}

# What a device may ask for (the reference's deviceCode flow declares exactly these).
DEVICE_FLOW_SCOPES = frozenset({"read:pets", "chat:write"})
# A client-credentials token acts for no user: only scopes that do not mean "my own records".
SERVICE_SCOPES = frozenset({"read:pets", "write:pets", "chat:write"})
DEFAULT_SERVICE_SCOPE = "read:pets"
MAX_REDIRECT_URIS = 10


@dataclass(frozen=True, slots=True)
class ClientSpec:
    name: str
    redirect_uris: Sequence[str]
    grant_types: Sequence[str]
    scope: str | None
    public: bool


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_redirect_uri(uri: str) -> str | None:
    """Why ``uri`` cannot be registered, or ``None``. Absolute, https (plain http only for
    loopback, RFC 8252), no fragment; matched exactly later, so no wildcards are possible."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "must be an absolute https URL"
    if parts.scheme == "http" and not _loopback(parts.hostname):
        return "must use https (plain http only for localhost/loopback)"
    if parts.fragment or "#" in uri:
        return "must not contain a fragment"
    if parts.username is not None or parts.password is not None:
        return "must not contain credentials"
    return None


def normalise_grants(grants: Sequence[str]) -> list[str]:
    out: list[str] = []
    for grant in grants:
        name = GRANT_ALIASES.get(grant, grant)
        if name not in GRANT_TYPES:
            raise validation_failed("grantTypes", f"unknown grant type {grant!r}", "enum")
        if name not in out:
            out.append(name)
    return out


def validated(spec: ClientSpec) -> tuple[list[str], list[str], str]:
    """(redirect URIs, grant types, scope) of a valid registration; 422 otherwise."""
    grants = normalise_grants(spec.grant_types)
    if not grants:
        raise validation_failed("grantTypes", "name at least one grant type", "required")
    if spec.public and CLIENT_CREDENTIALS in grants:
        raise validation_failed(
            "grantTypes", "a public client has no secret, so it cannot use client_credentials"
        )
    uris = list(dict.fromkeys(spec.redirect_uris))
    if len(uris) > MAX_REDIRECT_URIS:
        raise validation_failed("redirectUris", f"at most {MAX_REDIRECT_URIS}", "too_long")
    for uri in uris:
        problem = check_redirect_uri(uri)
        if problem is not None:
            raise validation_failed("redirectUris", f"{uri!r} {problem}")
    if AUTHORIZATION_CODE in grants and not uris:
        raise validation_failed(
            "redirectUris", "the authorization_code grant needs a redirect URI", "required"
        )
    if spec.scope is None or not spec.scope.strip():
        scopes = {DEFAULT_SERVICE_SCOPE} if CLIENT_CREDENTIALS in grants else set(ALL_SCOPES)
    else:
        scopes = set(spec.scope.split())
        unknown = scopes - ALL_SCOPES
        if unknown:
            raise validation_failed("scope", f"unknown scope(s): {' '.join(sorted(unknown))}")
    if CLIENT_CREDENTIALS in grants and not scopes <= SERVICE_SCOPES:
        raise validation_failed(
            "scope",
            "a client_credentials client acts for no user: only "
            f"{' '.join(sorted(SERVICE_SCOPES))}",
        )
    return uris, grants, " ".join(sorted(scopes))


async def create(
    session: AsyncSession, tenant: str, spec: ClientSpec
) -> tuple[OAuthClient, str | None]:
    """Register a client; returns it with its secret (``None`` for public clients), which is
    never stored and cannot be shown again."""
    uris, grants, scope = validated(spec)
    ident = new_id()
    secret = None if spec.public else secrets.token_urlsafe(32)
    client = OAuthClient(
        id=ident,
        client_id=str(ident),
        tenant=tenant,
        name=spec.name,
        secret_hash=hash_token(secret) if secret is not None else None,
        redirect_uris=uris,
        grant_types=grants,
        scope=scope,
        created_at=utcnow(),
    )
    session.add(client)
    await session.flush()
    return client, secret


async def list_page(
    session: AsyncSession, tenant: str, offset: int, limit: int
) -> tuple[list[OAuthClient], int]:
    where = OAuthClient.tenant == tenant
    total = await session.scalar(select(func.count()).select_from(OAuthClient).where(where))
    rows = await session.scalars(
        select(OAuthClient).where(where).order_by(OAuthClient.id).offset(offset).limit(limit)
    )
    return list(rows), int(total or 0)


async def get(session: AsyncSession, tenant: str, ident: uuid.UUID) -> OAuthClient:
    """A client of this tenant; first-party clients are managed by the server, not the API."""
    client = await session.get(OAuthClient, ident)
    if client is None or client.tenant != tenant:
        raise not_found("OAuth client", ident)
    return client


async def by_client_id(session: AsyncSession, client_id: str) -> OAuthClient | None:
    return await session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))


async def delete(session: AsyncSession, client: OAuthClient) -> None:
    """Remove the client, its pending codes and device authorizations (cascade) and revoke
    every refresh token and the access tokens issued with them."""
    await revoke_client_tokens(session, client.client_id)
    await session.delete(client)
    await session.flush()
