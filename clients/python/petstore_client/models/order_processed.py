from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.order_processed_status import OrderProcessedStatus

if TYPE_CHECKING:
    from ..models.order_processed_result import OrderProcessedResult


T = TypeVar("T", bound="OrderProcessed")


@_attrs_define
class OrderProcessed:
    """The callback's body.

    Attributes:
        request_id (UUID):
        order_id (str):
        status (OrderProcessedStatus):
        result (OrderProcessedResult):
        timestamp (str):
    """

    request_id: UUID
    order_id: str
    status: OrderProcessedStatus
    result: OrderProcessedResult
    timestamp: str

    def to_dict(self) -> dict[str, Any]:
        request_id = str(self.request_id)

        order_id = self.order_id

        status = self.status.value

        result = self.result.to_dict()

        timestamp = self.timestamp

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "requestId": request_id,
                "orderId": order_id,
                "status": status,
                "result": result,
                "timestamp": timestamp,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_processed_result import OrderProcessedResult  # noqa: PLC0415

        d = dict(src_dict)
        request_id = UUID(d.pop("requestId"))

        order_id = d.pop("orderId")

        status = OrderProcessedStatus(d.pop("status"))

        result = OrderProcessedResult.from_dict(d.pop("result"))

        timestamp = d.pop("timestamp")

        order_processed = cls(
            request_id=request_id,
            order_id=order_id,
            status=status,
            result=result,
            timestamp=timestamp,
        )

        return order_processed
