from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.order import Order
    from ..models.payment import Payment
    from ..models.refund import Refund


T = TypeVar("T", bound="PaymentRefundedData")


@_attrs_define
class PaymentRefundedData:
    """A paid order was cancelled: the payment is REFUNDED, the order CANCELLED.

    Attributes:
        payment (Payment):
        order (Order):
        refund (Refund): Money given back: a paid order that is cancelled is refunded in full.
    """

    payment: Payment
    order: Order
    refund: Refund

    def to_dict(self) -> dict[str, Any]:
        payment = self.payment.to_dict()

        order = self.order.to_dict()

        refund = self.refund.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "payment": payment,
                "order": order,
                "refund": refund,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order import Order  # noqa: PLC0415
        from ..models.payment import Payment  # noqa: PLC0415
        from ..models.refund import Refund  # noqa: PLC0415

        d = dict(src_dict)
        payment = Payment.from_dict(d.pop("payment"))

        order = Order.from_dict(d.pop("order"))

        refund = Refund.from_dict(d.pop("refund"))

        payment_refunded_data = cls(
            payment=payment,
            order=order,
            refund=refund,
        )

        return payment_refunded_data
