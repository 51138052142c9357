"""The root ``Mutation``: writes, each a call of the domain service the REST door calls. An
operation is one transaction: if any of its fields fails, nothing it wrote is kept."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from petstore.auth.service import Principal
from petstore.core.errors import not_found
from petstore.graphql.context import GraphQLContext, needs
from petstore.graphql.inputs import (
    CreateUserInput,
    PayOrderInput,
    PetInput,
    PetUpdateInput,
    PlaceOrderInput,
    body_of,
    validated,
)
from petstore.graphql.queries import parse_id
from petstore.graphql.types import Order, Payment, Pet, User
from petstore.payments import service as payments
from petstore.payments.schemas import PaymentCreate, payment_payload
from petstore.pets import service as pets
from petstore.pets.schemas import PetPatch, PetWrite, pet_payload
from petstore.store import service as store
from petstore.store.schemas import OrderCreate, order_payload
from petstore.users import service as users
from petstore.users.schemas import UserCreate, user_payload

Context = Info[GraphQLContext, None]

# As the REST operations they mirror (a test compares them).
WRITE_PETS = needs("write:pets")  # createPet, updatePet, deletePet
WRITE_ORDERS = needs("write:orders", sandbox_anonymous=True)  # createOrder, deleteOrder, pay


async def _pet_for_write(ctx: GraphQLContext, id: strawberry.ID) -> tuple[Principal, Any]:
    """The staff caller, then the pet (in that order: anonymous callers learn nothing)."""
    caller = await ctx.caller(WRITE_PETS)
    pet_id = parse_id(id)
    if pet_id is None:
        raise not_found("pet", id)
    return caller, await pets.get_pet(ctx.session, ctx.tenant, pet_id, for_update=True)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a pet to the catalog (`write:pets`, staff).")
    async def create_pet(self, info: Context, input: PetInput) -> Pet:
        ctx = info.context
        await ctx.caller(WRITE_PETS)
        data = validated(PetWrite, body_of(input))
        row = await pets.create_pet(ctx.session, ctx.tenant, data, ctx.base_url)
        return Pet.of(pet_payload(row, ctx.base_url))

    @strawberry.mutation(description="Change some fields of a pet, as a merge patch.")
    async def update_pet(self, info: Context, id: strawberry.ID, input: PetUpdateInput) -> Pet:
        ctx = info.context
        caller, row = await _pet_for_write(ctx, id)
        patch = validated(PetPatch, body_of(input))
        await pets.patch_pet(ctx.session, caller, row, patch, ctx.base_url)
        return Pet.of(pet_payload(row, ctx.base_url))

    @strawberry.mutation(description="Delete a pet; CONFLICT while it has an order in progress.")
    async def delete_pet(self, info: Context, id: strawberry.ID) -> bool:
        ctx = info.context
        _caller, row = await _pet_for_write(ctx, id)
        await pets.delete_pet(ctx.session, row, ctx.container.pet_removal_hooks)
        return True

    @strawberry.mutation(description="Reserve an AVAILABLE pet (`write:orders`).")
    async def place_order(self, info: Context, input: PlaceOrderInput) -> Order:
        ctx = info.context
        caller = await ctx.caller(WRITE_ORDERS)
        data = validated(OrderCreate, body_of(input))
        row = await store.place_order(ctx.session, caller, ctx.tenant, data, ctx.base_url)
        return Order.of(order_payload(row, ctx.base_url))

    @strawberry.mutation(description="Cancel a PLACED or APPROVED order (a paid one is refunded).")
    async def cancel_order(self, info: Context, id: strawberry.ID) -> Order:
        ctx = info.context
        caller = await ctx.caller(WRITE_ORDERS)
        order_id = parse_id(id)
        if order_id is None:
            raise not_found("order", id)
        row = await store.visible_order(ctx.session, caller, ctx.tenant, order_id, for_update=True)
        hooks = ctx.container.order_cancel_hooks
        await store.cancel_order(ctx.session, caller, row, ctx.base_url, on_cancel=hooks)
        return Order.of(order_payload(row, ctx.base_url))

    @strawberry.mutation(
        description=(
            "Pay a PLACED order. A declined payment is not an error: the attempt is recorded "
            "and returned with status FAILED and its failureMessage; the order stays PLACED."
        )
    )
    async def pay_order(self, info: Context, input: PayOrderInput) -> Payment:
        ctx = info.context
        caller = await ctx.caller(WRITE_ORDERS)
        body = body_of(input)
        source = body.pop("source")
        kind, details = next(iter(source.items()))
        body["source"] = {"object": "card" if kind == "card" else "bank_account", **details}
        data = validated(PaymentCreate, body)
        order_id = parse_id(input.order_id)
        if order_id is None:
            raise not_found("order", input.order_id)
        order = await store.visible_order(
            ctx.session, caller, ctx.tenant, order_id, for_update=True
        )
        outcome = await payments.pay_order(
            ctx.session, ctx.container.processor, caller, order, data, ctx.base_url
        )
        return Payment.of(payment_payload(outcome.payment, outcome.receipt, None, ctx.base_url))

    @strawberry.mutation(description="Sign up (public), as POST /v1/users.")
    async def create_user(self, info: Context, input: CreateUserInput) -> User:
        ctx = info.context
        data = validated(UserCreate, body_of(input))
        settings = ctx.container.settings
        row = await users.sign_up(
            ctx.session, ctx.container.passwords, ctx.tenant, data, sandbox=settings.sandbox
        )
        return User.of(user_payload(row, ctx.base_url))
