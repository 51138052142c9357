from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pet_status import PetStatus
from ..models.size import Size
from ..models.species import Species
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.age_range import AgeRange
    from ..models.compatibility import Compatibility
    from ..models.medical_criteria import MedicalCriteria


T = TypeVar("T", bound="SearchCriteria")


@_attrs_define
class SearchCriteria:
    """
    Attributes:
        species (list[Species] | None | Unset):
        status (list[PetStatus] | None | Unset): Statuses to include; default AVAILABLE only.
        size (list[Size] | None | Unset):
        age_range (AgeRange | None | Unset):
        compatibility (Compatibility | None | Unset):
        medical (MedicalCriteria | None | Unset):
    """

    species: list[Species] | None | Unset = UNSET
    status: list[PetStatus] | None | Unset = UNSET
    size: list[Size] | None | Unset = UNSET
    age_range: AgeRange | None | Unset = UNSET
    compatibility: Compatibility | None | Unset = UNSET
    medical: MedicalCriteria | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.age_range import AgeRange  # noqa: PLC0415
        from ..models.compatibility import Compatibility  # noqa: PLC0415
        from ..models.medical_criteria import MedicalCriteria  # noqa: PLC0415

        species: list[str] | None | Unset
        if isinstance(self.species, Unset):
            species = UNSET
        elif isinstance(self.species, list):
            species = []
            for species_type_0_item_data in self.species:
                species_type_0_item = species_type_0_item_data.value
                species.append(species_type_0_item)

        else:
            species = self.species

        status: list[str] | None | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, list):
            status = []
            for status_type_0_item_data in self.status:
                status_type_0_item = status_type_0_item_data.value
                status.append(status_type_0_item)

        else:
            status = self.status

        size: list[str] | None | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        elif isinstance(self.size, list):
            size = []
            for size_type_0_item_data in self.size:
                size_type_0_item = size_type_0_item_data.value
                size.append(size_type_0_item)

        else:
            size = self.size

        age_range: dict[str, Any] | None | Unset
        if isinstance(self.age_range, Unset):
            age_range = UNSET
        elif isinstance(self.age_range, AgeRange):
            age_range = self.age_range.to_dict()
        else:
            age_range = self.age_range

        compatibility: dict[str, Any] | None | Unset
        if isinstance(self.compatibility, Unset):
            compatibility = UNSET
        elif isinstance(self.compatibility, Compatibility):
            compatibility = self.compatibility.to_dict()
        else:
            compatibility = self.compatibility

        medical: dict[str, Any] | None | Unset
        if isinstance(self.medical, Unset):
            medical = UNSET
        elif isinstance(self.medical, MedicalCriteria):
            medical = self.medical.to_dict()
        else:
            medical = self.medical

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if species is not UNSET:
            field_dict["species"] = species
        if status is not UNSET:
            field_dict["status"] = status
        if size is not UNSET:
            field_dict["size"] = size
        if age_range is not UNSET:
            field_dict["ageRange"] = age_range
        if compatibility is not UNSET:
            field_dict["compatibility"] = compatibility
        if medical is not UNSET:
            field_dict["medical"] = medical

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.age_range import AgeRange  # noqa: PLC0415
        from ..models.compatibility import Compatibility  # noqa: PLC0415
        from ..models.medical_criteria import MedicalCriteria  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_species(data: object) -> list[Species] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                species_type_0 = []
                _species_type_0 = data
                for species_type_0_item_data in _species_type_0:
                    species_type_0_item = Species(species_type_0_item_data)

                    species_type_0.append(species_type_0_item)

                return species_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Species] | None | Unset, data)

        species = _parse_species(d.pop("species", UNSET))

        def _parse_status(data: object) -> list[PetStatus] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                status_type_0 = []
                _status_type_0 = data
                for status_type_0_item_data in _status_type_0:
                    status_type_0_item = PetStatus(status_type_0_item_data)

                    status_type_0.append(status_type_0_item)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PetStatus] | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_size(data: object) -> list[Size] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                size_type_0 = []
                _size_type_0 = data
                for size_type_0_item_data in _size_type_0:
                    size_type_0_item = Size(size_type_0_item_data)

                    size_type_0.append(size_type_0_item)

                return size_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Size] | None | Unset, data)

        size = _parse_size(d.pop("size", UNSET))

        def _parse_age_range(data: object) -> AgeRange | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                age_range_type_0 = AgeRange.from_dict(data)

                return age_range_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AgeRange | None | Unset, data)

        age_range = _parse_age_range(d.pop("ageRange", UNSET))

        def _parse_compatibility(data: object) -> Compatibility | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compatibility_type_0 = Compatibility.from_dict(data)

                return compatibility_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Compatibility | None | Unset, data)

        compatibility = _parse_compatibility(d.pop("compatibility", UNSET))

        def _parse_medical(data: object) -> MedicalCriteria | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                medical_type_0 = MedicalCriteria.from_dict(data)

                return medical_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MedicalCriteria | None | Unset, data)

        medical = _parse_medical(d.pop("medical", UNSET))

        search_criteria = cls(
            species=species,
            status=status,
            size=size,
            age_range=age_range,
            compatibility=compatibility,
            medical=medical,
        )

        search_criteria.additional_properties = d
        return search_criteria

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
