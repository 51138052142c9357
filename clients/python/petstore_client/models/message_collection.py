from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.collection_links import CollectionLinks
    from ..models.pagination import Pagination
    from ..models.support_message import SupportMessage


T = TypeVar("T", bound="MessageCollection")


@_attrs_define
class MessageCollection:
    """
    Attributes:
        data (list[SupportMessage]):
        pagination (Pagination):
        links (CollectionLinks):
    """

    data: list[SupportMessage]
    pagination: Pagination
    links: CollectionLinks

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        pagination = self.pagination.to_dict()

        links = self.links.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "pagination": pagination,
                "links": links,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.collection_links import CollectionLinks  # noqa: PLC0415
        from ..models.pagination import Pagination  # noqa: PLC0415
        from ..models.support_message import SupportMessage  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = SupportMessage.from_dict(data_item_data)

            data.append(data_item)

        pagination = Pagination.from_dict(d.pop("pagination"))

        links = CollectionLinks.from_dict(d.pop("links"))

        message_collection = cls(
            data=data,
            pagination=pagination,
            links=links,
        )

        return message_collection
