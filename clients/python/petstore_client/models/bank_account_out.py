from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

T = TypeVar("T", bound="BankAccountOut")


@_attrs_define
class BankAccountOut:
    """
    Attributes:
        object_ (Literal['bank_account']):
        account_holder_name (str):
        account_number (str):
        last4 (str):
        routing_number (None | str):
        sort_code (None | str):
        account_type (None | str):
        bank_name (None | str):
        country (None | str):
    """

    object_: Literal["bank_account"]
    account_holder_name: str
    account_number: str
    last4: str
    routing_number: None | str
    sort_code: None | str
    account_type: None | str
    bank_name: None | str
    country: None | str

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        account_holder_name = self.account_holder_name

        account_number = self.account_number

        last4 = self.last4

        routing_number: None | str
        routing_number = self.routing_number

        sort_code: None | str
        sort_code = self.sort_code

        account_type: None | str
        account_type = self.account_type

        bank_name: None | str
        bank_name = self.bank_name

        country: None | str
        country = self.country

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "object": object_,
                "accountHolderName": account_holder_name,
                "accountNumber": account_number,
                "last4": last4,
                "routingNumber": routing_number,
                "sortCode": sort_code,
                "accountType": account_type,
                "bankName": bank_name,
                "country": country,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = cast(Literal["bank_account"], d.pop("object"))
        if object_ != "bank_account":
            raise ValueError(f"object must match const 'bank_account', got '{object_}'")

        account_holder_name = d.pop("accountHolderName")

        account_number = d.pop("accountNumber")

        last4 = d.pop("last4")

        def _parse_routing_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        routing_number = _parse_routing_number(d.pop("routingNumber"))

        def _parse_sort_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sort_code = _parse_sort_code(d.pop("sortCode"))

        def _parse_account_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        account_type = _parse_account_type(d.pop("accountType"))

        def _parse_bank_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        bank_name = _parse_bank_name(d.pop("bankName"))

        def _parse_country(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        country = _parse_country(d.pop("country"))

        bank_account_out = cls(
            object_=object_,
            account_holder_name=account_holder_name,
            account_number=account_number,
            last4=last4,
            routing_number=routing_number,
            sort_code=sort_code,
            account_type=account_type,
            bank_name=bank_name,
            country=country,
        )

        return bank_account_out
