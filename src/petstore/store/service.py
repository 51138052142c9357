"""Order rules: placing reserves the pet, the lifecycle moves pet and order together, and a
caller sees only their own orders (staff: all). Pet and order always change in the same
transaction. Functions that record events take the ``base_url`` their links point at."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.core import events, money
from petstore.core.errors import conflict, forbidden, not_found
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.core.outbound import OutboundPolicy, check_public_url
from petstore.pets import service as pets
from petstore.pets.models import Pet
from petstore.pets.schemas import PetStatus
from petstore.store import repository
from petstore.store.events import ORDER_CREATED, ORDER_STATUS_CHANGED
from petstore.store.lifecycle import OrderStatus, check_transition
from petstore.store.models import Order
from petstore.store.schemas import CallbackRequest, OrderCreate, order_payload
from petstore.users import repository as users

CancelHook = Callable[[AsyncSession, Principal | None, Order, str], Awaitable[None]]
"""Run in the transaction that cancels an order, once it is CANCELLED: what the order took
must be given back (the payments domain refunds what was charged for it). Given by the
container, so this domain needs to know none of them; a hook that cannot do its part raises a
domain error and the cancellation is rolled back with it."""

# What happens to the pet when its order reaches a status.
PET_STATUS_FOR_ORDER: dict[OrderStatus, PetStatus] = {
    OrderStatus.CANCELLED: PetStatus.AVAILABLE,
    OrderStatus.DELIVERED: PetStatus.ADOPTED,
}

STATUS_ORDER = ("AVAILABLE", "PENDING", "ADOPTED", "NOT_AVAILABLE")


async def place_order(
    session: AsyncSession, actor: Principal, tenant: str, data: OrderCreate, base_url: str
) -> Order:
    buyer = data.userId or actor.user_id
    if buyer != actor.user_id:
        if not actor.is_staff:
            raise forbidden("Only staff may place an order for another user.")
        if await users.get(session, tenant, buyer) is None:
            raise not_found("user", buyer)
    pet = await pets.get_pet(session, tenant, data.petId)
    if pet.status != PetStatus.AVAILABLE.value:
        raise conflict(
            f"The pet is {pet.status}; only AVAILABLE pets can be ordered.",
            petStatus=pet.status,
        )
    if pet.price_minor <= 0:  # stored before prices had to be greater than zero
        raise conflict(
            "The pet has no price, so an order for it could never be paid; staff must give "
            "it one first.",
            petPrice=money.to_text(pet.price_minor, pet.currency),
        )
    await pets.change_status(
        session, pet, PetStatus.PENDING, actor, base_url, expected=PetStatus.AVAILABLE
    )
    now = utcnow()
    order = Order(
        id=new_id(),
        tenant=tenant,
        pet_id=pet.id,
        user_id=buyer,
        status=OrderStatus.PLACED.value,
        total_minor=pet.price_minor,
        currency=pet.currency,
        created_at=now,
        updated_at=now,
    )
    await repository.add(session, order)
    await events.record(session, ORDER_CREATED, tenant, {"order": order_payload(order, base_url)})
    return order


async def refuse_pet_removal_while_ordered(session: AsyncSession, pet: Pet) -> None:
    """A pet with an order in progress cannot be deleted: cancel or complete the order first
    (a :data:`petstore.pets.service.RemovalHook`)."""
    open_order = await repository.open_order_of_pet(session, pet.id)
    if open_order is not None:
        raise conflict(
            "The pet has an order in progress; cancel or complete it first.",
            orderId=str(open_order),
        )


async def visible_order(
    session: AsyncSession,
    actor: Principal,
    tenant: str,
    order_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> Order:
    order = await repository.get(session, tenant, order_id, for_update=for_update)
    if order is None or not (actor.is_staff or order.user_id == actor.user_id):
        raise not_found("order", order_id)
    return order


async def list_orders(
    session: AsyncSession,
    actor: Principal,
    tenant: str,
    *,
    statuses: Sequence[str],
    user_id: uuid.UUID | None,
    pet_id: uuid.UUID | None,
    offset: int,
    limit: int,
) -> tuple[list[Order], int]:
    if not actor.is_staff:
        user_id = actor.user_id  # users see their own orders, whatever they ask for
    return await repository.page(
        session,
        tenant,
        user_id=user_id,
        statuses=statuses,
        pet_id=pet_id,
        offset=offset,
        limit=limit,
    )


async def move_order(
    session: AsyncSession,
    actor: Principal | None,
    order: Order,
    target: OrderStatus,
    base_url: str,
    *,
    on_cancel: Sequence[CancelHook],
) -> bool:
    """Apply a lifecycle step to the order and, where it matters, to its pet; a cancellation
    also runs ``on_cancel``, all in the caller's transaction."""
    current = OrderStatus(order.status)
    if current is target:
        return False
    check_transition(current, target)
    pet_status = PET_STATUS_FOR_ORDER.get(target)
    if pet_status is not None:
        pet = await pets.find_pet(session, order.tenant, order.pet_id)
        if pet is not None:  # a pet deleted after delivery: nothing left to update
            await pets.change_status(session, pet, pet_status, actor, base_url)
    order.status = target.value
    order.updated_at = utcnow()
    await repository.flush(session)
    await events.record(
        session,
        ORDER_STATUS_CHANGED,
        order.tenant,
        {
            "order": order_payload(order, base_url),
            "previousStatus": current.value,
            "newStatus": target.value,
            "changedAt": rfc3339(order.updated_at),
            "changedBy": str(actor.user_id) if actor is not None else "system",
        },
    )
    if target is OrderStatus.CANCELLED:
        for hook in on_cancel:
            await hook(session, actor, order, base_url)
    return True


