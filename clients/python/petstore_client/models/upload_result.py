from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.image_out import ImageOut


T = TypeVar("T", bound="UploadResult")


@_attrs_define
class UploadResult:
    """
    Attributes:
        success (bool):
        message (str):
        image (ImageOut):
    """

    success: bool
    message: str
    image: ImageOut

    def to_dict(self) -> dict[str, Any]:
        success = self.success

        message = self.message

        image = self.image.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "success": success,
                "message": message,
                "image": image,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image_out import ImageOut  # noqa: PLC0415

        d = dict(src_dict)
        success = d.pop("success")

        message = d.pop("message")

        image = ImageOut.from_dict(d.pop("image"))

        upload_result = cls(
            success=success,
            message=message,
            image=image,
        )

        return upload_result
