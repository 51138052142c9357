"""The authorization server's HTTP surface: every ``/oauth/...`` endpoint, the ``/device``
page and the RFC 8414 metadata. (``/v1/oauth/clients`` is :mod:`petstore.oauth.client_routes`.)

Protocol endpoints answer in the protocol's own format (RFC 6749 §5.2 JSON errors, redirects to
the client), not RFC 9457: OAuth clients parse ``error``. They are left out of the OpenAPI
document, which describes them through its ``oauth2`` security scheme and the RFC 8414 metadata
document instead. The pages behind ``/oauth/authorize`` and ``/device`` are
:mod:`petstore.oauth.pages`; the protocol itself is Authlib's, wired in
:mod:`petstore.oauth.server`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from petstore.auth.scopes import ALL_SCOPES
from petstore.container import container_of
from petstore.core.database import SessionDep
from petstore.core.links import base_url
from petstore.core.responses import JsonResponse
from petstore.core.settings import Settings
from petstore.core.tenancy import TenantDep
from petstore.oauth import pages, protocol, service
from petstore.oauth.schemas import AuthorizationServerMetadata, ClientRegistrationRequest
from petstore.oauth.server import Reply, Server, run
from petstore.oauth.service import GRANT_TYPES

router = APIRouter(include_in_schema=False)
metadata_router = APIRouter(tags=["Auth"])


# --- protocol endpoints -------------------------------------------------------------------


async def _protocol(request: Request, session: AsyncSession, endpoint: str | None) -> Response:
    """Hand a form-encoded protocol request to Authlib: the token endpoint (``endpoint``
    ``None``) or one of the named endpoints."""
    parsed = await protocol.form_request(request)
    if isinstance(parsed, Response):
        return parsed

    def act(server: Server) -> Reply:
        if endpoint is None:
            return server.create_token_response(parsed)  # type: ignore[no-any-return]
        return server.create_endpoint_response(endpoint, parsed)  # type: ignore[no-any-return]

    return protocol.reply_response(await run(session, protocol.context(request), act))


@router.post("/oauth/token")
async def token(request: Request, session: SessionDep) -> Response:
    """Every grant: authorization_code (+PKCE), refresh_token, device_code,
    client_credentials."""
    return await _protocol(request, session, None)


@router.post("/oauth/device/authorize")
async def device_authorize(request: Request, session: SessionDep) -> Response:
    return await _protocol(request, session, "device_authorization")


@router.post("/oauth/revoke")
async def revoke(request: Request, session: SessionDep) -> Response:
    return await _protocol(request, session, "revocation")


@router.post("/oauth/introspect")
async def introspect(request: Request, session: SessionDep) -> Response:
    return await _protocol(request, session, "introspection")


# --- authorization endpoint (sign-in + consent pages) -------------------------------------


@router.get("/oauth/authorize")
async def authorize(request: Request, session: SessionDep) -> Response:
    return await pages.authorize(request, session, None)


@router.post("/oauth/authorize")
async def authorize_submit(request: Request, session: SessionDep) -> Response:
    return await pages.authorize(request, session, await request.form())


# --- device verification page (RFC 8628 §3.3) ---------------------------------------------


@router.get("/device")
async def device_page(request: Request) -> Response:
    return pages.device_form(request)


@router.post("/device")
async def device_submit(request: Request, session: SessionDep) -> Response:
    return await pages.device_submit(request, session)


# --- RFC 7591 dynamic client registration ------------------------------------------------

REGISTER_PATH = "/oauth/register"


def _registration_error(error: str, description: str) -> Response:
    return JsonResponse(
        {"error": error, "error_description": description},
        status_code=400,
        headers={"Cache-Control": "no-store"},
    )


@router.post(REGISTER_PATH)
async def register(request: Request, session: SessionDep, tenant: TenantDep) -> Response:
    """Open registration of a public client (what an MCP client does before signing in);
    answers and refusals in RFC 7591's own JSON, not RFC 9457."""
    try:
        body = ClientRegistrationRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "body"
        return _registration_error("invalid_client_metadata", f"The metadata is invalid: {where}.")
    registration = service.Registration(
        client_name=body.client_name,
        redirect_uris=body.redirect_uris,
        grant_types=body.grant_types,
        response_types=body.response_types,
        token_endpoint_auth_method=body.token_endpoint_auth_method,
        scope=body.scope,
    )
    try:
        client = await service.register_client(session, tenant, registration)
    except service.RegistrationRefused as refused:
        return _registration_error(refused.error, refused.description)
    answer = {
        "client_id": client.client_id,
        "client_id_issued_at": int(client.created_at.timestamp()),
        "client_name": client.name,
        "redirect_uris": list(client.redirect_uris),
        "grant_types": list(client.grant_types),
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        "scope": client.scope,
    }
    return JsonResponse(answer, status_code=201, headers={"Cache-Control": "no-store"})


# --- RFC 8414 metadata --------------------------------------------------------------------


def metadata(base: str, settings: Settings) -> dict[str, Any]:
    """The endpoints live at ``base`` (the public URL, else the caller's own); the ``issuer``
    is the tokens' ``iss`` in every configuration, because a resource server following RFC
    9068 refuses tokens whose ``iss`` differs from the metadata it trusts. Without a public
    URL that is the fixed name the tokens carry, since a token must verify whichever host
    name it is presented at."""
    return {
        "issuer": settings.token_issuer,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "device_authorization_endpoint": f"{base}/oauth/device/authorize",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "introspection_endpoint": f"{base}/oauth/introspect",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "registration_endpoint": f"{base}{REGISTER_PATH}",
        "scopes_supported": sorted(ALL_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "revocation_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
        ],
        "code_challenge_methods_supported": ["S256"],
        "service_documentation": f"{base}/v1/docs",
        "access_token_issuer": settings.token_issuer,
    }


@metadata_router.get(
    "/.well-known/oauth-authorization-server",
    operation_id="getAuthorizationServerMetadata",
    summary="OAuth 2.0 authorization server metadata",
    description=(
        "RFC 8414: where the authorization, token, device authorization, revocation and "
        "introspection endpoints are, and what they support."
    ),
    response_model=AuthorizationServerMetadata,
)
async def authorization_server_metadata(request: Request) -> Response:
    body = metadata(base_url(request), container_of(request.app).settings)
    return JsonResponse(body, headers={"Cache-Control": "public, max-age=300"})
