from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.payment_status import PaymentStatus

if TYPE_CHECKING:
    from ..models.bank_account_out import BankAccountOut
    from ..models.card_out import CardOut
    from ..models.payment_links import PaymentLinks
    from ..models.refund import Refund


T = TypeVar("T", bound="Payment")


@_attrs_define
class Payment:
    """
    Attributes:
        id (UUID):
        order_id (UUID):
        amount (str):
        currency (str):
        status (PaymentStatus): REFUNDED: the order was cancelled after it was paid; see `refunds`.
        source (BankAccountOut | CardOut):
        failure_code (None | str):
        failure_message (None | str):
        receipt_id (None | UUID):
        amount_refunded (str):
        refunds (list[Refund]):
        created_at (datetime.datetime):
        links (PaymentLinks):
    """

    id: UUID
    order_id: UUID
    amount: str
    currency: str
    status: PaymentStatus
    source: BankAccountOut | CardOut
    failure_code: None | str
    failure_message: None | str
    receipt_id: None | UUID
    amount_refunded: str
    refunds: list[Refund]
    created_at: datetime.datetime
    links: PaymentLinks

    def to_dict(self) -> dict[str, Any]:
        from ..models.card_out import CardOut  # noqa: PLC0415

        id = str(self.id)

        order_id = str(self.order_id)

        amount = self.amount

        currency = self.currency

        status = self.status.value

        source: dict[str, Any]
        if isinstance(self.source, CardOut):
            source = self.source.to_dict()
        else:
            source = self.source.to_dict()

        failure_code: None | str
        failure_code = self.failure_code

        failure_message: None | str
        failure_message = self.failure_message

        receipt_id: None | str
        if isinstance(self.receipt_id, UUID):
            receipt_id = str(self.receipt_id)
        else:
            receipt_id = self.receipt_id

        amount_refunded = self.amount_refunded

        refunds = []
        for refunds_item_data in self.refunds:
            refunds_item = refunds_item_data.to_dict()
            refunds.append(refunds_item)

        created_at = self.created_at.isoformat()

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "orderId": order_id,
                "amount": amount,
                "currency": currency,
                "status": status,
                "source": source,
                "failureCode": failure_code,
                "failureMessage": failure_message,
                "receiptId": receipt_id,
                "amountRefunded": amount_refunded,
                "refunds": refunds,
                "createdAt": created_at,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bank_account_out import BankAccountOut  # noqa: PLC0415
        from ..models.card_out import CardOut  # noqa: PLC0415
        from ..models.payment_links import PaymentLinks  # noqa: PLC0415
        from ..models.refund import Refund  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        order_id = UUID(d.pop("orderId"))

        amount = d.pop("amount")

        currency = d.pop("currency")

        status = PaymentStatus(d.pop("status"))

        def _parse_source(data: object) -> BankAccountOut | CardOut:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0 = CardOut.from_dict(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            source_type_1 = BankAccountOut.from_dict(data)

            return source_type_1

        source = _parse_source(d.pop("source"))

        def _parse_failure_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_code = _parse_failure_code(d.pop("failureCode"))

        def _parse_failure_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_message = _parse_failure_message(d.pop("failureMessage"))

        def _parse_receipt_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                receipt_id_type_0 = UUID(data)

                return receipt_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        receipt_id = _parse_receipt_id(d.pop("receiptId"))

        amount_refunded = d.pop("amountRefunded")

        refunds = []
        _refunds = d.pop("refunds")
        for refunds_item_data in _refunds:
            refunds_item = Refund.from_dict(refunds_item_data)

            refunds.append(refunds_item)

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        links = PaymentLinks.from_dict(d.pop("links"))

        payment = cls(
            id=id,
            order_id=order_id,
            amount=amount,
            currency=currency,
            status=status,
            source=source,
            failure_code=failure_code,
            failure_message=failure_message,
            receipt_id=receipt_id,
            amount_refunded=amount_refunded,
            refunds=refunds,
            created_at=created_at,
            links=links,
        )

        return payment
