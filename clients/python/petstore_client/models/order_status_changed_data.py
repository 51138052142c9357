from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.order_status import OrderStatus

if TYPE_CHECKING:
    from ..models.order import Order


T = TypeVar("T", bound="OrderStatusChangedData")


@_attrs_define
class OrderStatusChangedData:
    """
    Attributes:
        order (Order):
        previous_status (OrderStatus):
        new_status (OrderStatus):
        changed_at (datetime.datetime):
        changed_by (str):
    """

    order: Order
    previous_status: OrderStatus
    new_status: OrderStatus
    changed_at: datetime.datetime
    changed_by: str

    def to_dict(self) -> dict[str, Any]:
        order = self.order.to_dict()

        previous_status = self.previous_status.value

        new_status = self.new_status.value

        changed_at = self.changed_at.isoformat()

        changed_by = self.changed_by

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "order": order,
                "previousStatus": previous_status,
                "newStatus": new_status,
                "changedAt": changed_at,
                "changedBy": changed_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order import Order  # noqa: PLC0415

        d = dict(src_dict)
        order = Order.from_dict(d.pop("order"))

        previous_status = OrderStatus(d.pop("previousStatus"))

        new_status = OrderStatus(d.pop("newStatus"))

        changed_at = datetime.datetime.fromisoformat(d.pop("changedAt"))

        changed_by = d.pop("changedBy")

        order_status_changed_data = cls(
            order=order,
            previous_status=previous_status,
            new_status=new_status,
            changed_at=changed_at,
            changed_by=changed_by,
        )

        return order_status_changed_data
