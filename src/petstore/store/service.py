"""Order rules: placing reserves the pet, the lifecycle moves pet and order together, and a
caller sees only their own orders (staff: all). Pet and order always change in the same
transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth.principal import Principal
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.core.links import current_base_url
from petstore.core.outbound import OutboundPolicy
from petstore.core.problems import conflict, forbidden, not_found
from petstore.core.schemas import minor_to_money, money_to_minor
from petstore.pets import service as pets
from petstore.pets.schemas import PetStatus
from petstore.store import repository
from petstore.store.lifecycle import OrderStatus, check_transition
from petstore.store.models import Order
from petstore.store.schemas import CallbackRequest, OrderCreate, order_payload
from petstore.users import repository as users
from petstore.webhooks import outbox
from petstore.webhooks.service import check_url

# What happens to the pet when its order reaches a status.
PET_STATUS_FOR_ORDER: dict[OrderStatus, PetStatus] = {
    OrderStatus.CANCELLED: PetStatus.AVAILABLE,
    OrderStatus.DELIVERED: PetStatus.ADOPTED,
}

STATUS_ORDER = ("AVAILABLE", "PENDING", "ADOPTED", "NOT_AVAILABLE")


async def place_order(
    session: AsyncSession, actor: Principal, tenant: str, data: OrderCreate
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
    await pets.change_status(session, pet, PetStatus.PENDING, actor, expected=PetStatus.AVAILABLE)
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
    await outbox.emit(session, tenant, "order.created", {"order": _order_data(order)})
    return order


def _order_data(order: Order) -> dict[str, Any]:
    return order_payload(order, current_base_url.get())


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
    session: AsyncSession, actor: Principal | None, order: Order, target: OrderStatus
) -> bool:
    """Apply a lifecycle step to the order and, where it matters, to its pet."""
    current = OrderStatus(order.status)
    if current is target:
        return False
    check_transition(current, target)
    pet_status = PET_STATUS_FOR_ORDER.get(target)
    if pet_status is not None:
        pet = await pets.find_pet(session, order.tenant, order.pet_id)
        if pet is not None:  # a pet deleted after delivery: nothing left to update
            await pets.change_status(session, pet, pet_status, actor)
    order.status = target.value
    order.updated_at = utcnow()
    await session.flush()
    await outbox.emit(
        session,
        order.tenant,
        "order.statusChanged",
        {
            "order": _order_data(order),
            "previousStatus": current.value,
            "newStatus": target.value,
            "changedAt": rfc3339(order.updated_at),
            "changedBy": str(actor.user_id) if actor is not None else "system",
        },
    )
    return True


async def cancel_order(session: AsyncSession, actor: Principal, order: Order) -> None:
    """DELETE semantics: cancelling a cancelled order again is a no-op, not an error."""
    if order.status == OrderStatus.CANCELLED.value:
        return
    await move_order(session, actor, order, OrderStatus.CANCELLED)


async def request_callback(
    session: AsyncSession, policy: OutboundPolicy, order: Order, data: CallbackRequest
) -> None:
    """The callback example: check the amount against the order, and report the outcome to
    ``callbackUrl`` through the event delivery engine (signed, retried, SSRF-guarded)."""
    await check_url(policy, data.callbackUrl, field="callbackUrl")
    matches = money_to_minor(data.amount) == order.total_minor and data.currency == order.currency
    result: dict[str, Any] = {
        "orderStatus": order.status,
        "totalAmount": minor_to_money(order.total_minor),
        "currency": order.currency,
        "requestedAmount": data.amount,
        "requestTimestamp": data.timestamp,
    }
    if not matches:
        result["reason"] = "The amount or currency does not match the order."
    payload = {
        "requestId": str(uuid.uuid4()),
        "orderId": str(order.id),
        "status": "COMPLETED" if matches else "FAILED",
        "result": result,
        "timestamp": str(int(utcnow().timestamp())),
    }
    await outbox.emit_callback(session, order.tenant, data.callbackUrl, payload)


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
