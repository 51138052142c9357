from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PetLinks")


@_attrs_define
class PetLinks:
    """
    Attributes:
        self_ (str):
        images (str):
    """

    self_: str
    images: str

    def to_dict(self) -> dict[str, Any]:
        self_ = self.self_

        images = self.images

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "self": self_,
                "images": images,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        self_ = d.pop("self")

        images = d.pop("images")

        pet_links = cls(
            self_=self_,
            images=images,
        )

        return pet_links
