from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Compatibility")


@_attrs_define
class Compatibility:
    """
    Attributes:
        good_with_kids (bool | None | Unset):
    """

    good_with_kids: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        good_with_kids: bool | None | Unset
        if isinstance(self.good_with_kids, Unset):
            good_with_kids = UNSET
        else:
            good_with_kids = self.good_with_kids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if good_with_kids is not UNSET:
            field_dict["goodWithKids"] = good_with_kids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_good_with_kids(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        good_with_kids = _parse_good_with_kids(d.pop("goodWithKids", UNSET))

        compatibility = cls(
            good_with_kids=good_with_kids,
        )

        compatibility.additional_properties = d
        return compatibility

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
