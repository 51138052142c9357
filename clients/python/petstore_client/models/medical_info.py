from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MedicalInfo")


@_attrs_define
class MedicalInfo:
    """
    Attributes:
        vaccinated (bool | None | Unset):
        spayed_neutered (bool | None | Unset):
        microchipped (bool | None | Unset):
        special_needs (bool | None | Unset):
        health_notes (None | str | Unset):
    """

    vaccinated: bool | None | Unset = UNSET
    spayed_neutered: bool | None | Unset = UNSET
    microchipped: bool | None | Unset = UNSET
    special_needs: bool | None | Unset = UNSET
    health_notes: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vaccinated: bool | None | Unset
        if isinstance(self.vaccinated, Unset):
            vaccinated = UNSET
        else:
            vaccinated = self.vaccinated

        spayed_neutered: bool | None | Unset
        if isinstance(self.spayed_neutered, Unset):
            spayed_neutered = UNSET
        else:
            spayed_neutered = self.spayed_neutered

        microchipped: bool | None | Unset
        if isinstance(self.microchipped, Unset):
            microchipped = UNSET
        else:
            microchipped = self.microchipped

        special_needs: bool | None | Unset
        if isinstance(self.special_needs, Unset):
            special_needs = UNSET
        else:
            special_needs = self.special_needs

        health_notes: None | str | Unset
        if isinstance(self.health_notes, Unset):
            health_notes = UNSET
        else:
            health_notes = self.health_notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if vaccinated is not UNSET:
            field_dict["vaccinated"] = vaccinated
        if spayed_neutered is not UNSET:
            field_dict["spayedNeutered"] = spayed_neutered
        if microchipped is not UNSET:
            field_dict["microchipped"] = microchipped
        if special_needs is not UNSET:
            field_dict["specialNeeds"] = special_needs
        if health_notes is not UNSET:
            field_dict["healthNotes"] = health_notes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_vaccinated(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        vaccinated = _parse_vaccinated(d.pop("vaccinated", UNSET))

        def _parse_spayed_neutered(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        spayed_neutered = _parse_spayed_neutered(d.pop("spayedNeutered", UNSET))

        def _parse_microchipped(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        microchipped = _parse_microchipped(d.pop("microchipped", UNSET))

        def _parse_special_needs(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        special_needs = _parse_special_needs(d.pop("specialNeeds", UNSET))

        def _parse_health_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        health_notes = _parse_health_notes(d.pop("healthNotes", UNSET))

        medical_info = cls(
            vaccinated=vaccinated,
            spayed_neutered=spayed_neutered,
            microchipped=microchipped,
            special_needs=special_needs,
            health_notes=health_notes,
        )

        medical_info.additional_properties = d
        return medical_info

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
