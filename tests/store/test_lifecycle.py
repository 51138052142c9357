"""The order state machine, checked on every (current, requested) pair of states."""

from __future__ import annotations

import itertools

import pytest

from petstore.core.errors import Conflict
from petstore.core.problems import from_domain_error
from petstore.store.lifecycle import TRANSITIONS, OrderStatus, can_move, check_transition

PLACED, APPROVED, SHIPPED, DELIVERED, CANCELLED = (
    OrderStatus.PLACED,
    OrderStatus.APPROVED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
)

# The documented lifecycle: PLACED → APPROVED (payment) → SHIPPED → DELIVERED; an order may be
# CANCELLED until it ships (once shipped it can only be delivered); DELIVERED and CANCELLED are
# final.
DOCUMENTED: frozenset[tuple[OrderStatus, OrderStatus]] = frozenset(
    {
        (PLACED, APPROVED),
        (APPROVED, SHIPPED),
        (SHIPPED, DELIVERED),
        (PLACED, CANCELLED),
        (APPROVED, CANCELLED),
    }
)
ALL_PAIRS = list(itertools.product(OrderStatus, repeat=2))


def test_the_five_states() -> None:
    assert {s.value for s in OrderStatus} == {
        "PLACED",
        "APPROVED",
        "SHIPPED",
        "DELIVERED",
        "CANCELLED",
    }
    assert set(TRANSITIONS) == set(OrderStatus)


def test_allowed_set_is_exactly_the_documented_one() -> None:
    allowed = {(a, b) for a, b in ALL_PAIRS if can_move(a, b)}
    assert allowed == DOCUMENTED


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=lambda s: str(s.value))
def test_every_pair(current: OrderStatus, target: OrderStatus) -> None:
    expected = (current, target) in DOCUMENTED
    assert can_move(current, target) is expected
    if expected:
        check_transition(current, target)  # does not raise
        return
    with pytest.raises(Conflict) as caught:
        check_transition(current, target)
    problem = from_domain_error(caught.value)  # as the REST door answers it
    assert problem.status == 409
    assert problem.slug == "conflict"
    assert problem.extensions == {
        "currentStatus": current.value,
        "requestedStatus": target.value,
    }
    assert current.value in str(problem.detail)
    assert target.value in str(problem.detail)


@pytest.mark.parametrize("final", [DELIVERED, CANCELLED])
def test_final_states_go_nowhere(final: OrderStatus) -> None:
    assert not any(can_move(final, target) for target in OrderStatus)


@pytest.mark.parametrize("status", [PLACED, APPROVED])
def test_an_order_can_be_cancelled_until_it_ships(status: OrderStatus) -> None:
    assert can_move(status, CANCELLED)


@pytest.mark.parametrize("status", [SHIPPED, DELIVERED])
def test_a_shipped_or_delivered_order_cannot_be_cancelled(status: OrderStatus) -> None:
    assert not can_move(status, CANCELLED)
    with pytest.raises(Conflict) as caught:
        check_transition(status, CANCELLED)
    assert "Only PLACED and APPROVED orders can be cancelled" in caught.value.detail


def test_no_skipping_and_no_going_back() -> None:
    chain = [PLACED, APPROVED, SHIPPED, DELIVERED]
    for i, current in enumerate(chain):
        for j, target in enumerate(chain):
            assert can_move(current, target) is (j == i + 1), (current, target)
