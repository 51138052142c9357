"""FastAPI dependencies that turn the ``Authorization`` header into a :class:`Principal`.

``RequireScopes(...)`` is the single declaration of what an operation needs; the OpenAPI
document reads the same object to state each operation's security, so code and contract
cannot disagree.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Scope

from petstore.auth import service
from petstore.auth.principal import Principal
from petstore.auth.scopes import ALL_SCOPES
from petstore.auth.tokens import InvalidToken, TokenClaims, TokenService
from petstore.container import container_of
from petstore.core.database import SessionDep
from petstore.core.tenancy import TenantDep

_CLAIMS_KEY = "petstore.token_claims"
_UNSET = object()


def verified_claims(scope: Scope, tokens: TokenService) -> TokenClaims | InvalidToken | None:
    """Verify the bearer token once per request; later callers reuse the result."""
    state = scope.setdefault("state", {})
    cached = state.get(_CLAIMS_KEY, _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[no-any-return]
    authorization = None
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            authorization = value.decode("latin-1")
            break
    result = service.verify_bearer(tokens, authorization)
    state[_CLAIMS_KEY] = result
    return result


def has_authorization_header(request: Request) -> bool:
    return bool(request.headers.get("authorization", "").strip())


async def _principal(
    request: Request, session: AsyncSession, tenant: str, *, sandbox_anonymous: bool
) -> Principal | None:
    """The caller, ``None`` when anonymous; raises 401 for a bad token in strict mode."""
    container = container_of(request.app)
    return await service.identify(
        session,
        container.passwords,
        verified_claims(request.scope, container.tokens),
        tenant,
        sandbox=container.settings.auth_mode == "sandbox",
        has_header=has_authorization_header(request),
        sandbox_anonymous=sandbox_anonymous,
    )


class RequireScopes:
    """Dependency: an authenticated caller holding every scope listed (401, then 403).

    ``sandbox_anonymous`` marks operations the public demo leaves open, which sandbox mode
    serves to anonymous callers as the demo user.
    """

    def __init__(self, *scopes: str, sandbox_anonymous: bool = False, staff_only: bool = False):
        unknown = set(scopes) - ALL_SCOPES
        if unknown:
            raise ValueError(f"unknown scopes: {sorted(unknown)}")
        self.scopes = frozenset(scopes)
        self.sandbox_anonymous = sandbox_anonymous
        self.staff_only = staff_only

    async def __call__(self, request: Request, session: SessionDep, tenant: TenantDep) -> Principal:
        principal = await _principal(
            request, session, tenant, sandbox_anonymous=self.sandbox_anonymous
        )
        return service.authorize(principal, self.scopes, staff_only=self.staff_only)


async def rate_limit_key(scope: Scope, tokens: TokenService) -> str:
    claims = verified_claims(scope, tokens)
    if isinstance(claims, TokenClaims):
        return f"user:{claims.subject}"
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"
