"""The root ``Subscription`` (``graphql-transport-ws``), over the live feed: committed events
of the caller's tenant, from whichever instance committed them (instances sharing PostgreSQL
hear each other through it; SQLite instances through Redis). The checks happen once, when the
subscription starts, in a short transaction; a subscription holds no database connection.

A subscription ends when the server shuts down or the listener falls too far behind (the
client re-reads and subscribes again: the feed is live, not a log)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from strawberry.types import Info

from petstore.core.database import unit_of_work
from petstore.core.errors import DomainError, not_found
from petstore.graphql.context import GraphQLContext
from petstore.graphql.extensions import refusal
from petstore.graphql.queries import READ_ORDERS, parse_id
from petstore.graphql.types import Order, OrderEvent, Pet, PetEvent
from petstore.pets import service as pets
from petstore.pets.schemas import PetStatus
from petstore.store import service as store

Context = Info[GraphQLContext, None]


async def _events(ctx: GraphQLContext, tenant: str) -> AsyncGenerator[dict[str, Any], None]:
    async with ctx.container.live.subscribe(tenant=tenant) as subscription:
        async for message in subscription:
            yield message.data


def _tenant(ctx: GraphQLContext) -> str:
    try:
        return ctx.tenant
    except DomainError as exc:
        raise refusal(exc) from None


def _pet_event(envelope: dict[str, Any]) -> PetEvent:
    data = envelope["data"]
    previous = data.get("previousStatus")
    return PetEvent(
        event_id=strawberry.ID(envelope["eventId"]),
        event_type=envelope["eventType"],
        timestamp=envelope["timestamp"],
        pet=Pet.of(data["pet"]),
        previous_status=PetStatus(previous) if previous else None,
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Status changes of one pet, or of every pet.")
    async def pet_status_changed(
        self, info: Context, pet_id: strawberry.ID | None = None
    ) -> AsyncGenerator[PetEvent, None]:
        ctx = info.context
        tenant = _tenant(ctx)
        if pet_id is not None:
            wanted = parse_id(pet_id)
            async with unit_of_work(ctx.container.sessionmaker, write=False) as session:
                if wanted is None or await pets.find_pet(session, tenant, wanted) is None:
                    raise refusal(not_found("pet", pet_id))
        async for envelope in _events(ctx, tenant):
            if envelope["eventType"] != "pet.statusChanged":
                continue
            if pet_id is None or envelope["data"]["pet"]["id"] == str(pet_id):
                yield _pet_event(envelope)

    @strawberry.subscription(description="Pets added to the catalog.")
    async def pet_added(self, info: Context) -> AsyncGenerator[Pet, None]:
        ctx = info.context
        async for envelope in _events(ctx, _tenant(ctx)):
            if envelope["eventType"] == "pet.created":
                yield Pet.of(envelope["data"]["pet"])

    @strawberry.subscription(
        description="Changes to one order you may see (`read:orders`), or to all of yours."
    )
    async def order_status_changed(
        self, info: Context, order_id: strawberry.ID | None = None
    ) -> AsyncGenerator[OrderEvent, None]:
        ctx = info.context
        tenant = _tenant(ctx)
        async with unit_of_work(ctx.container.sessionmaker, write=False) as session:
            ctx.bind(session)
            try:
                caller = await ctx.caller(READ_ORDERS)
                if order_id is not None:
                    wanted = parse_id(order_id) or uuid.UUID(int=0)
                    await store.visible_order(session, caller, tenant, wanted)
            except DomainError as exc:
                raise refusal(exc) from None
            finally:
                ctx.bind(None)
        async for envelope in _events(ctx, tenant):
            order = envelope.get("data", {}).get("order")
            if not isinstance(order, dict):
                continue
            if order_id is not None and order["id"] != str(order_id):
                continue
            if not caller.can_see_user(uuid.UUID(order["userId"])):
                continue  # a user hears only their own orders
            yield OrderEvent(
                event_id=strawberry.ID(envelope["eventId"]),
                event_type=envelope["eventType"],
                timestamp=envelope["timestamp"],
                order=Order.of(order),
            )
