from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SpeciesCounts")


@_attrs_define
class SpeciesCounts:
    """
    Attributes:
        available (int):
        pending (int):
        adopted (int):
        not_available (int):
        total (int):
    """

    available: int
    pending: int
    adopted: int
    not_available: int
    total: int

    def to_dict(self) -> dict[str, Any]:
        available = self.available

        pending = self.pending

        adopted = self.adopted

        not_available = self.not_available

        total = self.total

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "available": available,
                "pending": pending,
                "adopted": adopted,
                "notAvailable": not_available,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        available = d.pop("available")

        pending = d.pop("pending")

        adopted = d.pop("adopted")

        not_available = d.pop("notAvailable")

        total = d.pop("total")

        species_counts = cls(
            available=available,
            pending=pending,
            adopted=adopted,
            not_available=not_available,
            total=total,
        )

        return species_counts
