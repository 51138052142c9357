from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="MedicalInfoOut")


@_attrs_define
class MedicalInfoOut:
    """
    Attributes:
        vaccinated (bool | None):
        spayed_neutered (bool | None):
        microchipped (bool | None):
        special_needs (bool | None):
        health_notes (None | str):
    """

    vaccinated: bool | None
    spayed_neutered: bool | None
    microchipped: bool | None
    special_needs: bool | None
    health_notes: None | str

    def to_dict(self) -> dict[str, Any]:
        vaccinated: bool | None
        vaccinated = self.vaccinated

        spayed_neutered: bool | None
        spayed_neutered = self.spayed_neutered

        microchipped: bool | None
        microchipped = self.microchipped

        special_needs: bool | None
        special_needs = self.special_needs

        health_notes: None | str
        health_notes = self.health_notes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "vaccinated": vaccinated,
                "spayedNeutered": spayed_neutered,
                "microchipped": microchipped,
                "specialNeeds": special_needs,
                "healthNotes": health_notes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_vaccinated(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        vaccinated = _parse_vaccinated(d.pop("vaccinated"))

        def _parse_spayed_neutered(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        spayed_neutered = _parse_spayed_neutered(d.pop("spayedNeutered"))

        def _parse_microchipped(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        microchipped = _parse_microchipped(d.pop("microchipped"))

        def _parse_special_needs(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        special_needs = _parse_special_needs(d.pop("specialNeeds"))

        def _parse_health_notes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        health_notes = _parse_health_notes(d.pop("healthNotes"))

        medical_info_out = cls(
            vaccinated=vaccinated,
            spayed_neutered=spayed_neutered,
            microchipped=microchipped,
            special_needs=special_needs,
            health_notes=health_notes,
        )

        return medical_info_out
