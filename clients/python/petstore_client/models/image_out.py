from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="ImageOut")


@_attrs_define
class ImageOut:
    """
    Attributes:
        id (UUID):
        url (str):
        thumbnail_url (str):
        content_type (str):
        width (int):
        height (int):
        bytes_ (int):
    """

    id: UUID
    url: str
    thumbnail_url: str
    content_type: str
    width: int
    height: int
    bytes_: int

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        url = self.url

        thumbnail_url = self.thumbnail_url

        content_type = self.content_type

        width = self.width

        height = self.height

        bytes_ = self.bytes_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "url": url,
                "thumbnailUrl": thumbnail_url,
                "contentType": content_type,
                "width": width,
                "height": height,
                "bytes": bytes_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        url = d.pop("url")

        thumbnail_url = d.pop("thumbnailUrl")

        content_type = d.pop("contentType")

        width = d.pop("width")

        height = d.pop("height")

        bytes_ = d.pop("bytes")

        image_out = cls(
            id=id,
            url=url,
            thumbnail_url=thumbnail_url,
            content_type=content_type,
            width=width,
            height=height,
            bytes_=bytes_,
        )

        return image_out
