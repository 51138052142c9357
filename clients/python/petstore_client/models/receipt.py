from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.receipt_links import ReceiptLinks


T = TypeVar("T", bound="Receipt")


@_attrs_define
class Receipt:
    """
    Attributes:
        id (UUID):
        order_id (UUID):
        payment_id (UUID):
        user_id (UUID):
        amount (str):
        currency (str):
        payment_method (str):
        payment_last_4 (str):
        paid_at (datetime.datetime):
        created_at (datetime.datetime):
        links (ReceiptLinks):
    """

    id: UUID
    order_id: UUID
    payment_id: UUID
    user_id: UUID
    amount: str
    currency: str
    payment_method: str
    payment_last_4: str
    paid_at: datetime.datetime
    created_at: datetime.datetime
    links: ReceiptLinks

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        order_id = str(self.order_id)

        payment_id = str(self.payment_id)

        user_id = str(self.user_id)

        amount = self.amount

        currency = self.currency

        payment_method = self.payment_method

        payment_last_4 = self.payment_last_4

        paid_at = self.paid_at.isoformat()

        created_at = self.created_at.isoformat()

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "orderId": order_id,
                "paymentId": payment_id,
                "userId": user_id,
                "amount": amount,
                "currency": currency,
                "paymentMethod": payment_method,
                "paymentLast4": payment_last_4,
                "paidAt": paid_at,
                "createdAt": created_at,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.receipt_links import ReceiptLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        order_id = UUID(d.pop("orderId"))

        payment_id = UUID(d.pop("paymentId"))

        user_id = UUID(d.pop("userId"))

        amount = d.pop("amount")

        currency = d.pop("currency")

        payment_method = d.pop("paymentMethod")

        payment_last_4 = d.pop("paymentLast4")

        paid_at = datetime.datetime.fromisoformat(d.pop("paidAt"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        links = ReceiptLinks.from_dict(d.pop("links"))

        receipt = cls(
            id=id,
            order_id=order_id,
            payment_id=payment_id,
            user_id=user_id,
            amount=amount,
            currency=currency,
            payment_method=payment_method,
            payment_last_4=payment_last_4,
            paid_at=paid_at,
            created_at=created_at,
            links=links,
        )

        return receipt
