from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.payment_create_currency import PaymentCreateCurrency

if TYPE_CHECKING:
    from ..models.bank_account_source import BankAccountSource
    from ..models.card_source import CardSource


T = TypeVar("T", bound="PaymentCreate")


@_attrs_define
class PaymentCreate:
    """Must match the order's amount and currency exactly.

    Attributes:
        currency (PaymentCreateCurrency): ISO 4217 code (case-insensitive on input).
        amount (str): A decimal string greater than zero, with at most as many decimals as the currency has (ISO 4217:
            JPY and KRW none, USD and EUR two, BHD and KWD three).
        source (BankAccountSource | CardSource):
    """

    currency: PaymentCreateCurrency
    amount: str
    source: BankAccountSource | CardSource
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.card_source import CardSource  # noqa: PLC0415

        currency = self.currency.value

        amount = self.amount

        source: dict[str, Any]
        if isinstance(self.source, CardSource):
            source = self.source.to_dict()
        else:
            source = self.source.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "amount": amount,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bank_account_source import BankAccountSource  # noqa: PLC0415
        from ..models.card_source import CardSource  # noqa: PLC0415

        d = dict(src_dict)
        currency = PaymentCreateCurrency(d.pop("currency"))

        amount = d.pop("amount")

        def _parse_source(data: object) -> BankAccountSource | CardSource:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0 = CardSource.from_dict(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            source_type_1 = BankAccountSource.from_dict(data)

            return source_type_1

        source = _parse_source(d.pop("source"))

        payment_create = cls(
            currency=currency,
            amount=amount,
            source=source,
        )

        payment_create.additional_properties = d
        return payment_create

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
