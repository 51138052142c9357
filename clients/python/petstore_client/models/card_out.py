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

if TYPE_CHECKING:
    from ..models.card_out_billing_address_type_0 import CardOutBillingAddressType0


T = TypeVar("T", bound="CardOut")


@_attrs_define
class CardOut:
    """
    Attributes:
        object_ (Literal['card']):
        name (str):
        number (str):
        last4 (str):
        brand (None | str):
        exp_month (int | None):
        exp_year (int | None):
        billing_address (CardOutBillingAddressType0 | None):
    """

    object_: Literal["card"]
    name: str
    number: str
    last4: str
    brand: None | str
    exp_month: int | None
    exp_year: int | None
    billing_address: CardOutBillingAddressType0 | None

    def to_dict(self) -> dict[str, Any]:
        from ..models.card_out_billing_address_type_0 import CardOutBillingAddressType0  # noqa: PLC0415

        object_ = self.object_

        name = self.name

        number = self.number

        last4 = self.last4

        brand: None | str
        brand = self.brand

        exp_month: int | None
        exp_month = self.exp_month

        exp_year: int | None
        exp_year = self.exp_year

        billing_address: dict[str, Any] | None
        if isinstance(self.billing_address, CardOutBillingAddressType0):
            billing_address = self.billing_address.to_dict()
        else:
            billing_address = self.billing_address

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "name": name,
                "number": number,
                "last4": last4,
                "brand": brand,
                "expMonth": exp_month,
                "expYear": exp_year,
                "billingAddress": billing_address,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.card_out_billing_address_type_0 import CardOutBillingAddressType0  # noqa: PLC0415

        d = dict(src_dict)
        object_ = cast(Literal["card"], d.pop("object"))
        if object_ != "card":
            raise ValueError(f"object must match const 'card', got '{object_}'")

        name = d.pop("name")

        number = d.pop("number")

        last4 = d.pop("last4")

        def _parse_brand(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        brand = _parse_brand(d.pop("brand"))

        def _parse_exp_month(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        exp_month = _parse_exp_month(d.pop("expMonth"))

        def _parse_exp_year(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        exp_year = _parse_exp_year(d.pop("expYear"))

        def _parse_billing_address(data: object) -> CardOutBillingAddressType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                billing_address_type_0 = CardOutBillingAddressType0.from_dict(data)

                return billing_address_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CardOutBillingAddressType0 | None, data)

        billing_address = _parse_billing_address(d.pop("billingAddress"))

        card_out = cls(
            object_=object_,
            name=name,
            number=number,
            last4=last4,
            brand=brand,
            exp_month=exp_month,
            exp_year=exp_year,
            billing_address=billing_address,
        )

        return card_out
