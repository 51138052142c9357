from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.order import Order


T = TypeVar("T", bound="OrderData")


@_attrs_define
class OrderData:
    """
    Attributes:
        order (Order):
    """

    order: Order

    def to_dict(self) -> dict[str, Any]:
        order = self.order.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "order": order,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order import Order  # noqa: PLC0415

        d = dict(src_dict)
        order = Order.from_dict(d.pop("order"))

        order_data = cls(
            order=order,
        )

        return order_data
