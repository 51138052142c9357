"""The classic REST door: the 19 operations of Swagger Petstore v3, relative to ``/api/v3``.

Each operation parses its parameters and body (:mod:`petstore.classic.wire`), calls the
classic service and answers in the client's format. The 400 sentence of each operation (for a
parameter that does not parse) is declared here once, for the error handler and the document.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BeforeValidator
from starlette.responses import Response

from petstore.auth import service as auth
from petstore.classic import service
from petstore.classic.openapi import answers, body, ref, security
from petstore.classic.schemas import Int64, Order, Pet, PetForm, PetStatus, User
from petstore.classic.service import order_wire, pet_wire, user_wire
from petstore.classic.wire import error, read, read_json_list, reply, text
from petstore.container import ContainerDep
from petstore.core.database import SessionDep
from petstore.core.ids import rfc3339
from petstore.core.responses import JsonResponse
from petstore.core.routing import reserve_path
from petstore.core.tenancy import TenantDep

INVALID_ID = service.NO_ID
INVALID_INPUT = "Invalid input"
VALIDATION = "Validation exception"
# The 400 answer of each operation to a parameter that does not parse.
BAD_PARAMETER = {
    "updatePet": INVALID_INPUT,
    "addPet": INVALID_INPUT,
    "findPetsByStatus": "Invalid status value",
    "findPetsByTags": "Invalid tag value",
    "getPetById": INVALID_ID,
    "updatePetWithForm": INVALID_INPUT,
    "deletePet": "Invalid pet value",
    "uploadFile": INVALID_ID,
    "getInventory": INVALID_INPUT,
    "placeOrder": INVALID_INPUT,
    "getOrderById": INVALID_ID,
    "deleteOrder": INVALID_ID,
    "createUser": INVALID_INPUT,
    "createUsersWithListInput": INVALID_INPUT,
    "loginUser": "Invalid username/password supplied",
    "logoutUser": INVALID_INPUT,
    "getUserByName": "Invalid username supplied",
    "updateUser": "bad request",
    "deleteUser": "Invalid username supplied",
}


async def seed_on_first_use(container: ContainerDep, tenant: TenantDep) -> None:
    """Seed the caller's tenant's store if it has never been: a router dependency, so it runs
    before the request's own session takes SQLite's write lock (the seed has its own)."""
    await service.ensure_seeded(container.sessionmaker, tenant)


router = APIRouter(default_response_class=Response, dependencies=[Depends(seed_on_first_use)])
Store = TenantDep


class TokenFor:
    """With PETSTORE_CLASSIC_WRITES_REQUIRE_TOKEN, a write needs what the REST door would ask
    for it (a live bearer token of the tenant, else 401; holding ``scope``, else 403); by
    default the classic API is as open as the reference's sandbox."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    async def __call__(
        self, request: Request, container: ContainerDep, session: SessionDep, tenant: Store
    ) -> str:
        if container.settings.classic_writes_require_token:
            authorization = request.headers.get("authorization")
            await auth.authorize_bearer(
                session, container.tokens, authorization, tenant, self.scope
            )
        return tenant


PetWriter = Annotated[str, Depends(TokenFor("write:pets"))]
OrderWriter = Annotated[str, Depends(TokenFor("write:orders"))]
UserWriter = Annotated[str, Depends(TokenFor("write:user"))]
PetId = Annotated[Int64, Path(alias="petId", description="The pet's id")]
OrderId = Annotated[Int64, Path(alias="orderId", description="The order's id")]
Username = Annotated[str, Path(min_length=1, description="The user's username")]
PET = ref("Pet")
PET_WRITE = security("petstore_auth")
UNAUTHORIZED = {
    401: "Unauthorized (only with PETSTORE_CLASSIC_WRITES_REQUIRE_TOKEN)",
    403: "The token lacks the scope or is another tenant's (only with that setting)",
}
PET_ERRORS = {400: INVALID_ID, 404: service.PET_NOT_FOUND}


def errors(operation: str, *others: dict[int, str], **by_status: str) -> dict[int, str]:
    found = {400: BAD_PARAMETER[operation]}
    for extra in others:
        found |= extra
    return found | {int(status.removeprefix("s")): text for status, text in by_status.items()}


