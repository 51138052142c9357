from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.pet import Pet


T = TypeVar("T", bound="PetAdoptedData")


@_attrs_define
class PetAdoptedData:
    """
    Attributes:
        pet (Pet):
        adopted_at (datetime.datetime):
    """

    pet: Pet
    adopted_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        pet = self.pet.to_dict()

        adopted_at = self.adopted_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pet": pet,
                "adoptedAt": adopted_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pet import Pet  # noqa: PLC0415

        d = dict(src_dict)
        pet = Pet.from_dict(d.pop("pet"))

        adopted_at = datetime.datetime.fromisoformat(d.pop("adoptedAt"))

        pet_adopted_data = cls(
            pet=pet,
            adopted_at=adopted_at,
        )

        return pet_adopted_data
