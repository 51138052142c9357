"""Login, refresh-token rotation, logout and revocation.

Failed logins are budgeted per (username, client IP), per client IP and, far more loosely, per
username; successful logins are never counted. A stranger's failures spend only their own
budgets, so they cannot lock the real user out (see ``LoginThrottle``).
Refresh tokens are single-use: presenting a used one revokes its whole family (it was stolen),
and the access tokens issued with any of them.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth import repository
from petstore.auth.models import RefreshToken
from petstore.auth.passwords import Passwords, Verdict
from petstore.auth.principal import Principal as Principal  # re-exported for the doors
from petstore.auth.repository import TokenHolder
from petstore.auth.scopes import ALL_SCOPES as ALL_SCOPES  # re-exported for the doors
from petstore.auth.scopes import ROLE_SCOPES, Role, grantable
from petstore.auth.tokens import InvalidToken as InvalidToken  # re-exported for the doors
from petstore.auth.tokens import IssuedToken, TokenService, bearer_value
from petstore.auth.tokens import TokenClaims as TokenClaims  # re-exported for the doors
from petstore.core import errors
from petstore.core.database import atomic
from petstore.core.ids import as_utc, new_id, utcnow
from petstore.core.metrics import rate_limited
from petstore.core.problems import Problem, unauthorized
from petstore.core.ratelimit import RateLimitStore
from petstore.core.settings import Settings
from petstore.users import repository as users
from petstore.users.models import User

SANDBOX_USERNAME = "sandbox-demo"


@dataclass(frozen=True, slots=True)
class TokenPair:
    access: IssuedToken
    refresh_token: str
    scopes: frozenset[str]
    user: User


def hash_token(token: str) -> str:
    """SHA-256 of a high-entropy secret (refresh tokens, codes, client secrets): enough to make
    a stolen table useless, and cheap enough to check on every request."""
    return hashlib.sha256(token.encode()).hexdigest()


class LoginThrottle:
    """Budgets of failed logins in one window; an attempt is refused (429) once any is spent.

    - per (username, client IP), 5: one address guessing one account is stopped quickly, and
      locks out only itself: the owner, elsewhere, still signs in;
    - per client IP, 20: one address guessing across many accounts;
    - per username, 100 (NIST SP 800-63B's ceiling on failed attempts per account): guessing
      one account from many addresses. It can still refuse the owner, but only once a
      stranger has spent the full budget of at least 20 addresses on the account, and 100
      guesses against a password that passed the blocklist are a small chance. A progressive
      delay would not help against guesses sent in parallel, and would hold connections.
    """

    def __init__(self, store: RateLimitStore, settings: Settings) -> None:
        self._store = store
        self._per_user_ip = settings.login_failures_per_username_and_ip
        self._per_ip = settings.login_failures_per_ip
        self._per_user = settings.login_failures_per_username
        self._window = settings.login_failure_window_seconds

    def _keys(self, tenant: str, username: str, ip: str) -> list[tuple[str, int]]:
        user = f"{tenant}:{username.lower()}"
        return [
            (f"login-user-ip:{user}:{ip}", self._per_user_ip),
            (f"login-ip:{ip}", self._per_ip),
            (f"login-user:{user}", self._per_user),
        ]

    async def check(self, tenant: str, username: str, ip: str) -> None:
        for key, limit in self._keys(tenant, username, ip):
            budget = await self._store.peek(key, limit, self._window)
            if budget.remaining <= 0:
                rate_limited("login")
                retry = budget.retry_after()
                raise Problem(
                    429,
                    f"Too many failed login attempts. Try again in {retry} seconds.",
                    headers={**budget.headers(), "Retry-After": str(retry)},
                )

    async def failed(self, tenant: str, username: str, ip: str) -> None:
        for key, limit in self._keys(tenant, username, ip):
            await self._store.hit(key, limit, self._window)

    async def forgive(self, tenant: str, username: str) -> int:
        """Forget the account's failed logins (an operator unlocking it), from every address;
        the per-address budgets stay, as they guard other accounts too."""
        user = f"{tenant}:{username.lower()}"
        return await self._store.forget(f"login-user:{user}") + await self._store.forget(
            f"login-user-ip:{user}:", prefix=True
        )


async def _issue_pair(
    session: AsyncSession,
    tokens: TokenService,
    settings: Settings,
    user: User,
    scopes: frozenset[str],
    family_id: uuid.UUID | None = None,
) -> TokenPair:
    access = tokens.issue(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        scopes=scopes,
        tenant=user.tenant,
    )
    refresh, row = new_refresh_token(settings, user, scopes, access, family_id)
    await repository.add_refresh_token(session, row)
    return TokenPair(access, refresh, scopes, user)


def new_refresh_token(
    settings: Settings,
    user: User,
    scopes: frozenset[str],
    access: IssuedToken,
    family_id: uuid.UUID | None = None,
    client_id: str | None = None,
    resource: str | None = None,
) -> tuple[str, RefreshToken]:
    """A fresh refresh token and its row (login and the OAuth grants share one table, one
    rotation rule and one family revocation). The row remembers the access token issued with
    it until that token's expiry, so revoking the family can refuse it at once."""
    refresh = secrets.token_urlsafe(32)
    now = utcnow()
    row = RefreshToken(
        id=new_id(),
        token_hash=hash_token(refresh),
        family_id=family_id or new_id(),
        user_id=user.id,
        tenant=user.tenant,
        scope=" ".join(sorted(scopes)),
        access_jti=access.jti,
        access_expires_at=access.expires_at,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.refresh_token_ttl_seconds),
        client_id=client_id,
        resource=resource,
    )
    return refresh, row


