from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.order import Order
    from ..models.payment import Payment
    from ..models.receipt_ref import ReceiptRef


T = TypeVar("T", bound="PaymentSucceededData")


@_attrs_define
class PaymentSucceededData:
    """
    Attributes:
        payment (Payment):
        order (Order):
        receipt (ReceiptRef):
    """

    payment: Payment
    order: Order
    receipt: ReceiptRef

    def to_dict(self) -> dict[str, Any]:
        payment = self.payment.to_dict()

        order = self.order.to_dict()

        receipt = self.receipt.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "payment": payment,
                "order": order,
                "receipt": receipt,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order import Order  # noqa: PLC0415
        from ..models.payment import Payment  # noqa: PLC0415
        from ..models.receipt_ref import ReceiptRef  # noqa: PLC0415

        d = dict(src_dict)
        payment = Payment.from_dict(d.pop("payment"))

        order = Order.from_dict(d.pop("order"))

        receipt = ReceiptRef.from_dict(d.pop("receipt"))

        payment_succeeded_data = cls(
            payment=payment,
            order=order,
            receipt=receipt,
        )

        return payment_succeeded_data
