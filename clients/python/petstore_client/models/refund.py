from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)
from uuid import UUID

from attrs import define as _attrs_define

from ..models.refund_reason import RefundReason

T = TypeVar("T", bound="Refund")


@_attrs_define
class Refund:
    """Money given back: a paid order that is cancelled is refunded in full.

    Attributes:
        id (UUID):
        payment_id (UUID):
        order_id (UUID):
        amount (str):
        currency (str):
        reason (RefundReason): REQUESTED_BY_CUSTOMER: the buyer cancelled; CANCELLED_BY_STAFF: staff did.
        status (Literal['SUCCEEDED']):
        created_at (datetime.datetime):
    """

    id: UUID
    payment_id: UUID
    order_id: UUID
    amount: str
    currency: str
    reason: RefundReason
    status: Literal["SUCCEEDED"]
    created_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        payment_id = str(self.payment_id)

        order_id = str(self.order_id)

        amount = self.amount

        currency = self.currency

        reason = self.reason.value

        status = self.status

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "paymentId": payment_id,
                "orderId": order_id,
                "amount": amount,
                "currency": currency,
                "reason": reason,
                "status": status,
                "createdAt": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        payment_id = UUID(d.pop("paymentId"))

        order_id = UUID(d.pop("orderId"))

        amount = d.pop("amount")

        currency = d.pop("currency")

        reason = RefundReason(d.pop("reason"))

        status = cast(Literal["SUCCEEDED"], d.pop("status"))
        if status != "SUCCEEDED":
            raise ValueError(f"status must match const 'SUCCEEDED', got '{status}'")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        refund = cls(
            id=id,
            payment_id=payment_id,
            order_id=order_id,
            amount=amount,
            currency=currency,
            reason=reason,
            status=status,
            created_at=created_at,
        )

        return refund
