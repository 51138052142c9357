from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="OrderLinks")


@_attrs_define
class OrderLinks:
    """
    Attributes:
        self_ (str):
        pet (str):
        payments (str):
        pay (str):
    """

    self_: str
    pet: str
    payments: str
    pay: str

    def to_dict(self) -> dict[str, Any]:
        self_ = self.self_

        pet = self.pet

        payments = self.payments

        pay = self.pay

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "self": self_,
                "pet": pet,
                "payments": payments,
                "pay": pay,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        self_ = d.pop("self")

        pet = d.pop("pet")

        payments = d.pop("payments")

        pay = d.pop("pay")

        order_links = cls(
            self_=self_,
            pet=pet,
            payments=payments,
            pay=pay,
        )

        return order_links
