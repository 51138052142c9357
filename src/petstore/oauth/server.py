"""Authlib's authorization server, wired to this app's clients, users, tables and JWTs.

Authlib owns the protocol: parameter checks, client authentication, PKCE, grant dispatch,
RFC 6749 error bodies, redirects. This module supplies the storage callbacks and one token
generator: the access tokens are the same RS256 JWTs as login issues (plus ``client_id``), and
refresh tokens are rows of the login's own table, so rotation and family revocation are shared.

Authlib is synchronous and the database is not. :func:`run` executes Authlib inside
``AsyncSession.run_sync``: SQLAlchemy hands the callbacks an ordinary ``Session`` bound to the
request's connection and transaction (it suspends to the event loop on each query), so the
grants use the synchronous functions of :mod:`petstore.oauth.repository` and the request still
owns a single transaction. Errors answer as responses rather than exceptions, so the session
commits what a failed exchange must keep: a burnt code, a revoked family, the time of a
device's last poll.
"""

from __future__ import annotations

import hmac
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Payload,
    OAuth2Request,
    UnauthorizedClientError,
    grants,
)
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc8628 import (
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    DeviceCredentialMixin,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from petstore.auth.models import RefreshToken
from petstore.auth.scopes import ALL_SCOPES, ROLE_SCOPES, Role
from petstore.auth.service import access_expiry, hash_token, new_refresh_token
from petstore.auth.tokens import InvalidToken, TokenClaims, TokenService
from petstore.core.ids import as_utc, new_id, utcnow
from petstore.core.settings import Settings
from petstore.oauth import repository
from petstore.oauth.models import (
    APPROVED,
    CONSUMED,
    DENIED,
    PENDING,
    AuthorizationCode,
    DeviceAuthorization,
    OAuthClient,
)
from petstore.oauth.service import DEVICE_CODE, DEVICE_FLOW_SCOPES, protected_resources
from petstore.users.models import User

T = TypeVar("T")


class InvalidTargetError(OAuth2Error):  # type: ignore[misc]
    """RFC 8707 §2: the ``resource`` named is not one this server mints tokens for, or not
    the one the grant was made for."""

    error = "invalid_target"
    status_code = 400


CODE_TTL = timedelta(seconds=60)
DEVICE_CODE_TTL_SECONDS = 600
# Expired codes and device authorizations are kept this long before they are purged, so that a
# late replay of a code still revokes what it gave (an access token lives at most a day) and a
# late poll still hears ``expired_token`` rather than ``invalid_grant``.
EXPIRED_KEPT = timedelta(days=1)
DEVICE_POLL_INTERVAL = 5
SECRET_AUTH = ["client_secret_basic", "client_secret_post"]
ANY_AUTH = [*SECRET_AUTH, "none"]


# --- what Authlib sees of a request ------------------------------------------------------


class Parameters(OAuth2Payload):  # type: ignore[misc]  # Authlib ships no type information
    """Request parameters: the first value of each (``data``) and all of them (``datalist``)."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self._all: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._all[key].append(value)
        self._first = {key: values[0] for key, values in self._all.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._first

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._all


class HttpRequest(OAuth2Request):  # type: ignore[misc]
    """An HTTP request as Authlib expects it. ``uri`` is the public URL (Authlib refuses plain
    http except on loopback); ``params`` are the query (authorization endpoint) or the form
    (every other endpoint)."""

    def __init__(
        self,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        params: list[tuple[str, str]],
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self.payload = Parameters(params)

    @property
    def args(self) -> dict[str, str]:
        return self.payload.data

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data


@dataclass(frozen=True, slots=True)
class Reply:
    """Authlib's answer: status, JSON body (or ``""`` for a redirect) and headers."""

    status: int
    body: dict[str, Any] | str
    headers: list[tuple[str, str]]

    @property
    def location(self) -> str | None:
        return next((v for k, v in self.headers if k.lower() == "location"), None)


# --- stored things in Authlib's shapes ---------------------------------------------------


class Client(ClientMixin):  # type: ignore[misc]
    """A registered client. Registered redirect URIs that are paths (first-party clients)
    belong to this server's own public URL; every comparison is exact string equality."""

    def __init__(self, row: OAuthClient, base_url: str) -> None:
        self.row = row
        self.redirect_uris = tuple(
            base_url + uri if uri.startswith("/") else uri for uri in row.redirect_uris
        )
        self.scopes = frozenset(row.scope.split())

    @property
    def client_id(self) -> str:
        return self.row.client_id

    @property
    def first_party(self) -> bool:
        return self.row.tenant is None

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scope if the client may ask for all of it, else ``None``
        (``invalid_scope``); no scope requested means the client's registered scope."""
        if not scope:
            return self.row.scope
        wanted = frozenset(scope.split())
        return " ".join(sorted(wanted)) if wanted <= self.scopes else None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self.row.secret_hash is None:
            return False
        return hmac.compare_digest(hash_token(client_secret), self.row.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.row.is_public:
            return method == "none"
        return method in SECRET_AUTH

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and self.check_grant_type("authorization_code")

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types


class StoredCode:
    def __init__(self, row: AuthorizationCode) -> None:
        self.row = row

    def get_redirect_uri(self) -> str | None:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


class DeviceCredential(DeviceCredentialMixin):  # type: ignore[misc]
    def __init__(self, row: DeviceAuthorization, now: datetime) -> None:
        self.row = row
        self.now = now

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_scope(self) -> str:
        return self.row.scope

    def get_user_code(self) -> str:
        return self.row.user_code

    def is_expired(self) -> bool:
        return as_utc(self.row.expires_at) <= self.now


@dataclass
class Credential:
    """A token presented to revocation or introspection: an access token (verified JWT) or
    a refresh token (its row)."""

    kind: str  # "access_token" | "refresh_token"
    client_id: str | None
    tenant: str
    scope: str
    subject: str
    username: str
    issued_at: datetime
    expires_at: datetime
    revoked: bool
    jti: str | None = None
    refresh: RefreshToken | None = None
    audience: str | None = None  # None: the REST API's

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.client_id

    def get_scope(self) -> str:
        return self.scope

    def is_expired(self) -> bool:
        return self.expires_at <= utcnow()

    def is_revoked(self) -> bool:
        return self.revoked


@dataclass(frozen=True, slots=True)
class Flow:
    """A validated authorization request: who asks, for what, and where the answer goes."""

    client: Client
    scopes: frozenset[str]
    redirect_uri: str


# --- the server ---------------------------------------------------------------------------


@dataclass
class Context:
    """What one protocol request needs besides the database."""

    settings: Settings
    tokens: TokenService
    base_url: str
    now: datetime = field(default_factory=utcnow)


class Server(AuthorizationServer):  # type: ignore[misc]
    """One per request (cheap): holds the request's sync session and context."""

    def __init__(self, ctx: Context, db: Session) -> None:
        super().__init__(scopes_supported=sorted(ALL_SCOPES))
        self.ctx = ctx
        self.db = db
        self.pending_refresh: dict[str, RefreshToken] = {}
        self.issued_jti: dict[str, str] = {}  # access token -> its jti, for save_token
        # The audience of the tokens this exchange issues: the grant's resource (RFC 8707),
        # set when the grant is authenticated; ``None`` is the REST API.
        self.audience: str | None = None
        self.register_token_generator("default", self.generate_bearer_token)
        self.register_grant(CodeGrant, [RequireS256()])
        self.register_grant(RefreshGrant)
        self.register_grant(DeviceGrant)
        self.register_grant(ServiceGrant)
        self.register_endpoint(DeviceEndpoint(self))
        self.register_endpoint(Revocation(self))
        self.register_endpoint(Introspection(self))

    # Framework hooks ---------------------------------------------------------------------

    def create_oauth2_request(self, request: HttpRequest) -> HttpRequest:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> Reply:
        return Reply(status, body, list(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    # The authorization endpoint ----------------------------------------------------------

    def consent_flow(self, request: HttpRequest) -> Flow | OAuth2Error:
        """Validate an authorization request before any page is shown; the error is returned,
        not raised, so that the page decides whether it may redirect."""
        try:
            grant = self.get_consent_grant(request)
            self.requested_resource(request, grant.redirect_uri)
        except OAuth2Error as error:
            return error
        return Flow(grant.client, frozenset(request.scope.split()), grant.redirect_uri)

    def decide(self, request: HttpRequest, user_id: uuid.UUID | None) -> Reply:
        """The redirect back to the client: a code for the approving user, or ``access_denied``
        when ``user_id`` is ``None``."""
        grant = self.get_consent_grant(request)
        user = repository.get_user(self.db, user_id) if user_id else None
        return self.create_authorization_response(  # type: ignore[no-any-return]
            request, grant_user=user, grant=grant
        )

    def requested_resource(
        self, request: HttpRequest, redirect_uri: str | None = None
    ) -> str | None:
        """The ``resource`` parameter (RFC 8707) of a request, if it names a resource this
        server protects with audience-bound tokens; ``InvalidTargetError`` if it names another.
        Absent, the tokens are the REST API's, as before the parameter existed."""
        resource = request.payload.data.get("resource") or None
        if resource is None:
            return None
        if resource.rstrip("/") not in protected_resources(self.ctx.base_url):
            raise InvalidTargetError(
                "This server issues no tokens for that resource.", redirect_uri=redirect_uri
            )
        return str(resource.rstrip("/"))

    # Storage -----------------------------------------------------------------------------

    def query_client(self, client_id: str) -> Client | None:
        row = repository.find_client_sync(self.db, client_id)
        return Client(row, self.ctx.base_url) if row is not None else None

    def generate_bearer_token(
        self,
        grant_type: str,
        client: Client,
        user: User | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        """The login's JWT, for a user or (client credentials) for the client itself, whose
        ``sub`` is then the client's id and whose scopes are the client's registered ones."""
        row = client.row
        if user is None:
            scopes = frozenset((scope or row.scope).split())
            issued = self.ctx.tokens.issue(
                user_id=row.id,
                username=f"client:{row.client_id}",
                role=Role.USER,
                scopes=scopes,
                tenant=row.tenant or "",
                client_id=row.client_id,
                audience=self.audience,
            )
        else:
            scopes = frozenset((scope or "").split()) & ROLE_SCOPES[Role(user.role)]
            issued = self.ctx.tokens.issue(
                user_id=user.id,
                username=user.username,
                role=Role(user.role),
                scopes=scopes,
                tenant=user.tenant,
                client_id=row.client_id,
                audience=self.audience,
            )
        self.issued_jti[issued.token] = issued.jti
        token: dict[str, Any] = {
            "access_token": issued.token,
            "token_type": "Bearer",
            "expires_in": self.ctx.settings.access_token_ttl_seconds,
            "scope": " ".join(sorted(scopes)),
        }
        if include_refresh_token and user is not None:
            refresh, refresh_row = new_refresh_token(
                self.ctx.settings,
                user,
                scopes,
                issued,
                client_id=row.client_id,
                resource=self.audience,
            )
            self.pending_refresh[refresh] = refresh_row
            token["refresh_token"] = refresh
        return token

    def save_token(self, token: dict[str, Any], request: HttpRequest) -> None:
        """Store the refresh token in the family of the one it replaces (refresh grant) or in
        a new family. A code remembers the access token and the family it gave: a replayed
        code revokes both."""
        code = request.authorization_code
        if isinstance(code, StoredCode):
            code.row.access_jti = self.issued_jti[token["access_token"]]
        refresh = token.get("refresh_token")
        row = None
        if refresh is not None:
            row = self.pending_refresh.pop(refresh)
            previous = request.refresh_token
            if isinstance(previous, Credential) and previous.refresh is not None:
                row.family_id = previous.refresh.family_id
            if isinstance(code, StoredCode):
                code.row.family_id = row.family_id
        repository.save_exchange(self.db, row)

    def revoke_family(self, family_id: uuid.UUID) -> None:
        """Revoke a refresh-token family and the access tokens issued with it."""
        for row in repository.family_tokens(self.db, family_id):
            self.revoke_jti(row.access_jti, access_expiry(row.created_at, row.access_expires_at))
        repository.revoke_family_tokens(self.db, family_id, self.ctx.now)

    def revoke_jti(self, jti: str, expires_at: datetime) -> None:
        repository.revoke_jti(self.db, jti, expires_at)

    def find_credential(self, token: str) -> Credential | None:
        """The access or refresh token ``token``, whatever the hint says (RFC 7009 §2.1: the
        hint only speeds up the search)."""
        if token.count(".") == 2:
            audience, claims = self._verify_any_audience(token)
            if claims is None:
                return None
            return Credential(
                kind="access_token",
                client_id=claims.client_id,
                tenant=claims.tenant,
                scope=" ".join(sorted(claims.scopes)),
                subject=str(claims.subject),
                username=claims.username,
                issued_at=claims.issued_at,
                expires_at=claims.expires_at,
                revoked=repository.is_revoked(self.db, claims.jti),
                jti=claims.jti,
                audience=audience,
            )
        row = repository.find_refresh_token(self.db, hash_token(token))
        if row is None:
            return None
        user = repository.get_user(self.db, row.user_id)
        return Credential(
            kind="refresh_token",
            client_id=row.client_id,
            tenant=row.tenant,
            scope=row.scope,
            subject=str(row.user_id),
            username=user.username if user is not None else "",
            issued_at=as_utc(row.created_at),
            expires_at=as_utc(row.expires_at),
            revoked=row.revoked_at is not None or row.used_at is not None,
            refresh=row,
            audience=row.resource,
        )

    def _verify_any_audience(self, token: str) -> tuple[str | None, TokenClaims | None]:
        """A token of this server for the REST API or any protected resource (revocation and
        introspection serve them all), with its audience."""
        for audience in (None, *protected_resources(self.ctx.base_url)):
            try:
                return audience, self.ctx.tokens.verify(token, audience)
            except InvalidToken:
                continue
        return None, None


# --- grants -------------------------------------------------------------------------------


class RequireS256(CodeChallenge):  # type: ignore[misc]
    """PKCE on every authorization request, S256 only (``plain`` protects nothing)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: CodeGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, code: StoredCode) -> str:
        return code.row.code_challenge

    def get_authorization_code_challenge_method(self, code: StoredCode) -> str:
        return code.row.code_challenge_method


class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ANY_AUTH
    server: Server

    def save_authorization_code(self, code: str, request: HttpRequest) -> None:
        """Store the code, with the scope narrowed to what the user's role may hold."""
        db, now = self.server.db, self.server.ctx.now
        user: User = request.user
        scopes = frozenset(request.scope.split()) & ROLE_SCOPES[Role(user.role)]
        if not scopes:
            raise InvalidScopeError(
                "None of the requested scopes can be granted to this account.",
                redirect_uri=request.payload.redirect_uri
                or request.client.get_default_redirect_uri(),
            )
        repository.purge_codes(db, expired_before=now - EXPIRED_KEPT)
        repository.add_code(
            db,
            AuthorizationCode(
                code_hash=hash_token(code),
                client_id=request.client.get_client_id(),
                tenant=user.tenant,
                user_id=user.id,
                redirect_uri=request.payload.redirect_uri,
                scope=" ".join(sorted(scopes)),
                code_challenge=request.payload.data["code_challenge"],
                code_challenge_method=request.payload.data["code_challenge_method"],
                expires_at=now + CODE_TTL,
                resource=self.server.requested_resource(request),
            ),
        )

    def query_authorization_code(self, code: str, client: Client) -> StoredCode | None:
        """Claim the code (single use) atomically. A code presented again revokes the tokens
        its first exchange produced (RFC 6749 §4.1.2)."""
        db, now = self.server.db, self.server.ctx.now
        row = repository.get_code(db, hash_token(code))
        if row is None or row.client_id != client.get_client_id():
            return None
        if row.used_at is not None:
            if row.access_jti is not None:
                self.server.revoke_jti(row.access_jti, as_utc(row.used_at) + timedelta(days=1))
            if row.family_id is not None:
                self.server.revoke_family(row.family_id)
            return None
        if as_utc(row.expires_at) <= now:
            return None
        if not repository.claim_code(db, row.code_hash, now):
            return None
        return StoredCode(row)

    def delete_authorization_code(self, authorization_code: StoredCode) -> None:
        return None  # claimed in query_authorization_code; kept to recognise replays

    def authenticate_user(self, authorization_code: StoredCode) -> User | None:
        """The code's user; the tokens are for the code's resource, which a ``resource`` sent
        to the token endpoint must repeat (RFC 8707 §2.2)."""
        self.server.audience = _same_resource(
            self.server.requested_resource(self.request), authorization_code.row.resource
        )
        return repository.get_user(self.server.db, authorization_code.row.user_id)


def _same_resource(requested: str | None, granted: str | None) -> str | None:
    """The grant's resource, refusing a token request that names a different one."""
    if requested is not None and requested != granted:
        raise InvalidTargetError("The resource differs from the one the grant was made for.")
    return granted


class RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    """Rotation: every use returns a new refresh token of the same family; presenting a
    spent one revokes the family (it was copied)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ANY_AUTH
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: Server

    def authenticate_refresh_token(self, refresh_token: str) -> Credential | None:
        server = self.server
        credential = server.find_credential(refresh_token)
        if credential is None or credential.refresh is None:
            return None
        row = credential.refresh
        if row.client_id != self.request.client.get_client_id():
            return None  # not this client's: refuse without burning the owner's token
        if row.revoked_at is not None:
            return None
        if row.used_at is not None:
            server.revoke_family(row.family_id)
            return None
        if as_utc(row.expires_at) <= server.ctx.now:
            return None
        requested = self.request.payload.scope
        if requested and not frozenset(requested.split()) <= frozenset(row.scope.split()):
            return credential  # Authlib answers invalid_scope; the token stays usable
        if not repository.claim_refresh_token(server.db, row.id, server.ctx.now):
            server.revoke_family(row.family_id)
            return None
        return credential

    def authenticate_user(self, refresh_token: Credential) -> User | None:
        """The token's user; the new tokens keep the resource of the family."""
        granted = refresh_token.refresh.resource if refresh_token.refresh else None
        self.server.audience = _same_resource(self.server.requested_resource(self.request), granted)
        return repository.get_user(self.server.db, uuid.UUID(refresh_token.subject))

    def revoke_old_credential(self, refresh_token: Credential) -> None:
        return None  # marked used when claimed


class DeviceGrant(DeviceCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ANY_AUTH
    server: Server
    current: DeviceCredential

    def query_device_credential(self, device_code: str) -> DeviceCredential:
        row = repository.find_device_credential(self.server.db, hash_token(device_code))
        if row is None or row.status == CONSUMED:
            raise InvalidGrantError("The device code is not valid (or was already used).")
        return DeviceCredential(row, self.server.ctx.now)

    def query_user_grant(self, user_code: str) -> tuple[User | None, bool] | None:
        row = self.current.row  # the credential being validated (user codes are unique)
        if row.status == DENIED:
            return None, False
        if row.status != APPROVED or row.user_id is None:
            return None
        if not repository.consume_device_authorization(self.server.db, row.id):
            raise InvalidGrantError("The device code was already used.")
        return repository.get_user(self.server.db, row.user_id), True

    def validate_device_credential(self, credential: DeviceCredential) -> User:
        self.current = credential
        return super().validate_device_credential(credential)  # type: ignore[no-any-return]

    def should_slow_down(self, credential: DeviceCredential) -> bool:
        """Polling faster than the interval answers ``slow_down`` and, as RFC 8628 §3.5 asks,
        adds 5 seconds to the interval the device must keep from then on."""
        row, now = credential.row, self.server.ctx.now
        last = row.last_polled_at
        too_fast = last is not None and (now - as_utc(last)).total_seconds() < row.interval
        interval = row.interval + 5 if too_fast else row.interval
        repository.save_poll(self.server.db, row, polled_at=now, interval=interval)
        return too_fast


class ServiceGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    """Client credentials: confidential clients only, scopes within the registered ones."""

    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_AUTH

    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()
        if self.request.client.get_allowed_scope(self.request.payload.scope) is None:
            raise InvalidScopeError("The client is not registered for the requested scope.")


class DeviceEndpoint(DeviceAuthorizationEndpoint):  # type: ignore[misc]
    """``POST /oauth/device/authorize`` (RFC 8628 §3.1). Devices get at most the scopes the
    reference declares for this flow (``read:pets``, ``chat:write``)."""

    CLIENT_AUTH_METHODS = ANY_AUTH
    EXPIRES_IN = DEVICE_CODE_TTL_SECONDS
    INTERVAL = DEVICE_POLL_INTERVAL
    server: Server

    def authenticate_client(self, request: HttpRequest) -> Client:
        client: Client = super().authenticate_client(request)
        if not client.check_grant_type(DEVICE_CODE):
            raise UnauthorizedClientError("The client is not registered for the device flow.")
        allowed = client.scopes & DEVICE_FLOW_SCOPES
        requested = request.payload.scope
        scopes = frozenset(requested.split()) if requested else allowed
        if not scopes or not scopes <= allowed:
            raise InvalidScopeError(
                f"The device flow grants only: {' '.join(sorted(allowed or DEVICE_FLOW_SCOPES))}."
            )
        self.granted_scope = " ".join(sorted(scopes))
        self.client = client
        return client

    def get_verification_uri(self) -> str:
        return f"{self.server.ctx.base_url}/device"

    def generate_user_code(self) -> str:
        """A user code that no kept authorization has (user codes are unique). Authlib draws
        it: two groups of four consonants (``BCDF-GHJK``), no vowels so no words, no digits
        so no look-alikes (``tests/oauth`` pins that alphabet)."""
        while True:
            code: str = super().generate_user_code()
            if not repository.user_code_taken(self.server.db, code):
                return code

    def save_device_credential(self, client_id: str, scope: str, data: dict[str, Any]) -> None:
        db, now = self.server.db, self.server.ctx.now
        repository.purge_device_authorizations(db, expired_before=now - EXPIRED_KEPT)
        repository.add_device_authorization(
            db,
            DeviceAuthorization(
                id=new_id(),
                device_code_hash=hash_token(data["device_code"]),
                user_code=data["user_code"],
                client_id=client_id,
                tenant=self.client.row.tenant or "",
                scope=self.granted_scope,
                status=PENDING,
                interval=DEVICE_POLL_INTERVAL,
                created_at=now,
                expires_at=now + timedelta(seconds=DEVICE_CODE_TTL_SECONDS),
            ),
        )


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009. Always 200 for a well-formed request from an authenticated client: a token
    that is unknown, expired or another client's is left alone and nothing is revealed."""

    CLIENT_AUTH_METHODS = ANY_AUTH
    server: Server

    def authenticate_token(self, request: HttpRequest, client: Client) -> Credential | None:
        self.check_params(request, client)
        credential = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        if credential is None or not credential.check_client(client):
            return None
        return credential

    def query_token(self, token_string: str, token_type_hint: str | None) -> Credential | None:
        return self.server.find_credential(token_string)

    def revoke_token(self, token: Credential, request: HttpRequest) -> None:
        if token.refresh is not None:
            self.server.revoke_family(token.refresh.family_id)
        elif token.jti is not None:
            self.server.revoke_jti(token.jti, token.expires_at)


class Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    """RFC 7662, for confidential clients (resource servers): a client sees tokens of its own
    tenant; anything else is simply ``{"active": false}``."""

    CLIENT_AUTH_METHODS = SECRET_AUTH
    server: Server

    def query_token(self, token_string: str, token_type_hint: str | None) -> Credential | None:
        return self.server.find_credential(token_string)

    def check_permission(self, token: Credential, client: Client, request: HttpRequest) -> bool:
        return client.first_party or token.tenant == client.row.tenant

    def introspect_token(self, token: Credential) -> dict[str, Any]:
        settings = self.server.ctx.settings
        body: dict[str, Any] = {
            "active": True,
            "scope": token.scope,
            "client_id": token.client_id,
            "username": token.username,
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "exp": int(token.expires_at.timestamp()),
            "iat": int(token.issued_at.timestamp()),
            "sub": token.subject,
            "aud": token.audience or settings.jwt_audience,
            "iss": settings.token_issuer,
            "tid": token.tenant,
        }
        if token.jti is not None:
            body["jti"] = token.jti
        return body


# --- running it ---------------------------------------------------------------------------


async def run(session: AsyncSession, ctx: Context, action: Callable[[Server], T]) -> T:
    """Run ``action`` against a fresh :class:`Server` inside the request's transaction."""

    def in_greenlet(db: Session) -> T:
        return action(Server(ctx, db))

    return await session.run_sync(in_greenlet)