async def login(
    session: AsyncSession,
    *,
    passwords: Passwords,
    tokens: TokenService,
    throttle: LoginThrottle,
    settings: Settings,
    tenant: str,
    username: str,
    password: str,
    requested_scope: str | None,
    client_ip: str,
) -> TokenPair:
    user = await authenticate(
        session,
        passwords=passwords,
        throttle=throttle,
        tenant=tenant,
        username=username,
        password=password,
        client_ip=client_ip,
    )
    scopes = grantable(Role(user.role), requested_scope)
    if scopes is None:
        raise Problem(
            400, "The requested scope exceeds what this account may hold.", slug="invalid-scope"
        )
    return await _issue_pair(session, tokens, settings, user, scopes)


async def authenticate(
    session: AsyncSession,
    *,
    passwords: Passwords,
    throttle: LoginThrottle,
    tenant: str,
    username: str,
    password: str,
    client_ip: str,
) -> User:
    """Check a username and password (login and the OAuth login page), under the failed-login
    budget; 401 problem when wrong, 429 when the budget is spent."""
    await throttle.check(tenant, username, client_ip)
    user = await users.get_by_username(session, tenant, username)
    verdict = await passwords.verify(user.password_hash if user else None, password)
    if user is None or verdict is Verdict.WRONG:
        await throttle.failed(tenant, username, client_ip)
        raise unauthorized("Invalid username or password.")
    if verdict is Verdict.REHASH:
        user.password_hash = await passwords.hash(password)
    return user


async def refresh(
    session: AsyncSession,
    *,
    tokens: TokenService,
    settings: Settings,
    tenant: str,
    refresh_token: str,
) -> TokenPair:
    """Rotate a refresh token.

    Reuse of a spent one means it was stolen: the family and every access token issued with it
    are revoked (the thief's and the owner's alike: which is which cannot be told) and, unlike
    anywhere else, committed here, because the request then fails and would otherwise roll the
    revocation back.
    """
    row = await repository.find_refresh_token(session, hash_token(refresh_token))
    now = utcnow()
    if row is None or row.tenant != tenant or row.client_id is not None:
        # A token issued to an OAuth client is refreshed by that client at /oauth/token.
        raise unauthorized("The refresh token is not valid.")
    if row.used_at is not None or row.revoked_at is not None:
        if row.used_at is not None and row.revoked_at is None:
            await _revoke_tracked(session, TokenHolder(family_id=row.family_id))
            await session.commit()
        raise unauthorized("The refresh token has already been used or revoked.")
    if as_utc(row.expires_at) <= now:
        raise unauthorized("The refresh token has expired.")
    # Claim the token atomically: of two simultaneous exchanges only one wins.
    if not await repository.claim_refresh_token(session, row.id, now):
        raise unauthorized("The refresh token has already been used or revoked.")
    user = await users.get(session, row.tenant, row.user_id)
    if user is None:
        raise unauthorized("The account no longer exists.")
    return await _issue_pair(
        session, tokens, settings, user, frozenset(row.scope.split()), family_id=row.family_id
    )


async def revoke_access_token(session: AsyncSession, jti: str, expires_at: datetime) -> None:
    if await is_revoked(session, jti):
        return
    try:
        async with session.begin_nested():
            await repository.add_revoked_token(session, jti, expires_at)
    except IntegrityError:  # revoked concurrently: the outcome is the same
        return


async def logout(session: AsyncSession, principal: Principal, refresh_token: str | None) -> None:
    """Revoke the presented access token and the refresh-token family issued with it."""
    now = utcnow()
    if principal.jti is not None and principal.token_expires_at is not None:
        await revoke_access_token(session, principal.jti, principal.token_expires_at)
    if refresh_token:
        families = await repository.families_of_token(
            session, hash_token(refresh_token), principal.user_id
        )
    else:
        families = await repository.families_issued_with(session, principal.jti)
    for family_id in families:
        await repository.revoke_refresh_tokens(session, TokenHolder(family_id=family_id), now)


