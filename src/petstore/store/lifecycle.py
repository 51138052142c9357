"""The order state machine, the one place that decides which status changes are legal.

``PLACED → APPROVED`` (payment) ``→ SHIPPED → DELIVERED``; an order may be ``CANCELLED`` until
it ships (a paid one is refunded), not once the pet is on its way. ``DELIVERED`` and
``CANCELLED`` are final.
"""

from __future__ import annotations

from enum import StrEnum

from petstore.core.errors import conflict


class OrderStatus(StrEnum):
    PLACED = "PLACED"
    APPROVED = "APPROVED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.APPROVED, OrderStatus.CANCELLED}),
    OrderStatus.APPROVED: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def can_move(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    """Raise a 409 problem naming both states when ``current → target`` is not allowed."""
    if not can_move(current, target):
        detail = f"An order that is {current.value} cannot become {target.value}."
        if target is OrderStatus.CANCELLED:
            detail += " Only PLACED and APPROVED orders can be cancelled (a paid one is refunded)."
        raise conflict(detail, currentStatus=current.value, requestedStatus=target.value)
