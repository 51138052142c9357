"""Image response bodies."""

from __future__ import annotations

import uuid

from petstore.core.schemas import OutputModel


class ImageOut(OutputModel):
    id: uuid.UUID
    url: str
    thumbnailUrl: str  # noqa: N815 - wire names are camelCase
    contentType: str  # noqa: N815
    width: int
    height: int
    bytes: int


class UploadResult(OutputModel):
    success: bool
    message: str
    image: ImageOut
