from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.gender import Gender
from ..models.pet_status import PetStatus
from ..models.pet_write_currency import PetWriteCurrency
from ..models.size import Size
from ..models.species import Species
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.medical_info import MedicalInfo


T = TypeVar("T", bound="PetWrite")


@_attrs_define
class PetWrite:
    """A whole pet, as sent to create (POST) or replace (PUT) one.

    `adoptionFee` (a number) is accepted in place of `price`; enums are case-insensitive.

        Attributes:
            name (str):
            species (Species):
            age_months (int):
            price (str): Adoption fee: a decimal string greater than zero, with at most as many decimals as the currency has
                (JPY: `"15000"`, USD: `"250.00"`, BHD: `"95.500"`).
            currency (PetWriteCurrency | Unset): ISO 4217 code (case-insensitive on input). Default: PetWriteCurrency.USD.
            status (PetStatus | Unset):
            breed (None | str | Unset):
            size (None | Size | Unset):
            color (None | str | Unset):
            gender (Gender | None | Unset):
            good_with_kids (bool | None | Unset):
            description (None | str | Unset):
            medical_info (MedicalInfo | None | Unset):
            photos (list[str] | None | Unset):
    """

    name: str
    species: Species
    age_months: int
    price: str
    currency: PetWriteCurrency | Unset = PetWriteCurrency.USD
    status: PetStatus | Unset = UNSET
    breed: None | str | Unset = UNSET
    size: None | Size | Unset = UNSET
    color: None | str | Unset = UNSET
    gender: Gender | None | Unset = UNSET
    good_with_kids: bool | None | Unset = UNSET
    description: None | str | Unset = UNSET
    medical_info: MedicalInfo | None | Unset = UNSET
    photos: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.medical_info import MedicalInfo  # noqa: PLC0415

        name = self.name

        species = self.species.value

        age_months = self.age_months

        price = self.price

        currency: str | Unset = UNSET
        if not isinstance(self.currency, Unset):
            currency = self.currency.value

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        breed: None | str | Unset
        if isinstance(self.breed, Unset):
            breed = UNSET
        else:
            breed = self.breed

        size: None | str | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        elif isinstance(self.size, Size):
            size = self.size.value
        else:
            size = self.size

        color: None | str | Unset
        if isinstance(self.color, Unset):
            color = UNSET
        else:
            color = self.color

        gender: None | str | Unset
        if isinstance(self.gender, Unset):
            gender = UNSET
        elif isinstance(self.gender, Gender):
            gender = self.gender.value
        else:
            gender = self.gender

        good_with_kids: bool | None | Unset
        if isinstance(self.good_with_kids, Unset):
            good_with_kids = UNSET
        else:
            good_with_kids = self.good_with_kids

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        medical_info: dict[str, Any] | None | Unset
        if isinstance(self.medical_info, Unset):
            medical_info = UNSET
        elif isinstance(self.medical_info, MedicalInfo):
            medical_info = self.medical_info.to_dict()
        else:
            medical_info = self.medical_info

        photos: list[str] | None | Unset
        if isinstance(self.photos, Unset):
            photos = UNSET
        elif isinstance(self.photos, list):
            photos = self.photos

        else:
            photos = self.photos

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "species": species,
                "ageMonths": age_months,
                "price": price,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency
        if status is not UNSET:
            field_dict["status"] = status
        if breed is not UNSET:
            field_dict["breed"] = breed
        if size is not UNSET:
            field_dict["size"] = size
        if color is not UNSET:
            field_dict["color"] = color
        if gender is not UNSET:
            field_dict["gender"] = gender
        if good_with_kids is not UNSET:
            field_dict["goodWithKids"] = good_with_kids
        if description is not UNSET:
            field_dict["description"] = description
        if medical_info is not UNSET:
            field_dict["medicalInfo"] = medical_info
        if photos is not UNSET:
            field_dict["photos"] = photos

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.medical_info import MedicalInfo  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        species = Species(d.pop("species"))

        age_months = d.pop("ageMonths")

        price = d.pop("price")

        _currency = d.pop("currency", UNSET)
        currency: PetWriteCurrency | Unset
        if isinstance(_currency, Unset):
            currency = UNSET
        else:
            currency = PetWriteCurrency(_currency)

        _status = d.pop("status", UNSET)
        status: PetStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = PetStatus(_status)

        def _parse_breed(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        breed = _parse_breed(d.pop("breed", UNSET))

        def _parse_size(data: object) -> None | Size | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                size_type_0 = Size(data)

                return size_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Size | Unset, data)

        size = _parse_size(d.pop("size", UNSET))

        def _parse_color(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        color = _parse_color(d.pop("color", UNSET))

        def _parse_gender(data: object) -> Gender | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                gender_type_0 = Gender(data)

                return gender_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Gender | None | Unset, data)

        gender = _parse_gender(d.pop("gender", UNSET))

        def _parse_good_with_kids(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        good_with_kids = _parse_good_with_kids(d.pop("goodWithKids", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_medical_info(data: object) -> MedicalInfo | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                medical_info_type_0 = MedicalInfo.from_dict(data)

                return medical_info_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MedicalInfo | None | Unset, data)

        medical_info = _parse_medical_info(d.pop("medicalInfo", UNSET))

        def _parse_photos(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                photos_type_0 = cast(list[str], data)

                return photos_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        photos = _parse_photos(d.pop("photos", UNSET))

        pet_write = cls(
            name=name,
            species=species,
            age_months=age_months,
            price=price,
            currency=currency,
            status=status,
            breed=breed,
            size=size,
            color=color,
            gender=gender,
            good_with_kids=good_with_kids,
            description=description,
            medical_info=medical_info,
            photos=photos,
        )

        pet_write.additional_properties = d
        return pet_write

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
