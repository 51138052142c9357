from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReceiptRef")


@_attrs_define
class ReceiptRef:
    """
    Attributes:
        receipt_id (UUID):
        receipt_url (str):
        generated_at (datetime.datetime):
    """

    receipt_id: UUID
    receipt_url: str
    generated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        receipt_id = str(self.receipt_id)

        receipt_url = self.receipt_url

        generated_at = self.generated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "receiptId": receipt_id,
                "receiptUrl": receipt_url,
                "generatedAt": generated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        receipt_id = UUID(d.pop("receiptId"))

        receipt_url = d.pop("receiptUrl")

        generated_at = datetime.datetime.fromisoformat(d.pop("generatedAt"))

        receipt_ref = cls(
            receipt_id=receipt_id,
            receipt_url=receipt_url,
            generated_at=generated_at,
        )

        return receipt_ref
