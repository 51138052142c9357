from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.bank_account_source_accounttype import BankAccountSourceAccounttype
from ..types import UNSET, Unset

T = TypeVar("T", bound="BankAccountSource")


@_attrs_define
class BankAccountSource:
    """
    Attributes:
        object_ (Literal['bank_account']): `bank_account` (also `bankAccount`; case-insensitive).
        account_holder_name (str):
        account_number (str): Write-only; reads show it masked.
        routing_number (str | Unset):
        sort_code (str | Unset):
        account_type (BankAccountSourceAccounttype | Unset):
        bank_name (str | Unset):
        country (str | Unset):
    """

    object_: Literal["bank_account"]
    account_holder_name: str
    account_number: str
    routing_number: str | Unset = UNSET
    sort_code: str | Unset = UNSET
    account_type: BankAccountSourceAccounttype | Unset = UNSET
    bank_name: str | Unset = UNSET
    country: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        account_holder_name = self.account_holder_name

        account_number = self.account_number

        routing_number = self.routing_number

        sort_code = self.sort_code

        account_type: str | Unset = UNSET
        if not isinstance(self.account_type, Unset):
            account_type = self.account_type.value

        bank_name = self.bank_name

        country = self.country

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "accountHolderName": account_holder_name,
                "accountNumber": account_number,
            }
        )
        if routing_number is not UNSET:
            field_dict["routingNumber"] = routing_number
        if sort_code is not UNSET:
            field_dict["sortCode"] = sort_code
        if account_type is not UNSET:
            field_dict["accountType"] = account_type
        if bank_name is not UNSET:
            field_dict["bankName"] = bank_name
        if country is not UNSET:
            field_dict["country"] = country

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = cast(Literal["bank_account"], d.pop("object"))
        if object_ != "bank_account":
            raise ValueError(f"object must match const 'bank_account', got '{object_}'")

        account_holder_name = d.pop("accountHolderName")

        account_number = d.pop("accountNumber")

        routing_number = d.pop("routingNumber", UNSET)

        sort_code = d.pop("sortCode", UNSET)

        _account_type = d.pop("accountType", UNSET)
        account_type: BankAccountSourceAccounttype | Unset
        if isinstance(_account_type, Unset):
            account_type = UNSET
        else:
            account_type = BankAccountSourceAccounttype(_account_type)

        bank_name = d.pop("bankName", UNSET)

        country = d.pop("country", UNSET)

        bank_account_source = cls(
            object_=object_,
            account_holder_name=account_holder_name,
            account_number=account_number,
            routing_number=routing_number,
            sort_code=sort_code,
            account_type=account_type,
            bank_name=bank_name,
            country=country,
        )

        bank_account_source.additional_properties = d
        return bank_account_source

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
