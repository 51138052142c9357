from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="UploadPetPhotoBody")


@_attrs_define
class UploadPetPhotoBody:
    """
    Attributes:
        file (File): A JPEG, PNG or WebP image of at most 5 MB and 16.8 MP.
        additional_metadata (str | Unset):
    """

    file: File
    additional_metadata: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        additional_metadata = self.additional_metadata

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
            }
        )
        if additional_metadata is not UNSET:
            field_dict["additionalMetadata"] = additional_metadata

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.additional_metadata, Unset):
            files.append(
                (
                    "additionalMetadata",
                    (None, str(self.additional_metadata).encode(), "text/plain"),
                )
            )

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        additional_metadata = d.pop("additionalMetadata", UNSET)

        upload_pet_photo_body = cls(
            file=file,
            additional_metadata=additional_metadata,
        )

        return upload_pet_photo_body
