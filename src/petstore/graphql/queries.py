"""The root ``Query``: reads, each a call of the domain service the REST door calls."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from petstore.core.errors import NotFound, validation_failed
from petstore.graphql.context import GraphQLContext, needs
from petstore.graphql.inputs import (
    PaginationInput,
    PetSearchCriteriaInput,
    PetSortInput,
    body_of,
    validated,
)
from petstore.graphql.types import (
    Inventory,
    Order,
    OrderPage,
    PageInfo,
    Pet,
    PetPage,
    SpeciesCounts,
    StatusCounts,
    User,
)
from petstore.pets import service as pets
from petstore.pets.schemas import PetSearch, PetStatus, Size, Species, pet_payload
from petstore.store import service as store
from petstore.store.schemas import OrderStatus, order_payload
from petstore.users import service as users
from petstore.users.schemas import user_payload

Context = Info[GraphQLContext, None]
MAX_LIMIT = 100

# What each field needs: as the REST operation it mirrors (a test compares them).
READ_USER = needs("read:user", sandbox_anonymous=True)  # getCurrentUser
READ_ORDERS = needs("read:orders", sandbox_anonymous=True)  # getOrder, listOrders
READ_INVENTORY = needs("read:pets", sandbox_anonymous=True)  # getStoreInventory


def page_of(page: int, limit: int) -> tuple[int, int]:
    if not 1 <= page <= 1_000_000:
        raise validation_failed("page", "must be between 1 and 1000000", "range")
    if not 1 <= limit <= MAX_LIMIT:
        raise validation_failed("limit", f"must be between 1 and {MAX_LIMIT}", "range")
    return page, limit


def parse_id(value: str) -> uuid.UUID | None:
    """``None`` for a value that is no UUID: no such resource, as an unknown id."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def filter_id(value: str | None, field: str) -> uuid.UUID | None:
    """A filter argument must be a UUID: a typo must not widen the filter to everything."""
    if value is None:
        return None
    parsed = parse_id(value)
    if parsed is None:
        raise validation_failed(field, "must be a UUID", "uuid_parsing")
    return parsed


@strawberry.type
class Query:
    @strawberry.field(description="A page of pets; without `status`, the AVAILABLE ones.")
    async def pets(
        self,
        info: Context,
        species: Species | None = None,
        status: PetStatus = PetStatus.AVAILABLE,
        age_min: int | None = None,
        age_max: int | None = None,
        size: Size | None = None,
        good_with_kids: bool | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> list[Pet]:
        ctx = info.context
        page, limit = page_of(page, limit)
        flt = pets.PetFilter(
            tenant=ctx.tenant,
            statuses=(status.value,),
            species=(species.value,) if species else (),
            sizes=(size.value,) if size else (),
            age_min=age_min,
            age_max=age_max,
            good_with_kids=good_with_kids,
        )
        rows = await pets.some_pets(ctx.session, flt, (page - 1) * limit, limit)
        return [Pet.of(pet_payload(row, ctx.base_url)) for row in rows]

    @strawberry.field(description="One pet; null for an unknown id.")
    async def pet(self, info: Context, id: strawberry.ID) -> Pet | None:
        pet_id = parse_id(id)
        if pet_id is None:
            return None
        # One pet at the root needs no batching, and a DataLoader costs a task and a loop
        # turn; it is primed instead, for the same pet met again below (an order's).
        ctx = info.context
        found = await pets.find_pet(ctx.session, ctx.tenant, pet_id)
        pet = Pet.of(pet_payload(found, ctx.base_url)) if found else None
        ctx.loaders.pets.prime(pet_id, pet)
        return pet

    @strawberry.field(description="The structured search of QUERY /v1/pets, with its totals.")
    async def search_pets(
        self,
        info: Context,
        criteria: PetSearchCriteriaInput | None = None,
        sort: PetSortInput | None = None,
        pagination: PaginationInput | None = None,
    ) -> PetPage:
        ctx = info.context
        body = {
            key: body_of(value)
            for key, value in (("criteria", criteria), ("sort", sort), ("pagination", pagination))
            if value is not None
        }
        query = validated(PetSearch, body, prefix="")
        rows, total, page, limit = await pets.search(ctx.session, ctx.tenant, query)
        return PetPage(
            items=[Pet.of(pet_payload(row, ctx.base_url)) for row in rows],
            page_info=PageInfo.of(page, limit, total),
            total_items=total,
        )

    @strawberry.field(description="The signed-in user (`read:user`).")
    async def me(self, info: Context) -> User:
        ctx = info.context
        caller = await ctx.caller(READ_USER)
        row = await users.visible_user(ctx.session, caller, ctx.tenant, caller.user_id)
        return User.of(user_payload(row, ctx.base_url))

    @strawberry.field(description="One of your orders (staff: any); null when unknown.")
    async def order(self, info: Context, id: strawberry.ID) -> Order | None:
        ctx = info.context
        caller = await ctx.caller(READ_ORDERS)
        order_id = parse_id(id)
        if order_id is None:
            return None
        try:
            row = await store.visible_order(ctx.session, caller, ctx.tenant, order_id)
        except NotFound:
            return None
        return Order.of(order_payload(row, ctx.base_url))

    @strawberry.field(description="Your orders, newest first; staff see everyone's.")
    async def orders(
        self,
        info: Context,
        status: OrderStatus | None = None,
        user_id: strawberry.ID | None = None,
        pet_id: strawberry.ID | None = None,
        page: int = 1,
        limit: int = 20,
    ) -> OrderPage:
        ctx = info.context
        caller = await ctx.caller(READ_ORDERS)
        page, limit = page_of(page, limit)
        rows, total = await store.list_orders(
            ctx.session,
            caller,
            ctx.tenant,
            statuses=[status.value] if status else [],
            user_id=filter_id(user_id, "userId"),
            pet_id=filter_id(pet_id, "petId"),
            offset=(page - 1) * limit,
            limit=limit,
        )
        return OrderPage(
            items=[Order.of(order_payload(row, ctx.base_url)) for row in rows],
            page_info=PageInfo.of(page, limit, total),
            total_items=total,
        )

    @strawberry.field(description="Pet counts of the tenant (`read:pets`).")
    async def inventory(self, info: Context) -> Inventory:
        ctx = info.context
        await ctx.caller(READ_INVENTORY)
        summary = await store.inventory_summary(ctx.session, ctx.tenant)
        by_species = summary["bySpecies"]
        assert isinstance(by_species, dict)
        return Inventory(
            counts=StatusCounts.of(summary),  # type: ignore[arg-type]
            by_species=[
                SpeciesCounts(species=Species(name), counts=StatusCounts.of(values))
                for name, values in sorted(by_species.items())
            ],
        )
