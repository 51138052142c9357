"""The authorization server's rules: client registration, the /device page's throttle and
decisions, and which scopes a consent grants. Shared by the HTTP doors and the CLI.

Client secrets are 256-bit random strings stored as SHA-256. A slow password hash (argon2) would
buy nothing against guessing a secret of that entropy, and would put ~50 ms of CPU and 64 MiB of
memory in front of every token request, an easy denial of service.
"""

from __future__ import annotations

import ipaddress
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.scopes import ALL_SCOPES, ROLE_SCOPES, Role
from petstore.auth.service import hash_token, revoke_client_tokens
from petstore.core.errors import InvalidInput, forbidden, not_found, validation_failed
from petstore.core.ids import as_utc, new_id, utcnow
from petstore.core.ratelimit import RateLimitStore
from petstore.core.settings import Settings
from petstore.oauth import repository
from petstore.oauth.models import APPROVED, DENIED, PENDING, DeviceAuthorization, OAuthClient
from petstore.users.models import User

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
# The resources (RFC 8707) whose tokens carry their own audience, as paths of this server:
# a token minted for one of them is refused by the REST API and by every other one.
PROTECTED_RESOURCE_PATHS = ("/v1/mcp",)
# What dynamic registration (RFC 7591) gives a client: a public one, code + PKCE, refresh.
REGISTERED_GRANTS = (AUTHORIZATION_CODE, REFRESH_TOKEN)
MAX_CLIENT_NAME = 100


def protected_resources(base: str) -> tuple[str, ...]:
    """The resource identifiers (absolute URLs at ``base``) tokens may be minted for."""
    return tuple(f"{base}{path}" for path in PROTECTED_RESOURCE_PATHS)


@dataclass(frozen=True, slots=True)
class ClientSpec:
    """A registration as asked for (API body or CLI options), before :func:`validated`."""

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


