"""``/v1/oauth/clients``: staff register, list, read and delete OAuth clients of their tenant.

Only a token from login or from a first-party client (the docs) may manage clients: a token a
third-party client obtained from a staff member must not let that client mint more clients.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from starlette.responses import Response

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.core.database import SessionDep
from petstore.core.ids import rfc3339
from petstore.core.links import absolute, base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.pagination import PageDep, collection_payload
from petstore.core.responses import JsonResponse, created_response, no_content, resource_response
from petstore.core.routing import PetstoreRoute
from petstore.core.tenancy import TenantDep, tenant_id_out
from petstore.oauth import service
from petstore.oauth.models import OAuthClient
from petstore.oauth.schemas import OAuthClient as OAuthClientOut
from petstore.oauth.schemas import OAuthClientCollection, OAuthClientCreate, OAuthClientWithSecret

router = APIRouter(tags=["Auth"], route_class=PetstoreRoute)
ClientId = Annotated[uuid.UUID, Path(description="The client's id.")]


async def client_admin(
    principal: Annotated[Principal, Depends(RequireScopes(staff_only=True))],
    session: SessionDep,
) -> Principal:
    await service.check_client_admin(session, principal.client_id)
    return principal


Admin = Annotated[Principal, Depends(client_admin)]


def client_payload(client: OAuthClient, base: str) -> dict[str, Any]:
    return {
        "id": str(client.id),
        "clientId": client.client_id,
        "name": client.name,
        "public": client.is_public,
        "redirectUris": list(client.redirect_uris),
        "grantTypes": list(client.grant_types),
        "scope": client.scope,
        "tenantId": tenant_id_out(client.tenant or ""),
        "createdAt": rfc3339(client.created_at),
        "links": {"self": f"{base}/v1/oauth/clients/{client.id}"},
    }


@router.post(
    "/v1/oauth/clients",
    operation_id="createOAuthClient",
    summary="Register an OAuth client (staff)",
    description=(
        "Registers a client in your tenant. The `clientSecret` of a confidential client is "
        "returned here only; the server keeps just its hash."
    ),
    status_code=201,
    response_model=OAuthClientWithSecret,
    responses=responses_for(401, 403, body=True),
)
async def create_client(
    request: Request,
    _admin: Admin,
    session: SessionDep,
    tenant: TenantDep,
    body: Annotated[
        OAuthClientCreate,
        Body(
            examples=[
                {
                    "name": "Adoption kiosk",
                    "redirectUris": ["https://kiosk.example.com/callback"],
                    "grantTypes": ["authorization_code", "refresh_token"],
                    "public": True,
                }
            ]
        ),
    ],
) -> Response:
    spec = service.ClientSpec(
        name=body.name,
        redirect_uris=body.redirectUris,
        grant_types=body.grantTypes,
        scope=body.scope,
        public=body.public,
    )
    client, secret = await service.create_client(session, tenant, spec)
    payload = {**client_payload(client, base_url(request)), "clientSecret": secret}
    response = created_response(
        request, payload, absolute(request, f"/v1/oauth/clients/{client.id}")
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(
    "/v1/oauth/clients",
    operation_id="listOAuthClients",
    summary="List the OAuth clients of your tenant (staff)",
    description=(
        "The registered OAuth clients of the tenant, paginated; a secret is shown only at creation."
    ),
    response_model=OAuthClientCollection,
    responses=responses_for(401, 403),
)
async def list_clients(
    request: Request, _admin: Admin, session: SessionDep, tenant: TenantDep, page: PageDep
) -> Response:
    rows, total = await service.list_clients(session, tenant, page.offset, page.limit)
    base = base_url(request)
    payload, link = collection_payload(
        request, [client_payload(c, base) for c in rows], total, page
    )
    return JsonResponse(payload, headers={"Link": link})


@router.get(
    "/v1/oauth/clients/{id}",
    operation_id="getOAuthClient",
    summary="Get an OAuth client (staff)",
    description=(
        "One registered OAuth client: its redirect URIs, grant types and scopes (never its secret)."
    ),
    response_model=OAuthClientOut,
    responses=responses_for(304, 400, 401, 403, 404),
)
async def get_client(
    request: Request, _admin: Admin, session: SessionDep, tenant: TenantDep, id: ClientId
) -> Response:
    client = await service.get_client(session, tenant, id)
    return resource_response(request, client_payload(client, base_url(request)))


@router.delete(
    "/v1/oauth/clients/{id}",
    operation_id="deleteOAuthClient",
    summary="Delete an OAuth client (staff)",
    description="Also revokes every refresh token issued to it and the access tokens with them.",
    status_code=204,
    responses=responses_for(400, 401, 403, 404),
)
async def delete_client(
    _admin: Admin, session: SessionDep, tenant: TenantDep, id: ClientId
) -> Response:
    client = await service.get_client(session, tenant, id)
    await service.delete_client(session, client)
    return no_content()
