from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.inventory_summary_byspecies import InventorySummaryByspecies


T = TypeVar("T", bound="InventorySummary")


@_attrs_define
class InventorySummary:
    """
    Attributes:
        available (int):
        pending (int):
        adopted (int):
        not_available (int):
        total (int):
        by_species (InventorySummaryByspecies):
    """

    available: int
    pending: int
    adopted: int
    not_available: int
    total: int
    by_species: InventorySummaryByspecies

    def to_dict(self) -> dict[str, Any]:
        available = self.available

        pending = self.pending

        adopted = self.adopted

        not_available = self.not_available

        total = self.total

        by_species = self.by_species.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "available": available,
                "pending": pending,
                "adopted": adopted,
                "notAvailable": not_available,
                "total": total,
                "bySpecies": by_species,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.inventory_summary_byspecies import InventorySummaryByspecies  # noqa: PLC0415

        d = dict(src_dict)
        available = d.pop("available")

        pending = d.pop("pending")

        adopted = d.pop("adopted")

        not_available = d.pop("notAvailable")

        total = d.pop("total")

        by_species = InventorySummaryByspecies.from_dict(d.pop("bySpecies"))

        inventory_summary = cls(
            available=available,
            pending=pending,
            adopted=adopted,
            not_available=not_available,
            total=total,
            by_species=by_species,
        )

        return inventory_summary
