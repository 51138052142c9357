"""Every query on ``pets``: filtered, sorted pages and single rows, always tenant-scoped."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from petstore.pets.models import Pet, PetCount


@dataclass(frozen=True, slots=True)
class PetFilter:
    tenant: str
    statuses: Sequence[str] = ("AVAILABLE",)
    species: Sequence[str] = ()
    sizes: Sequence[str] = ()
    age_min: int | None = None
    age_max: int | None = None
    good_with_kids: bool | None = None
    vaccinated: bool | None = None
    spayed_neutered: bool | None = None
    special_needs: bool | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = [Pet.tenant == self.tenant]
        where.append(_one_or_many(Pet.status, self.statuses))
        if self.species:
            where.append(_one_or_many(Pet.species, self.species))
        if self.sizes:
            where.append(_one_or_many(Pet.size, self.sizes))
        if self.age_min is not None:
            where.append(Pet.age_months >= self.age_min)
        if self.age_max is not None:
            where.append(Pet.age_months <= self.age_max)
        for column, wanted in (
            (Pet.good_with_kids, self.good_with_kids),
            (Pet.vaccinated, self.vaccinated),
            (Pet.spayed_neutered, self.spayed_neutered),
            (Pet.special_needs, self.special_needs),
        ):
            if wanted is not None:
                where.append(column.is_(wanted))
        return where

    @property
    def only_status_and_species(self) -> bool:
        """True when ``pet_counts`` holds the answer to "how many match"."""
        return (
            not self.sizes
            and self.age_min is None
            and self.age_max is None
            and self.good_with_kids is None
            and self.vaccinated is None
            and self.spayed_neutered is None
            and self.special_needs is None
        )


def _one_or_many(column: ColumnElement[str] | object, values: Sequence[str]) -> ColumnElement[bool]:
    col: ColumnElement[str] = column  # type: ignore[assignment]
    return col == values[0] if len(values) == 1 else col.in_(values)


SORT_COLUMNS = {
    "AGE_MONTHS": Pet.age_months,
    "PRICE": Pet.price_minor,
    "NAME": Pet.name,
    "CREATED_AT": Pet.id,  # UUIDv7 ids sort in creation order
}


@dataclass(frozen=True, slots=True)
class PetSort:
    field: str = "CREATED_AT"
    descending: bool = False


def _ordered(query: Select[Pet], sort: PetSort) -> Select[Pet]:
    column = SORT_COLUMNS[sort.field]
    primary = column.desc() if sort.descending else column.asc()
    if column is Pet.id:
        return query.order_by(primary)
    tiebreak = Pet.id.desc() if sort.descending else Pet.id.asc()
    return query.order_by(primary, tiebreak)


async def page(
    session: AsyncSession, flt: PetFilter, sort: PetSort, offset: int, limit: int
) -> tuple[list[Pet], int]:
    total = await count(session, flt)
    return await rows_of(session, flt, sort, offset, limit), total


async def rows_of(
    session: AsyncSession, flt: PetFilter, sort: PetSort, offset: int, limit: int
) -> list[Pet]:
    rows = await session.scalars(
        _ordered(select(Pet).where(*flt.clauses()), sort).offset(offset).limit(limit)
    )
    return list(rows.all())


async def count(session: AsyncSession, flt: PetFilter) -> int:
    """How many pets match: from the counter rows when the filter is only status and species
    (the default list, the species tabs), else counted with an index-only scan of
    ``ix_pets_filter_count``, which holds every filterable column."""
    if flt.only_status_and_species:
        query = select(func.coalesce(func.sum(PetCount.n), 0)).where(
            PetCount.tenant == flt.tenant, _one_or_many(PetCount.status, flt.statuses)
        )
        if flt.species:
            query = query.where(_one_or_many(PetCount.species, flt.species))
        return int(await session.scalar(query) or 0)
    total = await session.scalar(select(func.count()).select_from(Pet).where(*flt.clauses()))
    return int(total or 0)


async def get(
    session: AsyncSession, tenant: str, pet_id: uuid.UUID, *, for_update: bool = False
) -> Pet | None:
    query = select(Pet).where(Pet.id == pet_id, Pet.tenant == tenant)
    if for_update:  # read-modify-write (photos, full replacement) must not lose updates
        query = query.with_for_update()
    return await session.scalar(query)


async def get_many(session: AsyncSession, tenant: str, pet_ids: Sequence[uuid.UUID]) -> list[Pet]:
    """The tenant's pets among ``pet_ids``, in one statement (unknown ids are left out)."""
    if not pet_ids:
        return []
    rows = await session.scalars(select(Pet).where(Pet.tenant == tenant, Pet.id.in_(pet_ids)))
    return list(rows.all())


async def add(session: AsyncSession, pet: Pet) -> None:
    session.add(pet)
    await session.flush()


async def remove(session: AsyncSession, pet: Pet) -> None:
    await session.execute(delete(Pet).where(Pet.id == pet.id))


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def compare_and_set_status(
    session: AsyncSession, pet: Pet, expected: str, new: str, now: datetime
) -> bool:
    """Move ``pet`` from ``expected`` to ``new`` in one conditional UPDATE; False if another
    transaction changed its status first (then nothing is written)."""
    result = await session.execute(
        update(Pet)
        .where(Pet.id == pet.id, Pet.status == expected)
        .values(status=new, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(pet, "status", new)
    set_committed_value(pet, "updated_at", now)
    return True


async def cheapest(
    session: AsyncSession, flt: PetFilter, limit: int, *, max_price_minor: int | None = None
) -> list[Pet]:
    """The first ``limit`` pets matching, cheapest first (ties by id), at most
    ``max_price_minor`` when given: what the chat advisor recommends from."""
    query = select(Pet).where(*flt.clauses())
    if max_price_minor is not None:
        query = query.where(Pet.price_minor <= max_price_minor)
    rows = await session.scalars(_ordered(query, PetSort(field="PRICE")).limit(limit))
    return list(rows.all())


async def count_in_tenant(session: AsyncSession, tenant: str) -> int:
    """Every pet of the tenant, whatever its status (is the tenant still empty?)."""
    return int(await session.scalar(select(func.count()).where(Pet.tenant == tenant)) or 0)


async def first_created(session: AsyncSession, tenant: str, limit: int) -> list[Pet]:
    """The tenant's ``limit`` oldest pets (UUIDv7 ids sort in creation order)."""
    rows = await session.scalars(
        select(Pet).where(Pet.tenant == tenant).order_by(Pet.id).limit(limit)
    )
    return list(rows.all())


async def insert_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert pets given as column values, in one statement (bulk loading)."""
    await session.execute(insert(Pet), rows)


async def remove_tenant(session: AsyncSession, tenant: str) -> int:
    """Delete every pet of the tenant (their images go by cascade); how many."""
    result = await session.execute(delete(Pet).where(Pet.tenant == tenant))
    return int(getattr(result, "rowcount", 0) or 0)
