from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.gender import Gender
from ..models.pet_status import PetStatus
from ..models.size import Size
from ..models.species import Species

if TYPE_CHECKING:
    from ..models.medical_info_out import MedicalInfoOut
    from ..models.pet_links import PetLinks


T = TypeVar("T", bound="Pet")


@_attrs_define
class Pet:
    """
    Attributes:
        id (UUID):
        name (str):
        species (Species):
        breed (None | str):
        age_months (int):
        size (None | Size):
        color (None | str):
        gender (Gender | None):
        good_with_kids (bool | None):
        price (str):
        currency (str):
        description (None | str):
        status (PetStatus):
        medical_info (MedicalInfoOut):
        photos (list[str]):
        tenant_id (None | UUID):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        links (PetLinks):
    """

    id: UUID
    name: str
    species: Species
    breed: None | str
    age_months: int
    size: None | Size
    color: None | str
    gender: Gender | None
    good_with_kids: bool | None
    price: str
    currency: str
    description: None | str
    status: PetStatus
    medical_info: MedicalInfoOut
    photos: list[str]
    tenant_id: None | UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    links: PetLinks

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        species = self.species.value

        breed: None | str
        breed = self.breed

        age_months = self.age_months

        size: None | str
        if isinstance(self.size, Size):
            size = self.size.value
        else:
            size = self.size

        color: None | str
        color = self.color

        gender: None | str
        if isinstance(self.gender, Gender):
            gender = self.gender.value
        else:
            gender = self.gender

        good_with_kids: bool | None
        good_with_kids = self.good_with_kids

        price = self.price

        currency = self.currency

        description: None | str
        description = self.description

        status = self.status.value

        medical_info = self.medical_info.to_dict()

        photos = self.photos

        tenant_id: None | str
        if isinstance(self.tenant_id, UUID):
            tenant_id = str(self.tenant_id)
        else:
            tenant_id = self.tenant_id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "name": name,
                "species": species,
                "breed": breed,
                "ageMonths": age_months,
                "size": size,
                "color": color,
                "gender": gender,
                "goodWithKids": good_with_kids,
                "price": price,
                "currency": currency,
                "description": description,
                "status": status,
                "medicalInfo": medical_info,
                "photos": photos,
                "tenantId": tenant_id,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.medical_info_out import MedicalInfoOut  # noqa: PLC0415
        from ..models.pet_links import PetLinks  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        species = Species(d.pop("species"))

        def _parse_breed(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        breed = _parse_breed(d.pop("breed"))

        age_months = d.pop("ageMonths")

        def _parse_size(data: object) -> None | Size:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                size_type_0 = Size(data)

                return size_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Size, data)

        size = _parse_size(d.pop("size"))

        def _parse_color(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        color = _parse_color(d.pop("color"))

        def _parse_gender(data: object) -> Gender | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                gender_type_0 = Gender(data)

                return gender_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Gender | None, data)

        gender = _parse_gender(d.pop("gender"))

        def _parse_good_with_kids(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        good_with_kids = _parse_good_with_kids(d.pop("goodWithKids"))

        price = d.pop("price")

        currency = d.pop("currency")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        status = PetStatus(d.pop("status"))

        medical_info = MedicalInfoOut.from_dict(d.pop("medicalInfo"))

        photos = cast(list[str], d.pop("photos"))

        def _parse_tenant_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                tenant_id_type_0 = UUID(data)

                return tenant_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        tenant_id = _parse_tenant_id(d.pop("tenantId"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        links = PetLinks.from_dict(d.pop("links"))

        pet = cls(
            id=id,
            name=name,
            species=species,
            breed=breed,
            age_months=age_months,
            size=size,
            color=color,
            gender=gender,
            good_with_kids=good_with_kids,
            price=price,
            currency=currency,
            description=description,
            status=status,
            medical_info=medical_info,
            photos=photos,
            tenant_id=tenant_id,
            created_at=created_at,
            updated_at=updated_at,
            links=links,
        )

        return pet
