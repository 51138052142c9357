from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.pet_status import PetStatus

if TYPE_CHECKING:
    from ..models.pet import Pet


T = TypeVar("T", bound="PetStatusChangedData")


@_attrs_define
class PetStatusChangedData:
    """
    Attributes:
        pet (Pet):
        previous_status (PetStatus):
        new_status (PetStatus):
        changed_at (datetime.datetime):
        changed_by (str): A user id, or `system`.
    """

    pet: Pet
    previous_status: PetStatus
    new_status: PetStatus
    changed_at: datetime.datetime
    changed_by: str

    def to_dict(self) -> dict[str, Any]:
        pet = self.pet.to_dict()

        previous_status = self.previous_status.value

        new_status = self.new_status.value

        changed_at = self.changed_at.isoformat()

        changed_by = self.changed_by

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "pet": pet,
                "previousStatus": previous_status,
                "newStatus": new_status,
                "changedAt": changed_at,
                "changedBy": changed_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pet import Pet  # noqa: PLC0415

        d = dict(src_dict)
        pet = Pet.from_dict(d.pop("pet"))

        previous_status = PetStatus(d.pop("previousStatus"))

        new_status = PetStatus(d.pop("newStatus"))

        changed_at = datetime.datetime.fromisoformat(d.pop("changedAt"))

        changed_by = d.pop("changedBy")

        pet_status_changed_data = cls(
            pet=pet,
            previous_status=previous_status,
            new_status=new_status,
            changed_at=changed_at,
            changed_by=changed_by,
        )

        return pet_status_changed_data