async def revoke_everything_of(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Refuse every token still alive for this user (an account being deleted): each access
    token issued at login or refresh is known by its refresh-token row."""
    await _revoke_tracked(session, TokenHolder(user_id=user_id))


async def revoke_client_tokens(session: AsyncSession, client_id: str) -> None:
    """Refuse every token issued to an OAuth client (the client is being deleted)."""
    await _revoke_tracked(session, TokenHolder(client_id=client_id))


def access_expiry(created_at: datetime, access_expires_at: datetime | None) -> datetime:
    """When the access token issued with a refresh token expires; rows written before the
    expiry was recorded count as alive for the longest lifetime, a day."""
    if access_expires_at is not None:
        return as_utc(access_expires_at)
    return as_utc(created_at) + timedelta(days=1)


async def _revoke_tracked(session: AsyncSession, holder: TokenHolder) -> None:
    """Revoke the holder's refresh tokens and the access tokens issued with them.

    In bulk: an account that logged in thousands of times must not take thousands of round
    trips (and savepoints) to delete. Only access tokens that may still be alive (issued within
    the longest lifetime, one day, and not past their recorded expiry) and not yet revoked are
    recorded.
    """
    now = utcnow()
    cutoff = now - timedelta(days=1)  # beyond any access-token lifetime
    rows = await repository.unrevoked_access_tokens(session, holder, cutoff)
    expiries = [(jti, access_expiry(created, expires)) for jti, created, expires in rows]
    await _revoke_access_tokens(session, [(jti, exp) for jti, exp in expiries if exp > now])
    await repository.revoke_refresh_tokens(session, holder, now)


REVOKE_BATCH = 500


async def _revoke_access_tokens(session: AsyncSession, tokens: list[tuple[str, datetime]]) -> None:
    """Record tokens (not revoked yet) as revoked, a batch per statement."""
    for start in range(0, len(tokens), REVOKE_BATCH):
        fresh = tokens[start : start + REVOKE_BATCH]
        try:
            async with session.begin_nested():
                await repository.add_revoked_tokens(session, fresh)
        except IntegrityError:  # some were revoked concurrently: settle them one by one
            for jti, expires in fresh:
                await revoke_access_token(session, jti, expires)


async def is_revoked(session: AsyncSession, jti: str, client_id: str | None = None) -> bool:
    """Whether the token was revoked, or (``client_id``) its OAuth client has been deleted:
    deleting a client cuts off every token it holds at once, client-credentials ones too."""
    if await repository.is_revoked(session, jti):
        return True
    if client_id is None:
        return False
    return not await repository.client_exists(session, client_id)


# The refusals' one wording, for every door (not secrets, whatever the linter suspects).
INVALID_TOKEN = "The access token is invalid or has expired."  # noqa: S105
REVOKED_TOKEN = "The access token has been revoked."  # noqa: S105
OTHER_TENANT = "The access token was issued for another tenant."


STAFF_ONLY_SCOPES = ROLE_SCOPES[Role.STAFF] - ROLE_SCOPES[Role.USER]
GRANT_STAFF = "an operator grants it with `petstore user promote <username>`"
ASK_AGAIN = "sign in again without `scope` (or naming them) to get every scope of your role"


def missing_scopes(needed: frozenset[str], held: frozenset[str]) -> str | None:
    """Why a token falls short of ``needed`` (the one wording of every door), or ``None``;
    it says how to get what is missing: the STAFF role for staff scopes, else a new token
    (a login or OAuth grant may have asked for fewer scopes than the role holds)."""
    missing = needed - held
    if not missing:
        return None
    them = "them" if len(missing) > 1 else "it"
    how = (
        f"Only the STAFF role holds {them}; {GRANT_STAFF}."
        if missing & STAFF_ONLY_SCOPES
        else f"Your token was issued without {them}; {ASK_AGAIN}."
    )
    return f"This operation needs the scope(s): {' '.join(sorted(missing))}. {how}"


async def authorize_bearer(
    session: AsyncSession,
    tokens: TokenService,
    authorization: str | None,
    tenant: str,
    scope: str | None,
    audience: str | None = None,
) -> TokenClaims:
    """The claims of an ``Authorization`` header's live access token of ``tenant`` for
    ``audience`` (default: the REST API) holding ``scope`` (``None``: any), with the REST
    door's verdicts (401 no, bad or revoked token; 403 another tenant or a missing scope), for
    doors that have no FastAPI dependencies of the REST door's."""
    token = bearer_value(authorization)
    if token is None:
        raise errors.unauthorized()
    try:
        claims = tokens.verify(token, audience)
    except InvalidToken:
        raise errors.unauthorized(INVALID_TOKEN) from None
    if await is_revoked(session, claims.jti, claims.client_id):
        raise errors.unauthorized(REVOKED_TOKEN)
    if claims.tenant != tenant:
        raise errors.forbidden(OTHER_TENANT)
    shortfall = missing_scopes(frozenset({scope} if scope else ()), claims.scopes)
    if shortfall is not None:
        raise errors.forbidden(shortfall)
    return claims


STAFF_ONLY = "This operation is for staff only."


def authorize(
    principal: Principal | None, needed: frozenset[str], *, staff_only: bool = False
) -> Principal:
    """The caller of an operation that needs the scopes ``needed`` (and the STAFF role when
    ``staff_only``): the one check every door makes, so a refusal reads the same in each.
    Anonymous is 401; short of a scope or of the role, 403."""
    if principal is None:
        raise errors.unauthorized()
    shortfall = missing_scopes(needed, principal.scopes)
    if shortfall is not None:
        raise errors.forbidden(shortfall)
    if staff_only and not principal.is_staff:
        raise errors.forbidden(STAFF_ONLY)
    return principal


def verify_bearer(
    tokens: TokenService, authorization: str | None, audience: str | None = None
) -> TokenClaims | InvalidToken | None:
    """What an ``Authorization`` value proves, for :func:`identify`: the claims of a valid
    bearer token for ``audience`` (default: the REST API), the refusal of an invalid one (or
    of one for another audience), ``None`` when it carries no bearer token."""
    token = bearer_value(authorization)
    if token is None:
        return None
    try:
        return tokens.verify(token, audience)
    except InvalidToken as exc:
        return exc


async def identify(
    session: AsyncSession,
    passwords: Passwords,
    claims: TokenClaims | InvalidToken | None,
    tenant: str,
    *,
    sandbox: bool,
    has_header: bool,
    sandbox_anonymous: bool,
) -> Principal | None:
    """The caller of any door from its verified bearer token, ``None`` when anonymous.

    Strict mode: a bad, revoked or unparsable token is 401, another tenant's is 403. Sandbox
    mode (the public demo) never refuses: a caller with any credentials, or an anonymous one
    of an operation the demo leaves open, is the demo user with every scope.
    """
    if isinstance(claims, TokenClaims):
        if await is_revoked(session, claims.jti, claims.client_id):
            if not sandbox:
                raise errors.unauthorized(REVOKED_TOKEN)
        elif claims.tenant != tenant:
            if not sandbox:
                raise errors.forbidden(OTHER_TENANT)
        else:
            return Principal(
                user_id=claims.subject,
                username=claims.username,
                role=claims.role,
                scopes=ALL_SCOPES if sandbox else claims.scopes,
                tenant=claims.tenant,
                jti=claims.jti,
                token_expires_at=claims.expires_at,
                client_id=claims.client_id,
                sandbox=sandbox,
            )
    elif isinstance(claims, InvalidToken) and not sandbox:
        raise errors.unauthorized(INVALID_TOKEN)
    elif claims is None and has_header and not sandbox:
        raise errors.unauthorized("The Authorization header must be 'Bearer <token>'.")
    if sandbox and (claims is not None or has_header or sandbox_anonymous):
        demo = await sandbox_demo_user(session, passwords, tenant)
        return Principal(
            user_id=demo.id,
            username=demo.username,
            role=Role.STAFF,
            scopes=ALL_SCOPES,
            tenant=tenant,
            sandbox=True,
        )
    return None


async def sandbox_demo_user(session: AsyncSession, passwords: Passwords, tenant: str) -> User:
    """The identity sandbox mode gives to anonymous and unknown callers, made on first use."""
    user = await users.get_by_username(session, tenant, SANDBOX_USERNAME)
    if user is not None:
        return user
    now = utcnow()
    user = User(
        id=new_id(),
        tenant=tenant,
        username=SANDBOX_USERNAME,
        email=f"{SANDBOX_USERNAME}@example.invalid",
        first_name="Sandbox",
        last_name="Demo",
        phone=None,
        password_hash=await passwords.hash(secrets.token_urlsafe(32)),
        role=Role.STAFF.value,
        newsletter=False,
        notifications=False,
        created_at=now,
        updated_at=now,
    )
    try:
        async with atomic(session) as writing:  # made on a GET too, the first in a tenant
            await users.add(writing, user)
    except IntegrityError:
        existing = await users.get_by_username(session, tenant, SANDBOX_USERNAME)
        assert existing is not None
        return existing
    return user
