"""The order state machine, the one place that decides which status changes are legal.

``PLACED → APPROVED`` (payment) ``→ SHIPPED → DELIVERED``; any non-final status may become
``CANCELLED``. ``DELIVERED`` and ``CANCELLED`` are final.
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
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def can_move(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    """Raise a 409 problem naming both states when ``current → target`` is not allowed."""
    if not can_move(current, target):
        raise conflict(
            f"An order that is {current.value} cannot become {target.value}.",
            currentStatus=current.value,
            requestedStatus=target.value,
        )
