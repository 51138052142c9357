"""HTTP routes for pets. Thin: parse, call the service, shape the response."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from starlette.responses import Response

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.container import ContainerDep
from petstore.core.database import SessionDep, reads_only
from petstore.core.links import absolute, base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.pagination import PageDep, PageParams, collection_payload
from petstore.core.responses import (
    created_response,
    no_content,
    require_if_match,
    resource_response,
)
from petstore.core.routing import PetstoreRoute, reserve_path
from petstore.core.tenancy import TenantDep
from petstore.pets import service
from petstore.pets.models import Pet as PetRow
from petstore.pets.schemas import (
    Pet,
    PetCollection,
    PetPatch,
    PetSearch,
    PetStatus,
    PetStatusIn,
    PetWrite,
    SizeIn,
    SpeciesIn,
    pet_payload,
)

router = APIRouter(tags=["Pet"], route_class=PetstoreRoute)

PetId = Annotated[
    uuid.UUID,
    Path(description="The pet's id (a UUID).", examples=["019b4132-70aa-764f-b315-e2803d882a24"]),
]
StaffWriter = Annotated[Principal, Depends(RequireScopes("write:pets"))]


async def load_pet(session: SessionDep, tenant: TenantDep, id: PetId) -> PetRow:
    return await service.get_pet(session, tenant, id)


async def load_pet_for_write(
    _writer: StaffWriter,
    session: SessionDep,
    tenant: TenantDep,
    id: PetId,
) -> PetRow:
    """Checks the caller before the pet, so anonymous callers learn nothing about ids."""
    return await service.get_pet(session, tenant, id, for_update=True)


PetDep = Annotated[PetRow, Depends(load_pet)]
PetForWrite = Annotated[PetRow, Depends(load_pet_for_write)]

PET_EXAMPLE = {
    "name": "Max",
    "species": "DOG",
    "breed": "Golden Retriever",
    "ageMonths": 24,
    "size": "LARGE",
    "color": "Golden",
    "gender": "MALE",
    "goodWithKids": True,
    "price": "250.00",
    "currency": "USD",
    "status": "AVAILABLE",
    "description": "Friendly golden retriever looking for an active family",
    "medicalInfo": {"vaccinated": True, "spayedNeutered": True, "microchipped": True},
}


def _collection(
    request: Request, rows: list[PetRow], total: int, params: PageParams, **kwargs: Any
) -> Response:
    base = base_url(request)
    payload, link = collection_payload(
        request, [pet_payload(p, base) for p in rows], total, params, **kwargs
    )
    return resource_response(request, payload, headers={"Link": link})


@router.get(
    "/v1/pets",
    operation_id="listPets",
    summary="List pets",
    description="A page of pets, filtered. Without `status`, only AVAILABLE pets are listed.",
    response_model=PetCollection,
    responses=responses_for(400),
)
async def list_pets(
    request: Request,
    session: SessionDep,
    tenant: TenantDep,
    paging: PageDep,
    species: Annotated[SpeciesIn | None, Query(description="Only this species.")] = None,
    status: Annotated[PetStatusIn, Query(description="Only this adoption status.")] = (
        PetStatus.AVAILABLE
    ),
    age_min: Annotated[int | None, Query(alias="ageMin", ge=0, le=1200)] = None,
    age_max: Annotated[int | None, Query(alias="ageMax", ge=0, le=1200)] = None,
    size: Annotated[SizeIn | None, Query(description="Only this size.")] = None,
    good_with_kids: Annotated[bool | None, Query(alias="goodWithKids")] = None,
) -> Response:
    flt = service.PetFilter(
        tenant=tenant,
        statuses=(status.value,),
        species=(species.value,) if species else (),
        sizes=(size.value,) if size else (),
        age_min=age_min,
        age_max=age_max,
        good_with_kids=good_with_kids,
    )
    rows, total = await service.list_pets(session, flt, paging.offset, paging.limit)
    return _collection(request, rows, total, paging)


SEARCH_DOC: dict[str, Any] = {
    "response_model": PetCollection,
    "responses": responses_for(body=True),
}
SearchBody = Annotated[
    PetSearch,
    Body(
        examples=[
            {
                "criteria": {
                    "species": ["DOG"],
                    "ageRange": {"min": 12, "max": 72},
                    "size": ["MEDIUM", "LARGE"],
                    "compatibility": {"goodWithKids": True},
                    "medical": {"vaccinated": True},
                },
                "sort": {"field": "ageMonths", "order": "ASC"},
                "pagination": {"page": 1, "limit": 20},
            }
        ]
    ),
]


EMPTY_SEARCH = PetSearch()


async def _search(request: Request, session: SessionDep, tenant: str, body: PetSearch) -> Response:
    rows, total, page_no, limit = await service.search(session, tenant, body)
    return _collection(request, rows, total, PageParams(page_no, limit), path="/v1/pets", query={})


@router.api_route(
    "/v1/pets",
    methods=["QUERY"],
    operation_id="searchPets",
    summary="Search pets (QUERY)",
    description=(
        "Structured search with criteria, sort and pagination in the body. QUERY is safe and "
        "idempotent like GET. Clients that cannot send QUERY can use `POST /v1/pets/search`."
    ),
    **SEARCH_DOC,
)
async def search_pets(
    request: Request, session: SessionDep, tenant: TenantDep, body: SearchBody = EMPTY_SEARCH
) -> Response:
    return await _search(request, session, tenant, body)


@router.api_route(
    "/v1/pets/search",
    methods=["QUERY"],
    operation_id="searchPetsAtSearchPath",
    summary="Search pets (QUERY at /pets/search)",
    description="Same as `QUERY /v1/pets`, at the path older guides use.",
    **SEARCH_DOC,
)
async def search_pets_alias(
    request: Request, session: SessionDep, tenant: TenantDep, body: SearchBody = EMPTY_SEARCH
) -> Response:
    return await _search(request, session, tenant, body)


@router.post(
    "/v1/pets/search",
    operation_id="searchPetsByPost",
    summary="Search pets (POST fallback)",
    description="Same as `QUERY /v1/pets`, for clients and proxies that cannot send QUERY.",
    status_code=200,
    **SEARCH_DOC,
)
@reads_only
async def search_pets_post(
    request: Request, session: SessionDep, tenant: TenantDep, body: SearchBody = EMPTY_SEARCH
) -> Response:
    return await _search(request, session, tenant, body)


reserve_path(router, "/v1/pets/search")


@router.post(
    "/v1/pets",
    operation_id="createPet",
    summary="Create a pet",
    description="Add a pet to the catalog. Staff only (`write:pets`).",
    status_code=201,
    response_model=Pet,
    responses=responses_for(401, 403, body=True),
)
async def create_pet(
    request: Request,
    _writer: StaffWriter,
    session: SessionDep,
    tenant: TenantDep,
    body: Annotated[PetWrite, Body(examples=[PET_EXAMPLE])],
) -> Response:
    base = base_url(request)
    pet = await service.create_pet(session, tenant, body, base)
    return created_response(
        request, pet_payload(pet, base), absolute(request, f"/v1/pets/{pet.id}")
    )


@router.get(
    "/v1/pets/{id}",
    operation_id="getPet",
    summary="Get a pet",
    description="One pet, with a strong ETag; send `If-None-Match` to get 304 when unchanged.",
    response_model=Pet,
    responses=responses_for(304, 400, 404),
)
async def get_pet(request: Request, pet: PetDep) -> Response:
    return resource_response(request, pet_payload(pet, base_url(request)))


@router.put(
    "/v1/pets/{id}",
    operation_id="updatePet",
    summary="Replace a pet",
    description="Full replacement: fields left out are cleared or reset to defaults. Staff only.",
    response_model=Pet,
    responses=responses_for(401, 403, 404, 412, body=True),
)
async def replace_pet(
    request: Request,
    pet: PetForWrite,
    writer: StaffWriter,
    session: SessionDep,
    body: Annotated[PetWrite, Body(examples=[PET_EXAMPLE])],
) -> Response:
    base = base_url(request)
    require_if_match(request, pet_payload(pet, base))
    await service.replace_pet(session, writer, pet, body, base)
    return resource_response(request, pet_payload(pet, base))


@router.patch(
    "/v1/pets/{id}",
    operation_id="patchPet",
    summary="Change some fields of a pet",
    description="An RFC 7396 merge patch (`application/merge-patch+json`). Staff only.",
    response_model=Pet,
    responses=responses_for(401, 403, 404, 412, body=True),
)
async def patch_pet(
    request: Request,
    pet: PetForWrite,
    writer: StaffWriter,
    session: SessionDep,
    body: Annotated[
        PetPatch,
        Body(media_type="application/merge-patch+json", examples=[{"price": "199.00"}]),
    ],
) -> Response:
    base = base_url(request)
    require_if_match(request, pet_payload(pet, base))
    await service.patch_pet(session, writer, pet, body, base)
    return resource_response(request, pet_payload(pet, base))


@router.delete(
    "/v1/pets/{id}",
    operation_id="deletePet",
    summary="Delete a pet",
    description=(
        "Staff only. Honours `If-Match`. Removes the pet's images; refused (409) while the pet "
        "has an order in progress."
    ),
    status_code=204,
    responses=responses_for(400, 401, 403, 404, 409, 412),
)
async def delete_pet(
    request: Request, container: ContainerDep, pet: PetForWrite, session: SessionDep
) -> Response:
    require_if_match(request, pet_payload(pet, base_url(request)))
    await service.delete_pet(session, pet, container.pet_removal_hooks)
    return no_content()
