from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.pet import Pet


T = TypeVar("T", bound="PetData")


@_attrs_define
class PetData:
    """
    Attributes:
        pet (Pet):
    """

    pet: Pet

    def to_dict(self) -> dict[str, Any]:
        pet = self.pet.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pet": pet,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pet import Pet  # noqa: PLC0415

        d = dict(src_dict)
        pet = Pet.from_dict(d.pop("pet"))

        pet_data = cls(
            pet=pet,
        )

        return pet_data
