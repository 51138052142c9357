from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.search_criteria import SearchCriteria
    from ..models.search_pagination import SearchPagination
    from ..models.search_sort import SearchSort


T = TypeVar("T", bound="PetSearch")


@_attrs_define
class PetSearch:
    """
    Attributes:
        criteria (None | SearchCriteria | Unset):
        sort (None | SearchSort | Unset):
        pagination (None | SearchPagination | Unset):
    """

    criteria: None | SearchCriteria | Unset = UNSET
    sort: None | SearchSort | Unset = UNSET
    pagination: None | SearchPagination | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.search_criteria import SearchCriteria  # noqa: PLC0415
        from ..models.search_pagination import SearchPagination  # noqa: PLC0415
        from ..models.search_sort import SearchSort  # noqa: PLC0415

        criteria: dict[str, Any] | None | Unset
        if isinstance(self.criteria, Unset):
            criteria = UNSET
        elif isinstance(self.criteria, SearchCriteria):
            criteria = self.criteria.to_dict()
        else:
            criteria = self.criteria

        sort: dict[str, Any] | None | Unset
        if isinstance(self.sort, Unset):
            sort = UNSET
        elif isinstance(self.sort, SearchSort):
            sort = self.sort.to_dict()
        else:
            sort = self.sort

        pagination: dict[str, Any] | None | Unset
        if isinstance(self.pagination, Unset):
            pagination = UNSET
        elif isinstance(self.pagination, SearchPagination):
            pagination = self.pagination.to_dict()
        else:
            pagination = self.pagination

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if criteria is not UNSET:
            field_dict["criteria"] = criteria
        if sort is not UNSET:
            field_dict["sort"] = sort
        if pagination is not UNSET:
            field_dict["pagination"] = pagination

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.search_criteria import SearchCriteria  # noqa: PLC0415
        from ..models.search_pagination import SearchPagination  # noqa: PLC0415
        from ..models.search_sort import SearchSort  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_criteria(data: object) -> None | SearchCriteria | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                criteria_type_0 = SearchCriteria.from_dict(data)

                return criteria_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SearchCriteria | Unset, data)

        criteria = _parse_criteria(d.pop("criteria", UNSET))

        def _parse_sort(data: object) -> None | SearchSort | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                sort_type_0 = SearchSort.from_dict(data)

                return sort_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SearchSort | Unset, data)

        sort = _parse_sort(d.pop("sort", UNSET))

        def _parse_pagination(data: object) -> None | SearchPagination | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                pagination_type_0 = SearchPagination.from_dict(data)

                return pagination_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SearchPagination | Unset, data)

        pagination = _parse_pagination(d.pop("pagination", UNSET))

        pet_search = cls(
            criteria=criteria,
            sort=sort,
            pagination=pagination,
        )

        pet_search.additional_properties = d
        return pet_search

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
