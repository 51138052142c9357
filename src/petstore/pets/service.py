"""Pet rules. Every status change goes through :func:`change_status`, the one place later
features (events, orders) hook into.

Event payloads carry absolute links, so every function that records an event takes the
``base_url`` they point at (the public URL, else the caller's own): the caller knows it, no
ambient state does.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.core import events, money
from petstore.core.errors import InvalidInput, conflict, field_errors, not_found
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.pets import repository
from petstore.pets.events import PET_ADOPTED, PET_AVAILABLE, PET_CREATED, PET_STATUS_CHANGED
from petstore.pets.models import Pet

# The query shapes every door builds, re-exported so doors need only this module.
from petstore.pets.repository import PetFilter as PetFilter
from petstore.pets.repository import PetSort as PetSort
from petstore.pets.schemas import PetPatch, PetSearch, PetStatus, PetWrite, pet_payload

RemovalHook = Callable[[AsyncSession, Pet], Awaitable[None]]
"""Run before a pet is deleted, in its transaction: raise a domain error to refuse (an order in
progress), or arrange what goes with it (its image files). Given by the domains that refer to
pets, so this one needs to know none of them."""

REQUIRED_ON_PATCH = ("name", "species", "ageMonths", "price", "currency", "status")


async def find_pet(session: AsyncSession, tenant: str, pet_id: uuid.UUID) -> Pet | None:
    return await repository.get(session, tenant, pet_id)


async def get_pet(
    session: AsyncSession, tenant: str, pet_id: uuid.UUID, *, for_update: bool = False
) -> Pet:
    pet = await repository.get(session, tenant, pet_id, for_update=for_update)
    if pet is None:
        raise not_found("pet", pet_id)
    return pet


async def pets_by_ids(
    session: AsyncSession, tenant: str, pet_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Pet]:
    """Many pets of the tenant at once, by id (for doors that batch lookups: DataLoaders)."""
    return {pet.id: pet for pet in await repository.get_many(session, tenant, pet_ids)}


def _apply(pet: Pet, data: PetWrite) -> None:
    medical = data.medicalInfo
    pet.name = data.name
    pet.species = data.species.value
    pet.breed = data.breed
    pet.age_months = data.ageMonths
    pet.size = data.size.value if data.size else None
    pet.color = data.color
    pet.gender = data.gender.value if data.gender else None
    pet.good_with_kids = data.goodWithKids
    pet.price_minor = money.to_minor(data.price, data.currency)
    pet.currency = data.currency
    pet.description = data.description
    pet.vaccinated = medical.vaccinated if medical else None
    pet.spayed_neutered = medical.spayedNeutered if medical else None
    pet.microchipped = medical.microchipped if medical else None
    pet.special_needs = medical.specialNeeds if medical else None
    pet.health_notes = medical.healthNotes if medical else None
    pet.photos = list(data.photos or [])


async def create_pet(session: AsyncSession, tenant: str, data: PetWrite, base_url: str) -> Pet:
    now = utcnow()
    pet = Pet(id=new_id(), tenant=tenant, status=data.status.value, created_at=now, updated_at=now)
    _apply(pet, data)
    await repository.add(session, pet)
    payload = {"pet": pet_payload(pet, base_url)}
    await events.record(session, PET_CREATED, tenant, payload)
    if pet.status == PetStatus.AVAILABLE.value:
        await events.record(session, PET_AVAILABLE, tenant, payload)
    return pet


async def replace_pet(
    session: AsyncSession, actor: Principal, pet: Pet, data: PetWrite, base_url: str
) -> Pet:
    _apply(pet, data)
    await change_status(session, pet, data.status, actor, base_url)
    pet.updated_at = utcnow()
    await repository.flush(session)
    return pet


READ_ONLY_FIELDS = ("id", "tenantId", "createdAt", "updatedAt", "links")


def _write_fields(pet: Pet) -> dict[str, Any]:
    """The pet as a client would write it: its wire form without the server's own fields."""
    payload = pet_payload(pet, "")
    for field in READ_ONLY_FIELDS:
        del payload[field]
    return payload


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge recursively, ``null`` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


async def patch_pet(
    session: AsyncSession, actor: Principal, pet: Pet, patch: PetPatch, base_url: str
) -> Pet:
    raw = patch.model_dump(mode="json", exclude_unset=True)
    cleared = [f for f in REQUIRED_ON_PATCH if f in raw and raw[f] is None]
    if cleared:
        raise InvalidInput(
            "The merge patch removes required fields.",
            errors=[
                {"field": f, "message": "is required and cannot be null", "code": "missing"}
                for f in cleared
            ],
        )
    merged = merge_patch(_write_fields(pet), raw)
    try:
        replacement = PetWrite.model_validate(merged)
    except ValidationError as exc:  # the patch is valid alone but not applied to this pet
        raise InvalidInput(
            "The pet would be invalid after this patch.",
            errors=field_errors(exc, whole="body"),
        ) from exc
    return await replace_pet(session, actor, pet, replacement, base_url)


