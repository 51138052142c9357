from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.callback_request_currency import CallbackRequestCurrency

T = TypeVar("T", bound="CallbackRequest")


@_attrs_define
class CallbackRequest:
    """Ask for the order to be processed and the outcome POSTed to ``callbackUrl``.

    Attributes:
        currency (CallbackRequestCurrency): ISO 4217 code (case-insensitive on input).
        amount (str): A decimal string greater than zero, with at most as many decimals as the currency has (ISO 4217:
            JPY and KRW none, USD and EUR two, BHD and KWD three).
        timestamp (str):
        callback_url (str):
    """

    currency: CallbackRequestCurrency
    amount: str
    timestamp: str
    callback_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency.value

        amount = self.amount

        timestamp = self.timestamp

        callback_url = self.callback_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "amount": amount,
                "timestamp": timestamp,
                "callbackUrl": callback_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = CallbackRequestCurrency(d.pop("currency"))

        amount = d.pop("amount")

        timestamp = d.pop("timestamp")

        callback_url = d.pop("callbackUrl")

        callback_request = cls(
            currency=currency,
            amount=amount,
            timestamp=timestamp,
            callback_url=callback_url,
        )

        callback_request.additional_properties = d
        return callback_request

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
