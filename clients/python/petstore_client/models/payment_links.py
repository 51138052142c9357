from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="PaymentLinks")


@_attrs_define
class PaymentLinks:
    """
    Attributes:
        self_ (str):
        order (str):
        receipt (None | str):
    """

    self_: str
    order: str
    receipt: None | str

    def to_dict(self) -> dict[str, Any]:
        self_ = self.self_

        order = self.order

        receipt: None | str
        receipt = self.receipt

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "self": self_,
                "order": order,
                "receipt": receipt,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        self_ = d.pop("self")

        order = d.pop("order")

        def _parse_receipt(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        receipt = _parse_receipt(d.pop("receipt"))

        payment_links = cls(
            self_=self_,
            order=order,
            receipt=receipt,
        )

        return payment_links