async def delete_pet(session: AsyncSession, pet: Pet, hooks: Sequence[RemovalHook]) -> None:
    """Delete the pet once every hook has agreed (see :data:`RemovalHook`)."""
    for hook in hooks:
        await hook(session, pet)
    await repository.remove(session, pet)


async def change_status(
    session: AsyncSession,
    pet: Pet,
    new_status: PetStatus,
    actor: Principal | None,
    base_url: str,
    *,
    expected: PetStatus | None = None,
) -> bool:
    """Move ``pet`` to ``new_status``; returns whether anything changed.

    The write is a compare-and-set on the status the caller saw (or ``expected``), so two
    requests racing for one pet (two buyers) cannot both win: the loser gets 409.
    """
    current = expected.value if expected is not None else pet.status
    if current == new_status.value and pet.status == current:
        return False
    if pet.status != current:
        raise conflict(
            f"The pet is {pet.status}, not {current}.",
            currentStatus=pet.status,
            requestedStatus=new_status.value,
        )
    now = utcnow()
    if not await repository.compare_and_set_status(session, pet, current, new_status.value, now):
        raise conflict(
            f"The pet is no longer {current}; someone else changed it first.",
            currentStatus=None,
            requestedStatus=new_status.value,
        )
    changed_by = str(actor.user_id) if actor is not None else "system"
    data = pet_payload(pet, base_url)
    await events.record(
        session,
        PET_STATUS_CHANGED,
        pet.tenant,
        {
            "pet": data,
            "previousStatus": current,
            "newStatus": new_status.value,
            "changedAt": rfc3339(now),
            "changedBy": changed_by,
        },
    )
    if new_status is PetStatus.AVAILABLE:
        await events.record(session, PET_AVAILABLE, pet.tenant, {"pet": data})
    elif new_status is PetStatus.ADOPTED:
        await events.record(
            session, PET_ADOPTED, pet.tenant, {"pet": data, "adoptedAt": rfc3339(now)}
        )
    return True


async def list_pets(
    session: AsyncSession, flt: PetFilter, offset: int, limit: int
) -> tuple[list[Pet], int]:
    """A page of pets matching ``flt`` in the default order, and how many match in all."""
    return await repository.page(session, flt, PetSort(), offset, limit)


async def some_pets(session: AsyncSession, flt: PetFilter, offset: int, limit: int) -> list[Pet]:
    """The same page without its total, for a door that shows none (GraphQL's ``pets``)."""
    return await repository.rows_of(session, flt, PetSort(), offset, limit)


async def search(
    session: AsyncSession, tenant: str, query: PetSearch
) -> tuple[list[Pet], int, int, int]:
    criteria = query.criteria
    flt = PetFilter(tenant=tenant)
    if criteria is not None:
        age = criteria.ageRange
        flt = PetFilter(
            tenant=tenant,
            statuses=[s.value for s in criteria.status] if criteria.status else ("AVAILABLE",),
            species=[s.value for s in criteria.species or []],
            sizes=[s.value for s in criteria.size or []],
            age_min=age.min if age else None,
            age_max=age.max if age else None,
            good_with_kids=criteria.compatibility.goodWithKids if criteria.compatibility else None,
            vaccinated=criteria.medical.vaccinated if criteria.medical else None,
            spayed_neutered=criteria.medical.spayedNeutered if criteria.medical else None,
            special_needs=criteria.medical.specialNeeds if criteria.medical else None,
        )
    sort = PetSort()
    if query.sort is not None:
        sort = PetSort(field=query.sort.field.value, descending=query.sort.order.value == "DESC")
    page_no = query.pagination.page if query.pagination else 1
    limit = query.pagination.limit if query.pagination else 20
    rows, total = await repository.page(session, flt, sort, (page_no - 1) * limit, limit)
    return rows, total, page_no, limit


async def cheapest_available(
    session: AsyncSession,
    tenant: str,
    limit: int,
    *,
    species: tuple[str, ...] = (),
    sizes: tuple[str, ...] = (),
    max_price_minor: int | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
    good_with_kids: bool | None = None,
    vaccinated: bool | None = None,
    spayed_neutered: bool | None = None,
) -> list[Pet]:
    """The cheapest AVAILABLE pets matching (ties by id): what the chat advisor recommends,
    so that it reads the catalog through the pets domain like every other door."""
    flt = PetFilter(
        tenant=tenant,
        species=species,
        sizes=sizes,
        age_min=age_min,
        age_max=age_max,
        good_with_kids=good_with_kids,
        vaccinated=vaccinated,
        spayed_neutered=spayed_neutered,
    )
    return await repository.cheapest(session, flt, limit, max_price_minor=max_price_minor)