async def create_client(
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
    await repository.add_client(session, client)
    return client, secret


@dataclass(frozen=True, slots=True)
class Registration:
    """An RFC 7591 registration request, as read from its JSON body."""

    client_name: str | None
    redirect_uris: Sequence[str]
    grant_types: Sequence[str]
    response_types: Sequence[str]
    token_endpoint_auth_method: str
    scope: str | None


class RegistrationRefused(Exception):  # noqa: N818
    """RFC 7591 §3.2.2: why the metadata cannot be registered (``error`` is its code)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


async def register_client(session: AsyncSession, tenant: str, request: Registration) -> OAuthClient:
    """Dynamic registration, open to anyone (as MCP clients expect), so it can only make what
    is harmless to hand out: a public client that signs users in with the authorization code
    and PKCE (the server requires S256 of every client), redirect URIs held to the same rules
    as staff registrations, scopes no wider than the vocabulary. The user still signs in and
    consents; the client is bound to the tenant it registered in."""
    if request.token_endpoint_auth_method != "none":  # noqa: S105 - a method's name
        raise RegistrationRefused(
            "invalid_client_metadata",
            "Only public clients may register here: token_endpoint_auth_method must be 'none'.",
        )
    if set(request.response_types) - {"code"}:
        raise RegistrationRefused("invalid_client_metadata", "Only response type 'code'.")
    if set(request.grant_types) - set(REGISTERED_GRANTS):
        raise RegistrationRefused(
            "invalid_client_metadata", "Only the authorization_code and refresh_token grants."
        )
    if not request.redirect_uris:
        raise RegistrationRefused("invalid_redirect_uri", "Name at least one redirect URI.")
    for uri in request.redirect_uris:
        problem = check_redirect_uri(uri)
        if problem is not None:
            raise RegistrationRefused("invalid_redirect_uri", f"A redirect URI {problem}.")
    spec = ClientSpec(
        name=(request.client_name or "MCP client")[:MAX_CLIENT_NAME],
        redirect_uris=request.redirect_uris,
        grant_types=list(REGISTERED_GRANTS),
        scope=request.scope,
        public=True,
    )
    try:
        client, _secret = await create_client(session, tenant, spec)
    except InvalidInput as exc:
        raise RegistrationRefused("invalid_client_metadata", _first_message(exc)) from None
    return client


def _first_message(exc: InvalidInput) -> str:
    return next((str(e.get("message")) for e in exc.errors or ()), exc.detail)


async def list_clients(
    session: AsyncSession, tenant: str, offset: int, limit: int
) -> tuple[list[OAuthClient], int]:
    """A page of the tenant's clients and their total; first-party clients have no tenant,
    so they never appear."""
    return await repository.clients_page(session, tenant, offset, limit)


async def get_client(session: AsyncSession, tenant: str, ident: uuid.UUID) -> OAuthClient:
    """A client of this tenant; first-party clients are managed by the server, not the API."""
    client = await repository.get_client(session, ident)
    if client is None or client.tenant != tenant:
        raise not_found("OAuth client", ident)
    return client


async def find_client(session: AsyncSession, client_id: str) -> OAuthClient | None:
    """The client registered as ``client_id`` (the OAuth identifier, not the resource id)."""
    return await repository.find_client(session, client_id)


async def delete_client(session: AsyncSession, client: OAuthClient) -> None:
    """Remove the client, its pending codes and device authorizations (cascade) and revoke
    every refresh token and the access tokens issued with them."""
    await revoke_client_tokens(session, client.client_id)
    await repository.delete_client(session, client)


async def check_client_admin(session: AsyncSession, client_id: str | None) -> None:
    """Refuse a token a third-party client obtained (403): with a staff member's token such a
    client could otherwise mint more clients. Login tokens (``client_id`` ``None``) and tokens
    of first-party clients (the docs) may manage clients."""
    if client_id is None:
        return
    issuer = await repository.find_client(session, client_id)
    if issuer is None or issuer.tenant is not None:
        raise forbidden("Manage OAuth clients with a token from login, not a client's token.")


# --- consent -----------------------------------------------------------------------------


def consent_scopes(requested: frozenset[str], user: User) -> tuple[frozenset[str], frozenset[str]]:
    """(granted, withheld): a consent never grants more than the user's role may hold, and the
    page says which requested scopes are withheld."""
    allowed = ROLE_SCOPES[Role(user.role)]
    return requested & allowed, requested - allowed


# --- the /device page --------------------------------------------------------------------


def normalise_user_code(raw: str) -> str:
    """``bcdf ghjk``, ``BCDFGHJK`` and ``BCDF-GHJK`` are one code (RFC 8628 §6.1)."""
    letters = "".join(ch for ch in raw.upper() if ch.isalnum())
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else letters


class DeviceThrottle:
    """Failed user-code entries per client IP. With a budget of 10 per 15 minutes, guessing
    one of the live 8-letter codes (20^8 possibilities) is hopeless; once spent, every code,
    even a right one, is refused until the window ends."""

    def __init__(self, store: RateLimitStore, settings: Settings) -> None:
        self._store = store
        self._limit = settings.device_code_failures_per_ip
        self._window = settings.login_failure_window_seconds

    async def locked(self, ip: str) -> bool:
        budget = await self._store.peek(f"device-code-ip:{ip}", self._limit, self._window)
        return budget.remaining <= 0

    async def failed(self, ip: str) -> None:
        await self._store.hit(f"device-code-ip:{ip}", self._limit, self._window)


async def pending_device(session: AsyncSession, user_code: str) -> DeviceAuthorization | None:
    """The authorization a user may still decide on: pending and not expired. A decided or
    expired code is as unknown as a wrong one (the page counts it as a failed entry)."""
    row = await repository.find_device_authorization(session, user_code)
    if row is None or row.status != PENDING:
        return None
    return row if as_utc(row.expires_at) > utcnow() else None


DeviceDecision = Literal["approved", "denied", "already_decided"]


async def decide_device(
    session: AsyncSession, row: DeviceAuthorization, user: User, approve: bool
) -> DeviceDecision:
    """Record the user's answer. An approval that grants nothing (the role holds none of the
    requested scopes) is a denial; a code decided meanwhile (another tab) stays as it was."""
    granted, _ = consent_scopes(frozenset(row.scope.split()), user)
    approved = approve and bool(granted)
    recorded = await repository.decide_device_authorization(
        session,
        row.id,
        status=APPROVED if approved else DENIED,
        user_id=user.id,
        scope=" ".join(sorted(granted)) if approved else row.scope,
    )
    if not recorded:
        return "already_decided"
    return "approved" if approved else "denied"
