from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.billing_address import BillingAddress


T = TypeVar("T", bound="CardSource")


@_attrs_define
class CardSource:
    """
    Attributes:
        object_ (Literal['card']): `card` (case-insensitive).
        name (str):
        number (str): The full card number (write-only; reads show it masked).
        exp_month (int):
        exp_year (int):
        cvc (str | Unset):
        billing_address (BillingAddress | Unset):
    """

    object_: Literal["card"]
    name: str
    number: str
    exp_month: int
    exp_year: int
    cvc: str | Unset = UNSET
    billing_address: BillingAddress | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        name = self.name

        number = self.number

        exp_month = self.exp_month

        exp_year = self.exp_year

        cvc = self.cvc

        billing_address: dict[str, Any] | Unset = UNSET
        if not isinstance(self.billing_address, Unset):
            billing_address = self.billing_address.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "name": name,
                "number": number,
                "expMonth": exp_month,
                "expYear": exp_year,
            }
        )
        if cvc is not UNSET:
            field_dict["cvc"] = cvc
        if billing_address is not UNSET:
            field_dict["billingAddress"] = billing_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.billing_address import BillingAddress  # noqa: PLC0415

        d = dict(src_dict)
        object_ = cast(Literal["card"], d.pop("object"))
        if object_ != "card":
            raise ValueError(f"object must match const 'card', got '{object_}'")

        name = d.pop("name")

        number = d.pop("number")

        exp_month = d.pop("expMonth")

        exp_year = d.pop("expYear")

        cvc = d.pop("cvc", UNSET)

        _billing_address = d.pop("billingAddress", UNSET)
        billing_address: BillingAddress | Unset
        if isinstance(_billing_address, Unset):
            billing_address = UNSET
        else:
            billing_address = BillingAddress.from_dict(_billing_address)

        card_source = cls(
            object_=object_,
            name=name,
            number=number,
            exp_month=exp_month,
            exp_year=exp_year,
            cvc=cvc,
            billing_address=billing_address,
        )

        card_source.additional_properties = d
        return card_source

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