@router.put(
    "/pet",
    tags=["pet"],
    operation_id="updatePet",
    summary="Update an existing pet",
    description="Replaces the pet with the body's id.",
    openapi_extra=body("Pet", "The pet, replacing the one with its id", form="PetForm") | PET_WRITE,
    responses=answers(
        "The pet as stored",
        PET,
        errors=errors("updatePet", UNAUTHORIZED, PET_ERRORS, s422=VALIDATION),
    ),
)
async def update_pet(request: Request, session: SessionDep, tenant: PetWriter) -> Response:
    pet = await read(request, Pet, PetForm)
    return reply(request, pet_wire(await service.update_pet(session, tenant, pet)), "pet")


@router.post(
    "/pet",
    tags=["pet"],
    operation_id="addPet",
    summary="Add a new pet to the store",
    description="Without an id the pet gets the next free one; with an existing id it replaces it.",
    openapi_extra=body("Pet", "The pet to add", form="PetForm") | PET_WRITE,
    responses=answers(
        "The pet as stored", PET, errors=errors("addPet", UNAUTHORIZED, s422=VALIDATION)
    ),
)
async def add_pet(request: Request, session: SessionDep, tenant: PetWriter) -> Response:
    pet = await read(request, Pet, PetForm)
    return reply(request, pet_wire(await service.add_pet(session, tenant, pet)), "pet")


def split_commas(value: Any) -> Any:
    """``?status=a,b`` means ``?status=a&status=b``; an empty part is an invalid value (the
    modern API's splitter drops it)."""
    if isinstance(value, list):
        return [part.strip() for item in value for part in str(item).split(",")]
    return value


Statuses = Annotated[
    list[PetStatus],
    BeforeValidator(split_commas),
    Query(description="Statuses to include: repeat the parameter or separate them with commas"),
]
Tags = Annotated[
    list[str],
    BeforeValidator(split_commas),
    Query(description="Tags to look for: repeat the parameter or separate them with commas"),
]
PETS = {"type": "array", "items": PET, "xml": {"name": "pets", "wrapped": True}}


@router.get(
    "/pet/findByStatus",
    tags=["pet"],
    operation_id="findPetsByStatus",
    summary="Finds pets by status",
    openapi_extra=PET_WRITE,
    responses=answers("The pets, in id order", PETS, errors=errors("findPetsByStatus")),
)
async def find_by_status(
    request: Request,
    session: SessionDep,
    tenant: Store,
    status: Statuses = ["available"],  # noqa: B006 - FastAPI copies defaults
) -> Response:
    rows = await service.find_by_status(session, tenant, status)
    return reply(request, [pet_wire(row) for row in rows], "pets")


reserve_path(router, "/pet/findByStatus")


@router.get(
    "/pet/findByTags",
    tags=["pet"],
    operation_id="findPetsByTags",
    summary="Finds pets by tags",
    description="Pets with any of the tags, each once. Try tag1, tag2, tag3.",
    openapi_extra=PET_WRITE,
    responses=answers("The pets, in id order", PETS, errors=errors("findPetsByTags")),
)
async def find_by_tags(
    request: Request,
    session: SessionDep,
    tenant: Store,
    tags: Tags = [],  # noqa: B006 - FastAPI copies defaults
) -> Response:
    rows = await service.find_by_tags(session, tenant, tags)
    return reply(request, [pet_wire(row) for row in rows], "pets")


reserve_path(router, "/pet/findByTags")


@router.get(
    "/pet/{petId}",
    tags=["pet"],
    operation_id="getPetById",
    summary="Find pet by ID",
    openapi_extra=security("api_key", "petstore_auth"),
    responses=answers("The pet", PET, errors=errors("getPetById", PET_ERRORS)),
)
async def get_pet(request: Request, session: SessionDep, tenant: Store, pet_id: PetId) -> Response:
    return reply(request, pet_wire(await service.get_pet(session, tenant, pet_id)), "pet")


@router.post(
    "/pet/{petId}",
    tags=["pet"],
    operation_id="updatePetWithForm",
    summary="Updates a pet's name and status",
    description="The new values come as query parameters, as on the reference server.",
    openapi_extra=PET_WRITE,
    responses=answers(
        "The pet as stored",
        PET,
        errors=errors("updatePetWithForm", UNAUTHORIZED, s404=service.PET_NOT_FOUND),
    ),
)
async def update_with_form(
    request: Request,
    session: SessionDep,
    tenant: PetWriter,
    pet_id: PetId,
    name: Annotated[str | None, Query(description="The new name")] = None,
    status: Annotated[PetStatus | None, Query(description="The new status")] = None,
) -> Response:
    row = await service.update_with_form(session, tenant, pet_id, name, status)
    return reply(request, pet_wire(row), "pet")