async def approve_order(
    session: AsyncSession, actor: Principal, order: Order, base_url: str
) -> None:
    """A payment succeeded: ``PLACED → APPROVED``."""
    await move_order(session, actor, order, OrderStatus.APPROVED, base_url, on_cancel=())


async def cancel_order(
    session: AsyncSession,
    actor: Principal,
    order: Order,
    base_url: str,
    *,
    on_cancel: Sequence[CancelHook],
) -> None:
    """DELETE semantics: cancelling a cancelled order again is a no-op, not an error (nothing
    is refunded twice); a SHIPPED or DELIVERED order cannot be cancelled (409)."""
    if order.status == OrderStatus.CANCELLED.value:
        return
    await move_order(session, actor, order, OrderStatus.CANCELLED, base_url, on_cancel=on_cancel)


async def callback_report(
    policy: OutboundPolicy, order: Order, data: CallbackRequest
) -> dict[str, Any]:
    """The callback example: check the amount against the order and say what the report to
    ``callbackUrl`` is (the REST door sends it, signed and retried, through the webhooks'
    delivery engine)."""
    await check_public_url(policy, data.callbackUrl, field="callbackUrl")
    matches = data.currency == order.currency and (
        money.to_minor(data.amount, data.currency) == order.total_minor
    )
    result: dict[str, Any] = {
        "orderStatus": order.status,
        "totalAmount": money.to_text(order.total_minor, order.currency),
        "currency": order.currency,
        "requestedAmount": data.amount,
        "requestTimestamp": data.timestamp,
    }
    if not matches:
        result["reason"] = "The amount or currency does not match the order."
    return {
        "requestId": str(uuid.uuid4()),
        "orderId": str(order.id),
        "status": "COMPLETED" if matches else "FAILED",
        "result": result,
        "timestamp": str(int(utcnow().timestamp())),
    }


async def inventory_by_status(
    session: AsyncSession, tenant: str, statuses: Sequence[str]
) -> dict[str, int]:
    counts = dict.fromkeys(statuses or STATUS_ORDER, 0)
    for _species, status, count in await repository.pet_counts(session, tenant, statuses):
        counts[status] = counts.get(status, 0) + count
    return counts


async def inventory_summary(session: AsyncSession, tenant: str) -> dict[str, object]:
    keys = {
        "AVAILABLE": "available",
        "PENDING": "pending",
        "ADOPTED": "adopted",
        "NOT_AVAILABLE": "notAvailable",
    }

    def empty() -> dict[str, int]:
        return {**dict.fromkeys(keys.values(), 0), "total": 0}

    summary = empty()
    by_species: dict[str, dict[str, int]] = {}
    for species, status, count in await repository.pet_counts(session, tenant, ()):
        bucket = by_species.setdefault(species, empty())
        for target in (summary, bucket):
            target[keys[status]] += count
            target["total"] += count
    return {**summary, "bySpecies": by_species}
