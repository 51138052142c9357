"""The classic store's rules, as the reference server behaves.

Writes replace: ``POST /pet`` with the id of an existing pet replaces it, a user created with
a taken username replaces that user. An omitted id is one more than the tenant's highest.
Each tenant's store starts as the reference's seed, loaded in its own transaction on the
tenant's first classic request (and again by ``petstore classic reset``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from petstore.classic import repository
from petstore.classic.models import ClassicOrder, ClassicPet, ClassicSeeded, ClassicUser
from petstore.classic.schemas import (
    INT64_MAX,
    ORDER_STATUSES,
    ApiResponse,
    Order,
    Pet,
    PetStatus,
    User,
)
from petstore.classic.seed import seed_rows
from petstore.core.errors import InvalidInput, NotFound
from petstore.core.ids import as_utc, utcnow

PET_NOT_FOUND = "Pet not found"
ORDER_NOT_FOUND = "Order not found"
USER_NOT_FOUND = "User not found"
NO_ID = "Invalid ID supplied"
NO_FILE = "No file uploaded"
PET_DELETED = "Pet deleted"
ORDER_DELETED = "order deleted"
USER_DELETED = "User deleted"
LOGGED_OUT = "User logged out"
# What the reference's login answers in X-Rate-Limit (calls per hour) and X-Expires-After.
LOGIN_RATE_LIMIT = 5000
LOGIN_SESSION = timedelta(hours=1)

# (database, tenant) pairs known to be seeded: a seed marker is only ever replaced, never
# removed on its own, so once seen it stays true for the life of the process.
_seeded: set[tuple[str, str]] = set()


async def ensure_seeded(sessionmaker: async_sessionmaker[AsyncSession], tenant: str) -> None:
    """Seed the tenant's store, once, in a transaction of its own (so a read-only request, or
    a request that fails, still finds the seed complete). A concurrent first request loses the
    race on the marker's key and rolls back; the seed it would have written is there."""
    key = (str(sessionmaker.kw.get("bind")), tenant)
    if key in _seeded:
        return
    async with sessionmaker() as session:
        await repository.begin_writing(session)
        try:
            if not await repository.is_seeded(session, tenant):
                await _load_seed(session, tenant)
                await session.commit()
        except IntegrityError:
            await session.rollback()
            if not await repository.is_seeded(session, tenant):
                raise
    _seeded.add(key)


async def _load_seed(session: AsyncSession, tenant: str) -> None:
    await repository.add_all(session, [ClassicSeeded(tenant=tenant, seeded_at=utcnow())])
    await repository.add_all(session, seed_rows(tenant))


async def reset(session: AsyncSession, tenant: str) -> None:
    """Forget everything the tenant's store holds and load the seed again."""
    await repository.clear(session, tenant)
    await _load_seed(session, tenant)


# Pets


def pet_wire(row: ClassicPet) -> dict[str, Any]:
    return _present(
        {
            "id": row.id,
            "name": row.name,
            "category": row.category,
            "photoUrls": row.photo_urls,
            "tags": row.tags,
            "status": row.status,
        }
    )


def _pet_row(tenant: str, ident: int, pet: Pet) -> ClassicPet:
    category = pet.category.model_dump(exclude_none=True) if pet.category else None
    return ClassicPet(
        tenant=tenant,
        id=ident,
        name=pet.name,
        category=category,
        photo_urls=list(pet.photo_urls),
        tags=[tag.model_dump(exclude_none=True) for tag in pet.tags],
        status=pet.status,
    )


async def _free_id(
    session: AsyncSession, kind: type[ClassicPet | ClassicOrder], tenant: str
) -> int:
    """One more than the tenant's highest id; past the largest int64 (someone chose it), a
    random unused one, as the reference picks."""
    ident = await repository.next_id(session, kind, tenant)
    while ident > INT64_MAX or await repository.id_taken(session, kind, tenant, ident):
        ident = secrets.randbelow(INT64_MAX) + 1
    return ident


async def add_pet(session: AsyncSession, tenant: str, pet: Pet) -> ClassicPet:
    ident = pet.id if pet.id is not None else await _free_id(session, ClassicPet, tenant)
    row = _pet_row(tenant, ident, pet)
    await repository.save(session, row)
    return row


async def get_pet(session: AsyncSession, tenant: str, ident: int) -> ClassicPet:
    row = await repository.get(session, ClassicPet, tenant, ident)
    if row is None:
        raise NotFound(PET_NOT_FOUND)
    return row


async def update_pet(session: AsyncSession, tenant: str, pet: Pet) -> ClassicPet:
    if pet.id is None:
        raise InvalidInput(NO_ID)
    await get_pet(session, tenant, pet.id)
    return await add_pet(session, tenant, pet)


async def find_by_status(
    session: AsyncSession, tenant: str, statuses: Sequence[PetStatus]
) -> list[ClassicPet]:
    return await repository.pets(session, tenant, sorted(set(statuses)))