@router.delete(
    "/pet/{petId}",
    tags=["pet"],
    operation_id="deletePet",
    summary="Deletes a pet",
    openapi_extra=PET_WRITE,
    responses=answers(
        service.PET_DELETED,
        errors=errors("deletePet", UNAUTHORIZED, s404=service.PET_NOT_FOUND),
    ),
)
async def delete_pet(
    session: SessionDep,
    tenant: PetWriter,
    pet_id: PetId,
    _api_key: Annotated[
        str | None, Header(alias="api_key", convert_underscores=False, description="Accepted")
    ] = None,
) -> Response:
    await service.delete_pet(session, tenant, pet_id)
    return text(service.PET_DELETED)


@router.post(
    "/pet/{petId}/uploadImage",
    tags=["pet"],
    operation_id="uploadFile",
    summary="Uploads an image",
    description=(
        "The pet must exist and the body must not be empty; the answer reports the bytes "
        "received. The image is not kept: the modern API's /v1/pets/{id}/images stores them."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
    | PET_WRITE,
    responses=answers(
        "What was received",
        ref("ApiResponse"),
        media=("application/json", "application/xml"),
        errors=errors(
            "uploadFile",
            UNAUTHORIZED,
            {400: f"{INVALID_ID} / {service.NO_FILE}"},
            s404=service.PET_NOT_FOUND,
        ),
    ),
)
async def upload_file(
    request: Request,
    session: SessionDep,
    tenant: PetWriter,
    pet_id: PetId,
    additional_metadata: Annotated[
        str | None, Query(alias="additionalMetadata", description="Additional metadata")
    ] = None,
) -> Response:
    if request.headers.get("content-type", "application/octet-stream").split(";")[0].strip() != (
        "application/octet-stream"
    ):
        return error(request, 415, "Unsupported media type: send application/octet-stream")
    size = len(await request.body())
    answer = await service.upload_image(session, tenant, pet_id, additional_metadata, size)
    return reply(request, answer.model_dump(exclude_none=True), "apiResponse")


@router.get(
    "/store/inventory",
    tags=["store"],
    operation_id="getInventory",
    summary="Order counts by status",
    description="How many of the tenant's orders have each status (as the reference counts).",
    openapi_extra=security("api_key"),
    responses=answers(
        "Status to count",
        {"type": "object", "additionalProperties": {"type": "integer", "format": "int32"}},
        media=("application/json",),
        errors=errors("getInventory"),
    ),
)
async def inventory(session: SessionDep, tenant: Store) -> Response:
    return JsonResponse(await service.inventory(session, tenant))


ORDER = ref("Order")
USER = ref("User")


@router.post(
    "/store/order",
    tags=["store"],
    operation_id="placeOrder",
    summary="Place an order for a pet",
    description="Without an id the order gets the next free id; an existing id is replaced.",
    openapi_extra=body("Order", "The order"),
    responses=answers(
        "The order as stored",
        ORDER,
        errors=errors("placeOrder", UNAUTHORIZED, s422=VALIDATION),
    ),
)
async def place_order(request: Request, session: SessionDep, tenant: OrderWriter) -> Response:
    order = await read(request, Order)
    return reply(request, order_wire(await service.place_order(session, tenant, order)), "order")


@router.get(
    "/store/order/{orderId}",
    tags=["store"],
    operation_id="getOrderById",
    summary="Find purchase order by ID",
    responses=answers(
        "The order", ORDER, errors=errors("getOrderById", s404=service.ORDER_NOT_FOUND)
    ),
)
async def get_order(
    request: Request, session: SessionDep, tenant: Store, order_id: OrderId
) -> Response:
    return reply(request, order_wire(await service.get_order(session, tenant, order_id)), "order")


@router.delete(
    "/store/order/{orderId}",
    tags=["store"],
    operation_id="deleteOrder",
    summary="Delete purchase order by ID",
    responses=answers(
        service.ORDER_DELETED,
        errors=errors("deleteOrder", UNAUTHORIZED, s404=service.ORDER_NOT_FOUND),
    ),
)
async def delete_order(session: SessionDep, tenant: OrderWriter, order_id: OrderId) -> Response:
    await service.delete_order(session, tenant, order_id)
    return text(service.ORDER_DELETED)


@router.post(
    "/user",
    tags=["user"],
    operation_id="createUser",
    summary="Create user",
    description="A user with a taken username replaces that user.",
    openapi_extra=body("User", "The user"),
    responses=answers(
        "The user as stored", USER, errors=errors("createUser", UNAUTHORIZED, s422=VALIDATION)
    ),
)
async def create_user(request: Request, session: SessionDep, tenant: UserWriter) -> Response:
    user = await read(request, User)
    return reply(request, user_wire(await service.create_user(session, tenant, user)), "user")


@router.post(
    "/user/createWithList",
    tags=["user"],
    operation_id="createUsersWithListInput",
    summary="Creates users from a list",
    description="Creates (or replaces) each user; the answer is the last one.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": USER, "minItems": 1}}
            },
        }
    },
    responses=answers(
        "The last user of the list, as stored",
        USER,
        errors=errors("createUsersWithListInput", UNAUTHORIZED, s422=VALIDATION),
    ),
)
async def create_users(request: Request, session: SessionDep, tenant: UserWriter) -> Response:
    users = await read_json_list(request, User)
    return reply(request, user_wire(await service.create_users(session, tenant, users)), "user")


