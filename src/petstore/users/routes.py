"""HTTP routes for users: public sign-up, the caller's own record, self-or-staff access."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Request
from starlette.responses import Response

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.container import container_of
from petstore.core.database import SessionDep
from petstore.core.links import absolute, base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.responses import (
    created_response,
    no_content,
    require_if_match,
    resource_response,
)
from petstore.core.routing import PetstoreRoute, reserve_path
from petstore.core.tenancy import TenantDep
from petstore.users import service
from petstore.users.models import User as UserRow
from petstore.users.schemas import User, UserCreate, UserUpdate, user_payload

router = APIRouter(tags=["User"], route_class=PetstoreRoute)

UserId = Annotated[
    uuid.UUID,
    Path(description="The user's id (a UUID).", examples=["019b4138-e0af-70b9-8f0c-6ea97d495dfa"]),
]
Reader = Annotated[Principal, Depends(RequireScopes("read:user", sandbox_anonymous=True))]
Writer = Annotated[Principal, Depends(RequireScopes("write:user", sandbox_anonymous=True))]


async def load_for_read(
    reader: Reader,
    session: SessionDep,
    tenant: TenantDep,
    id: UserId,
) -> UserRow:
    return await service.visible_user(session, reader, tenant, id)


async def load_for_write(
    writer: Writer,
    session: SessionDep,
    tenant: TenantDep,
    id: UserId,
) -> UserRow:
    return await service.visible_user(session, writer, tenant, id)


ReadableUser = Annotated[UserRow, Depends(load_for_read)]
WritableUser = Annotated[UserRow, Depends(load_for_write)]

SIGN_UP_EXAMPLE = {
    "username": "kylekinh",
    "firstName": "Kyle",
    "lastName": "Kihn",
    "email": "kyle.kihn@example.com",
    "password": "SecurePass123!",
    "phone": "+18638982053",
}


@router.post(
    "/v1/users",
    operation_id="createUser",
    summary="Sign up",
    description="Create a user account (public). Usernames and emails are unique per tenant.",
    status_code=201,
    response_model=User,
    responses=responses_for(409, body=True),
)
async def create_user(
    request: Request,
    session: SessionDep,
    tenant: TenantDep,
    body: Annotated[UserCreate, Body(examples=[SIGN_UP_EXAMPLE])],
) -> Response:
    container = container_of(request.app)
    user = await service.sign_up(
        session, container.passwords, tenant, body, sandbox=container.settings.sandbox
    )
    return created_response(
        request, user_payload(user, base_url(request)), absolute(request, f"/v1/users/{user.id}")
    )


@router.get(
    "/v1/users/me",
    operation_id="getCurrentUser",
    summary="Get the signed-in user",
    description=(
        "The account the access token belongs to: how a client learns its own user id after login."
    ),
    response_model=User,
    responses=responses_for(304, 401, 403, 404),
)
async def get_me(
    request: Request, reader: Reader, session: SessionDep, tenant: TenantDep
) -> Response:
    user = await service.visible_user(session, reader, tenant, reader.user_id)
    return resource_response(request, user_payload(user, base_url(request)))


reserve_path(router, "/v1/users/me")


@router.get(
    "/v1/users/{id}",
    operation_id="getUserById",
    summary="Get a user",
    description="Your own record; staff may read anyone's. Others' ids answer 404.",
    response_model=User,
    responses=responses_for(304, 400, 401, 403, 404),
)
async def get_user(request: Request, user: ReadableUser) -> Response:
    return resource_response(request, user_payload(user, base_url(request)))


@router.put(
    "/v1/users/{id}",
    operation_id="updateUser",
    summary="Update a user",
    description="Merges the fields given into the record. Your own record, or anyone's as staff.",
    response_model=User,
    responses=responses_for(401, 403, 404, 409, 412, body=True),
)
async def update_user(
    request: Request,
    writer: Writer,
    user: WritableUser,
    session: SessionDep,
    body: Annotated[UserUpdate, Body(examples=[{"firstName": "Jeffrey", "lastName": "Kris"}])],
) -> Response:
    base = base_url(request)
    require_if_match(request, user_payload(user, base))
    passwords = container_of(request.app).passwords
    await service.update_user(session, passwords, user, body, sandbox=writer.sandbox)
    return resource_response(request, user_payload(user, base))


@router.delete(
    "/v1/users/{id}",
    operation_id="deleteUser",
    summary="Delete a user",
    description="Your own account, or anyone's as staff. Honours `If-Match`.",
    status_code=204,
    responses=responses_for(400, 401, 403, 404, 412),
)
async def delete_user(request: Request, user: WritableUser, session: SessionDep) -> Response:
    require_if_match(request, user_payload(user, base_url(request)))
    await service.delete_user(session, user)
    return no_content()