async def find_by_tags(session: AsyncSession, tenant: str, tags: Sequence[str]) -> list[ClassicPet]:
    """Pets with any of the tags, each once, in id order. Tags live inside each pet's JSON,
    which the two databases query differently; a sandbox store is small enough to scan."""
    wanted = set(tags)
    return [
        row
        for row in await repository.pets(session, tenant, None)
        if any(tag.get("name") in wanted for tag in row.tags)
    ]


async def update_with_form(
    session: AsyncSession, tenant: str, ident: int, name: str | None, status: PetStatus | None
) -> ClassicPet:
    row = await get_pet(session, tenant, ident)
    if name is not None:
        row.name = name
    if status is not None:
        row.status = status
    await repository.flush(session)
    return row


async def delete_pet(session: AsyncSession, tenant: str, ident: int) -> None:
    await repository.remove(session, await get_pet(session, tenant, ident))


async def upload_image(
    session: AsyncSession, tenant: str, ident: int, metadata: str | None, size: int
) -> ApiResponse:
    """The classic upload is a sandbox's: the pet must exist and the body must not be empty,
    the bytes are counted and not kept (the modern API stores and serves images)."""
    await get_pet(session, tenant, ident)
    if size == 0:
        raise InvalidInput(NO_FILE)
    message = f"additionalMetadata: {metadata}\n" if metadata else ""
    return ApiResponse(code=200, type="unknown", message=f"{message}File uploaded, {size} bytes")


# Store


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    """The classic wire form leaves absent values out."""
    return {name: value for name, value in fields.items() if value is not None}


def order_wire(row: ClassicOrder) -> dict[str, Any]:
    shipped = row.ship_date
    return _present(
        {
            "id": row.id,
            "petId": row.pet_id,
            "quantity": row.quantity,
            "shipDate": as_utc(shipped).isoformat().replace("+00:00", "Z") if shipped else None,
            "status": row.status,
            "complete": row.complete,
        }
    )


async def inventory(session: AsyncSession, tenant: str) -> dict[str, int]:
    """Orders by status, as the reference counts (every status named, zero included)."""
    counts = await repository.order_counts(session, tenant)
    return {status: counts.get(status, 0) for status in ORDER_STATUSES}


async def place_order(session: AsyncSession, tenant: str, order: Order) -> ClassicOrder:
    ident = order.id if order.id is not None else await _free_id(session, ClassicOrder, tenant)
    row = ClassicOrder(
        tenant=tenant,
        id=ident,
        pet_id=order.pet_id,
        quantity=order.quantity,
        ship_date=order.ship_date,
        status=order.status,
        complete=order.complete,
    )
    await repository.save(session, row)
    return row


async def get_order(session: AsyncSession, tenant: str, ident: int) -> ClassicOrder:
    row = await repository.get(session, ClassicOrder, tenant, ident)
    if row is None:
        raise NotFound(ORDER_NOT_FOUND)
    return row


async def delete_order(session: AsyncSession, tenant: str, ident: int) -> None:
    await repository.remove(session, await get_order(session, tenant, ident))


# Users


def user_wire(row: ClassicUser) -> dict[str, Any]:
    return _present(
        {
            "id": row.id,
            "username": row.username,
            "firstName": row.first_name,
            "lastName": row.last_name,
            "email": row.email,
            "password": row.password,
            "phone": row.phone,
            "userStatus": row.user_status,
        }
    )


async def create_user(session: AsyncSession, tenant: str, user: User) -> ClassicUser:
    row = ClassicUser(
        tenant=tenant,
        username=user.username,
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        password=user.password,
        phone=user.phone,
        user_status=user.user_status,
    )
    await repository.save(session, row)
    return row


async def create_users(session: AsyncSession, tenant: str, users: Sequence[User]) -> ClassicUser:
    """Create (or replace) each; the answer is the last one, the single User the spec names."""
    rows = [await create_user(session, tenant, user) for user in users]
    return rows[-1]


async def get_user(session: AsyncSession, tenant: str, username: str) -> ClassicUser:
    row = await repository.user(session, tenant, username)
    if row is None:
        raise NotFound(USER_NOT_FOUND)
    return row


async def update_user(session: AsyncSession, tenant: str, username: str, user: User) -> ClassicUser:
    """Replace the user; a body naming another username renames it (replacing any user that
    had the new name, as creating one would)."""
    await repository.remove(session, await get_user(session, tenant, username))
    taken = await repository.user(session, tenant, user.username)
    if taken is not None:
        await repository.remove(session, taken)
    return await create_user(session, tenant, user)


async def delete_user(session: AsyncSession, tenant: str, username: str) -> None:
    await repository.remove(session, await get_user(session, tenant, username))


@dataclass(frozen=True, slots=True)
class LoginSession:
    text: str
    rate_limit: int
    expires_after: datetime


def login() -> LoginSession:
    """Anyone may log in, as on the reference (a sandbox has no secrets): the answer is a
    session string nothing else checks, with the reference's headers."""
    return LoginSession(
        text=f"Logged in user session: {secrets.randbelow(2**63)}",
        rate_limit=LOGIN_RATE_LIMIT,
        expires_after=utcnow() + LOGIN_SESSION,
    )
