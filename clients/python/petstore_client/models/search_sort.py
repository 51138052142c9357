from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sort_field import SortField
from ..models.sort_order import SortOrder
from ..types import UNSET, Unset

T = TypeVar("T", bound="SearchSort")


@_attrs_define
class SearchSort:
    """
    Attributes:
        field (SortField | Unset):
        order (SortOrder | Unset):
    """

    field: SortField | Unset = UNSET
    order: SortOrder | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field: str | Unset = UNSET
        if not isinstance(self.field, Unset):
            field = self.field.value

        order: str | Unset = UNSET
        if not isinstance(self.order, Unset):
            order = self.order.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if field is not UNSET:
            field_dict["field"] = field
        if order is not UNSET:
            field_dict["order"] = order

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _field = d.pop("field", UNSET)
        field: SortField | Unset
        if isinstance(_field, Unset):
            field = UNSET
        else:
            field = SortField(_field)

        _order = d.pop("order", UNSET)
        order: SortOrder | Unset
        if isinstance(_order, Unset):
            order = UNSET
        else:
            order = SortOrder(_order)

        search_sort = cls(
            field=field,
            order=order,
        )

        search_sort.additional_properties = d
        return search_sort

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