reserve_path(router, "/user/createWithList")
LOGIN_HEADERS = {
    "X-Rate-Limit": {
        "description": "Calls per hour allowed to the user",
        "schema": {"type": "integer", "format": "int32"},
    },
    "X-Expires-After": {
        "description": "When the session expires (UTC)",
        "schema": {"type": "string", "format": "date-time"},
    },
}


@router.get(
    "/user/login",
    tags=["user"],
    operation_id="loginUser",
    summary="Logs user into the system",
    description="Anyone may log in, as on the reference: nothing checks the session string.",
    responses=answers(
        "The session",
        {"type": "string"},
        headers=LOGIN_HEADERS,
        errors=errors("loginUser"),
    ),
)
async def login(
    request: Request,
    _tenant: Store,
    _username: Annotated[str | None, Query(alias="username", description="The user name")] = None,
    _password: Annotated[str | None, Query(alias="password", description="The password")] = None,
) -> Response:
    session = service.login()
    headers = {
        "X-Rate-Limit": str(session.rate_limit),
        "X-Expires-After": rfc3339(session.expires_after),
    }
    return reply(request, session.text, "string", headers)


reserve_path(router, "/user/login")


@router.get(
    "/user/logout",
    tags=["user"],
    operation_id="logoutUser",
    summary="Logs out the current session",
    responses=answers(service.LOGGED_OUT, errors=errors("logoutUser")),
)
async def logout(_tenant: Store) -> Response:
    return text(service.LOGGED_OUT)


reserve_path(router, "/user/logout")


@router.get(
    "/user/{username}",
    tags=["user"],
    operation_id="getUserByName",
    summary="Get user by user name",
    description="Try user1.",
    responses=answers(
        "The user", USER, errors=errors("getUserByName", s404=service.USER_NOT_FOUND)
    ),
)
async def get_user(
    request: Request, session: SessionDep, tenant: Store, username: Username
) -> Response:
    return reply(request, user_wire(await service.get_user(session, tenant, username)), "user")


@router.put(
    "/user/{username}",
    tags=["user"],
    operation_id="updateUser",
    summary="Update user",
    description="Replaces the user; a different username in the body renames it.",
    openapi_extra=body("User", "The user's new record"),
    responses=answers(
        "The user as stored",
        USER,
        errors=errors("updateUser", UNAUTHORIZED, s404=service.USER_NOT_FOUND, s422=VALIDATION),
    ),
)
async def update_user(
    request: Request, session: SessionDep, tenant: UserWriter, username: Username
) -> Response:
    user = await read(request, User)
    row = await service.update_user(session, tenant, username, user)
    return reply(request, user_wire(row), "user")


@router.delete(
    "/user/{username}",
    tags=["user"],
    operation_id="deleteUser",
    summary="Delete user",
    responses=answers(
        service.USER_DELETED,
        errors=errors("deleteUser", UNAUTHORIZED, s404=service.USER_NOT_FOUND),
    ),
)
async def delete_user(session: SessionDep, tenant: UserWriter, username: Username) -> Response:
    await service.delete_user(session, tenant, username)
    return text(service.USER_DELETED)
