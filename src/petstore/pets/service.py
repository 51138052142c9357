"""Pet rules. Every status change goes through :func:`change_status`, the one place later
features (events, orders) hook into."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from petstore.auth.principal import Principal
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.core.links import current_base_url
from petstore.core.problems import Problem, conflict, not_found
from petstore.core.schemas import minor_to_money, money_to_minor
from petstore.images import service as images
from petstore.images.storage import ImageStorage
from petstore.pets import repository
from petstore.pets.models import Pet
from petstore.pets.repository import PetFilter, PetSort
from petstore.pets.schemas import PetPatch, PetSearch, PetStatus, PetWrite, pet_payload
from petstore.store.models import Order
from petstore.webhooks import outbox

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
    pet.price_minor = money_to_minor(data.price)
    pet.currency = data.currency
    pet.description = data.description
    pet.vaccinated = medical.vaccinated if medical else None
    pet.spayed_neutered = medical.spayedNeutered if medical else None
    pet.microchipped = medical.microchipped if medical else None
    pet.special_needs = medical.specialNeeds if medical else None
    pet.health_notes = medical.healthNotes if medical else None
    pet.photos = list(data.photos or [])


async def create_pet(session: AsyncSession, tenant: str, data: PetWrite) -> Pet:
    now = utcnow()
    pet = Pet(id=new_id(), tenant=tenant, status=data.status.value, created_at=now, updated_at=now)
    _apply(pet, data)
    await repository.add(session, pet)
    if pet.status == PetStatus.AVAILABLE.value:
        await outbox.emit(session, tenant, "pet.available", {"pet": _pet_data(pet)})
    return pet


def _pet_data(pet: Pet) -> dict[str, Any]:
    return pet_payload(pet, current_base_url.get())


async def replace_pet(session: AsyncSession, actor: Principal, pet: Pet, data: PetWrite) -> Pet:
    _apply(pet, data)
    await change_status(session, pet, data.status, actor)
    pet.updated_at = utcnow()
    await session.flush()
    return pet


def _write_fields(pet: Pet) -> dict[str, Any]:
    return {
        "name": pet.name,
        "species": pet.species,
        "ageMonths": pet.age_months,
        "price": minor_to_money(pet.price_minor),
        "currency": pet.currency,
        "status": pet.status,
        "breed": pet.breed,
        "size": pet.size,
        "color": pet.color,
        "gender": pet.gender,
        "goodWithKids": pet.good_with_kids,
        "description": pet.description,
        "medicalInfo": {
            "vaccinated": pet.vaccinated,
            "spayedNeutered": pet.spayed_neutered,
            "microchipped": pet.microchipped,
            "specialNeeds": pet.special_needs,
            "healthNotes": pet.health_notes,
        },
        "photos": list(pet.photos or []),
    }


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


async def patch_pet(session: AsyncSession, actor: Principal, pet: Pet, patch: PetPatch) -> Pet:
    raw = patch.model_dump(mode="json", exclude_unset=True)
    cleared = [f for f in REQUIRED_ON_PATCH if f in raw and raw[f] is None]
    if cleared:
        raise Problem(
            422,
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
        raise Problem(
            422,
            "The pet would be invalid after this patch.",
            errors=[
                {
                    "field": ".".join(str(p) for p in e["loc"]) or "body",
                    "message": e["msg"],
                    "code": e["type"],
                }
                for e in exc.errors()
            ],
        ) from exc
    return await replace_pet(session, actor, pet, replacement)


async def delete_pet(
    session: AsyncSession,
    pet: Pet,
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: ImageStorage,
) -> None:
    """Delete the pet; its image rows go by cascade, their files once the deletion commits.

    A pet with an order in progress cannot be deleted: cancel or complete the order first.
    """
    open_order = await session.scalar(
        select(Order.id)
        .where(Order.pet_id == pet.id, Order.status.in_(("PLACED", "APPROVED", "SHIPPED")))
        .limit(1)
    )
    if open_order is not None:
        raise conflict(
            "The pet has an order in progress; cancel or complete it first.",
            orderId=str(open_order),
        )
    await images.forget_pet_images(session, sessionmaker, storage, pet)
    await repository.remove(session, pet)


async def change_status(
    session: AsyncSession,
    pet: Pet,
    new_status: PetStatus,
    actor: Principal | None,
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
    result = await session.execute(
        update(Pet)
        .where(Pet.id == pet.id, Pet.status == current)
        .values(status=new_status.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise conflict(
            f"The pet is no longer {current}; someone else changed it first.",
            currentStatus=None,
            requestedStatus=new_status.value,
        )
    set_committed_value(pet, "status", new_status.value)
    set_committed_value(pet, "updated_at", now)
    changed_by = str(actor.user_id) if actor is not None else "system"
    data = _pet_data(pet)
    await outbox.emit(
        session,
        pet.tenant,
        "pet.statusChanged",
        {
            "pet": data,
            "previousStatus": current,
            "newStatus": new_status.value,
            "changedAt": rfc3339(now),
            "changedBy": changed_by,
        },
    )
    if new_status is PetStatus.AVAILABLE:
        await outbox.emit(session, pet.tenant, "pet.available", {"pet": data})
    elif new_status is PetStatus.ADOPTED:
        await outbox.emit(
            session, pet.tenant, "pet.adopted", {"pet": data, "adoptedAt": rfc3339(now)}
        )
    return True


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
