"""Login (``/v1/auth/tokens`` and its alias ``/v1/login``), refresh, logout and the JWKS."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from petstore.auth import service
from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.auth.schemas import LoginRequest, LogoutRequest, RefreshRequest, TokenResponse
from petstore.container import container_of
from petstore.core.database import SessionDep
from petstore.core.ids import rfc3339, utcnow
from petstore.core.openapi_meta import responses_for
from petstore.core.responses import JsonResponse, no_content
from petstore.core.routing import PetstoreRoute
from petstore.core.tenancy import TenantDep

# No router-wide tag: the reference files login (createToken) under User, the rest is Auth.
router = APIRouter(route_class=PetstoreRoute)
Authenticated = Annotated[Principal, Depends(RequireScopes())]


def _token_body(pair: service.TokenPair) -> dict[str, Any]:
    return {
        "token": pair.access.token,
        "expiresAt": rfc3339(pair.access.expires_at),
        "tokenType": "Bearer",
        "expiresIn": max(0, int((pair.access.expires_at - utcnow()).total_seconds())),
        "refreshToken": pair.refresh_token,
        "scope": " ".join(sorted(pair.scopes)),
        "user": {
            "id": str(pair.user.id),
            "username": pair.user.username,
            "email": pair.user.email,
            "role": pair.user.role,
        },
    }


def _no_store(body: dict[str, Any]) -> Response:
    return JsonResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def _login(
    request: Request, session: SessionDep, tenant: str, body: LoginRequest
) -> Response:
    state = container_of(request.app)
    pair = await service.login(
        session,
        passwords=state.passwords,
        tokens=state.tokens,
        throttle=state.login_throttle,
        settings=state.settings,
        tenant=tenant,
        username=body.username,
        password=body.password,
        requested_scope=body.scope,
        client_ip=request.client.host if request.client else "unknown",
    )
    return _no_store(_token_body(pair))


LOGIN_DOC: dict[str, Any] = {
    "response_model": TokenResponse,
    "responses": responses_for(401, 422, 429, body=True),
}


@router.post(
    "/v1/auth/tokens",
    operation_id="createToken",
    tags=["User"],
    summary="Create token (login)",
    description="Exchange a username and password for an access token and a refresh token.",
    **LOGIN_DOC,
)
async def create_token(
    request: Request, session: SessionDep, tenant: TenantDep, body: LoginRequest
) -> Response:
    return await _login(request, session, tenant, body)


@router.post(
    "/v1/login",
    operation_id="login",
    tags=["Auth"],
    summary="Log in",
    description="Same as `POST /v1/auth/tokens`, kept for clients of the launch design.",
    **LOGIN_DOC,
)
async def login(
    request: Request, session: SessionDep, tenant: TenantDep, body: LoginRequest
) -> Response:
    return await _login(request, session, tenant, body)


@router.post(
    "/v1/auth/tokens/refresh",
    operation_id="refreshToken",
    tags=["Auth"],
    summary="Refresh an access token",
    description=(
        "Exchange a refresh token for a new access and refresh token. Each refresh token works "
        "once; presenting one that was already used revokes every token of its family."
    ),
    response_model=TokenResponse,
    responses=responses_for(401, 422, body=True),
)
async def refresh_token(
    request: Request, session: SessionDep, tenant: TenantDep, body: RefreshRequest
) -> Response:
    state = container_of(request.app)
    pair = await service.refresh(
        session,
        tokens=state.tokens,
        settings=state.settings,
        tenant=tenant,
        refresh_token=body.refreshToken,
    )
    return _no_store(_token_body(pair))


@router.post(
    "/v1/logout",
    operation_id="logout",
    tags=["Auth"],
    summary="Log out",
    description=(
        "Revoke the access token presented with this request and the refresh tokens issued "
        "with it (or the family of the refresh token given in the body)."
    ),
    status_code=204,
    responses=responses_for(401, 403, 422, body=True),
)
async def logout(
    session: SessionDep, principal: Authenticated, body: LogoutRequest | None = None
) -> Response:
    await service.logout(session, principal, body.refreshToken if body else None)
    return no_content()


@router.get(
    "/.well-known/jwks.json",
    operation_id="getJwks",
    tags=["Auth"],
    summary="Public signing keys",
    description="The JSON Web Key Set that verifies this server's access tokens.",
)
async def jwks(request: Request) -> Response:
    return JsonResponse(
        container_of(request.app).keys.jwks(), headers={"Cache-Control": "public, max-age=300"}
    )
